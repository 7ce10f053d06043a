"""Run the real `arms-extract` command in a subprocess, as a user would, with its own cache."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any


def cli(
    tmp_path: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """`arms-extract ARGS` in a child process; no API key from the caller's environment leaks in."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "ARMS_EXTRACT_"))}
    base["ARMS_EXTRACT_CACHE_DIR"] = str(tmp_path / "user-cache")
    base["COLUMNS"] = "200"
    return subprocess.run(
        [sys.executable, "-m", "arms_extract.cli", *args],
        env=base | (env or {}),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        stdin=subprocess.DEVNULL,
    )


def jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
