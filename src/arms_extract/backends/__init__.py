"""How requests reach a model: settings, the retrying transport, instructor glue, the embedded server.

The only package that imports instructor, openai or httpx2.
"""
