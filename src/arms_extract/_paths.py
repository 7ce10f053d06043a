"""Where arms-extract keeps files of its own: the answer cache and the assembled model."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_cache_dir


def cache_dir() -> Path:
    """The user cache directory; ARMS_EXTRACT_CACHE_DIR overrides the platform default."""
    override = os.environ.get("ARMS_EXTRACT_CACHE_DIR")
    return Path(override) if override else Path(user_cache_dir("arms-extract"))
