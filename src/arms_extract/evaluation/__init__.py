"""Measuring quality: gold sets, scoring, weapon matching, the baseline, the runner and its report."""
