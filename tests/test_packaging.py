"""The wheel carries the prompt and review-page templates, so an installed package works outside a checkout."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from .conftest import ROOT


def test_wheel_ships_prompts(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
    )
    [wheel] = tmp_path.glob("arms_extract-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for template in ("system.jinja", "user.jinja", "VERSION"):
        assert f"arms_extract/prompts/{template}" in names
    for asset in ("review.html.j2", "review.css", "review.js"):
        assert f"arms_extract/review/templates/{asset}" in names


def test_prompt_version_and_messages() -> None:
    from arms_extract.core.prompts import extraction_messages, prompt_version

    assert prompt_version() == (ROOT / "prompts" / "VERSION").read_text().strip()
    system, user = extraction_messages("Japan buys 400 missiles.")
    assert system["role"] == "system" and "VERBATIM" in system["content"]
    assert user == {"role": "user", "content": "Article:\nJapan buys 400 missiles."}
