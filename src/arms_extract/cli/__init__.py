"""The arms-extract command line: typer commands (app.py) and what a person reads (render.py)."""

from .app import app

__all__ = ["app"]
