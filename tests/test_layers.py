"""The shape of the package: its layers, its public API, and an import that changes nothing else."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import arms_extract

ROOT = Path(__file__).resolve().parents[1]

PUBLIC = {
    "SCHEMA_VERSION", "Actor", "ActorKind", "ArmsExtractError", "Article", "AsyncExtractor", "BackendSettings",
    "Claim", "ConfigError", "DateValue", "EmbeddedModelError", "EmbeddedServer", "Extraction", "ExtractionFailed",
    "Extractor", "InputError", "Item", "Money", "Provenance", "RetryPolicy", "Sale", "Span", "Stage",
    "StoreError", "Usage", "Wording", "aextract", "extract",
}  # fmt: skip


def test_no_module_imports_from_a_layer_above_its_own() -> None:
    """The contracts in pyproject.toml ([tool.importlinter]), checked by import-linter."""
    from importlinter.cli import lint_imports

    assert lint_imports(config_filename=str(ROOT / "pyproject.toml")) == 0


def test_the_public_api_is_what_all_names() -> None:
    assert set(arms_extract.__all__) == PUBLIC
    for name in arms_extract.__all__:
        assert getattr(arms_extract, name) is not None, name


def _in_a_fresh_interpreter(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return done.stdout.strip()


def test_reading_records_imports_no_model_client() -> None:
    loaded = _in_a_fresh_interpreter(
        "import sys; import arms_extract; from arms_extract.records import Extraction; "
        "print(sorted(m for m in ('instructor', 'openai', 'httpx2') if m in sys.modules))"
    )
    assert loaded == "[]"


def test_importing_the_library_changes_no_other_library() -> None:
    changed = _in_a_fresh_interpreter(
        "import logging; from instructor.v2.validation import async_validators as a; "
        "before = a.reject_async_validators; "
        "import arms_extract.pipeline, arms_extract.batch.run, arms_extract.evaluation.runner; "
        "log = logging.getLogger('instructor'); "
        "print(a.reject_async_validators is before, log.propagate, log.handlers)"
    )
    assert changed == "True True []"
