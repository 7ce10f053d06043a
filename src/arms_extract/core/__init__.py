"""Text to records: sentences, grounding, normalisation, names and attributions found by code,
the answer schema and assembly.

Pure functions over strings and pydantic records. Nothing here imports a model client
(instructor, openai, httpx2): tests/test_layers.py holds it to that.
"""
