"""Many articles: reading inputs, the run's store, `run`, and provider batch files."""
