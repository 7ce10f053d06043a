from __future__ import annotations

import pytest
from pydantic import ValidationError

from arms_extract import Article, Extraction, Provenance, Sale, Span, Usage
from arms_extract.records import SCHEMA_VERSION


def test_span_must_be_consistent() -> None:
    Span(start=3, end=7, text="abcd")
    with pytest.raises(ValidationError, match="before start"):
        Span(start=7, end=3, text="")
    with pytest.raises(ValidationError, match="length"):
        Span(start=0, end=3, text="ab")
    with pytest.raises(ValidationError):
        Span(start=-1, end=2, text="abc")


def test_usage_adds_up() -> None:
    total = Usage(prompt_tokens=10, completion_tokens=2, requests=1) + Usage(
        prompt_tokens=5, completion_tokens=3, requests=2, reasks=1
    )
    assert total == Usage(prompt_tokens=15, completion_tokens=5, requests=3, reasks=1)


def test_extraction_round_trips_through_json() -> None:
    extraction = Extraction(
        article=Article(id="a", text="Japan buys 400 missiles.", published="2024-11-18"),  # type: ignore[arg-type]
        sales=[Sale(id="sale-1", buyer_country="JPN", evidence=[Span(start=0, end=5, text="Japan")])],
        provenance=Provenance(model="m", backend="embedded", prompt_version="1"),
    )
    again = Extraction.model_validate_json(extraction.model_dump_json())
    assert again == extraction
    assert again.provenance.schema_version == SCHEMA_VERSION
    assert again.sales[0].stage.value == "unknown"
    assert again.sales[0].value is None
