"""arms-extract: typed, validated, source-grounded records of arms sales from news articles.

The public API is what `__all__` names (pinned by tests/test_layers.py). The records and
errors load at once; the extractors and backend settings, which bring instructor, openai and
httpx2, load on first use, so reading output files costs no model client import.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from ._errors import ArmsExtractError, ConfigError, EmbeddedModelError, ExtractionFailed, InputError, StoreError
from .records import (
    SCHEMA_VERSION,
    Actor,
    ActorKind,
    Article,
    Claim,
    DateValue,
    Extraction,
    Item,
    Money,
    Provenance,
    Sale,
    Span,
    Stage,
    Usage,
    Wording,
)

if TYPE_CHECKING:
    from .backends._transport import RetryPolicy
    from .backends.llm import BackendSettings
    from .backends.local_model import EmbeddedServer
    from .pipeline import AsyncExtractor, Extractor, aextract, extract

_LAZY = {
    "AsyncExtractor": ".pipeline",
    "Extractor": ".pipeline",
    "aextract": ".pipeline",
    "extract": ".pipeline",
    "BackendSettings": ".backends.llm",
    "RetryPolicy": ".backends._transport",
    "EmbeddedServer": ".backends.local_model",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'arms_extract' has no attribute {name!r}")
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "SCHEMA_VERSION",
    "Actor",
    "ActorKind",
    "ArmsExtractError",
    "Article",
    "AsyncExtractor",
    "BackendSettings",
    "Claim",
    "ConfigError",
    "DateValue",
    "EmbeddedModelError",
    "EmbeddedServer",
    "Extraction",
    "ExtractionFailed",
    "Extractor",
    "InputError",
    "Item",
    "Money",
    "Provenance",
    "RetryPolicy",
    "Sale",
    "Span",
    "Stage",
    "StoreError",
    "Usage",
    "Wording",
    "aextract",
    "extract",
]
