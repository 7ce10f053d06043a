"""arms-extract: typed, validated, source-grounded records of arms sales from news articles."""

from ._errors import ArmsExtractError, EmbeddedModelError, ExtractionFailed, InputError
from .llm import BackendSettings
from .local_model import EmbeddedServer
from .pipeline import AsyncExtractor, Extractor, aextract, extract
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
)

__all__ = [
    "SCHEMA_VERSION",
    "Actor",
    "ActorKind",
    "ArmsExtractError",
    "Article",
    "AsyncExtractor",
    "BackendSettings",
    "Claim",
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
    "Sale",
    "Span",
    "Stage",
    "Usage",
    "aextract",
    "extract",
]
