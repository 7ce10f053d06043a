"""`python -m arms_extract.cli`: the same commands as `arms-extract`."""

from . import app

app()
