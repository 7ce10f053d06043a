"""The records arms-extract produces. Pure pydantic models: no I/O, no providers.

Every value that comes from an article carries evidence: `Span`s whose
`text` equals `article.text[start:end]`. Normalised values (ISO codes,
amounts, resolved dates, stages) are computed by code from those spans.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, Field, model_validator

SCHEMA_VERSION = "1"


class Span(BaseModel):
    """A verbatim stretch of the article: `text == article.text[start:end]`."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str

    @model_validator(mode="after")
    def _ordered(self) -> Span:
        if self.end < self.start:
            raise ValueError(f"span end {self.end} is before start {self.start}")
        if len(self.text) != self.end - self.start:
            raise ValueError("span text length does not match its offsets")
        return self


class ActorKind(StrEnum):
    country = "country"
    government_body = "government_body"
    military = "military"
    company = "company"
    person = "person"
    international_org = "international_org"
    other = "other"


class Stage(StrEnum):
    requested = "requested"
    approved = "approved"
    notified_to_congress = "notified_to_congress"
    contract_signed = "contract_signed"
    delivered = "delivered"
    cancelled = "cancelled"
    unknown = "unknown"


class DatePrecision(StrEnum):
    day = "day"
    month = "month"
    year = "year"
    unknown = "unknown"


class Actor(BaseModel):
    id: str
    name: str
    kind: ActorKind
    country: str | None = Field(default=None, description="ISO 3166-1 alpha-3")
    title: str | None = None
    aliases: list[str] = Field(default_factory=list)
    mentions: list[Span] = Field(default_factory=list)


class Quantity(BaseModel):
    value: int | None
    qualifier: str | None = Field(default=None, description="e.g. 'up to', 'about'")
    evidence: Span


class Wording(BaseModel):
    """How the article describes a transfer (new, second-hand, licensed, planned, ...), with the words."""

    value: str
    evidence: Span


class Item(BaseModel):
    name: str = Field(description="the weapon system as written in the article")
    designations: list[str] = Field(default_factory=list, description="e.g. AIM-120D-3")
    category: str | None = None
    quantity: int | None = None
    quantity_qualifier: str | None = None
    quantity_kind: Wording | None = Field(
        default=None, description="'ordered' or 'delivered': what the quantity counts, by its sentence's words"
    )
    evidence: list[Span] = Field(default_factory=list)
    found_by: str = Field(
        default="model", description="'model', or 'listed': a counted weapon code found in the article's list"
    )


class Money(BaseModel):
    amount: float
    currency: str = Field(description="ISO 4217")
    usd: float | None = Field(
        default=None,
        description="the amount in US dollars: itself when the currency is USD, else only the article's own "
        "conversion written beside it (never an exchange rate of ours)",
    )
    qualifier: str | None = Field(default=None, description="e.g. 'estimated', 'up to'")
    evidence: Span
    usd_evidence: Span | None = Field(default=None, description="where the article converts it to US dollars")


class DateValue(BaseModel):
    text: str
    iso: str | None = Field(default=None, description="resolved date; None when unknowable")
    precision: DatePrecision
    evidence: Span


class Sale(BaseModel):
    id: str
    seller: str | None = Field(default=None, description="actor id")
    buyer: str | None = Field(default=None, description="actor id")
    seller_country: str | None = Field(default=None, description="ISO 3166-1 alpha-3")
    buyer_country: str | None = Field(default=None, description="ISO 3166-1 alpha-3")
    buyer_body: str | None = Field(default=None, description="the buying body as written, when more than the country")
    seller_inferred: bool = Field(
        default=False, description="the seller is implied by the article, not named as seller"
    )
    seller_inference: Span | None = Field(default=None, description="the sentence that implies it")
    items: list[Item] = Field(default_factory=list)
    associated: list[Item] = Field(
        default_factory=list, description="equipment and services sold with the items (spares, training)"
    )
    value: Money | None = None
    stage: Stage = Stage.unknown
    date: DateValue | None = None
    evidence: list[Span] = Field(default_factory=list)
    condition: Wording | None = Field(
        default=None, description="'new', 'second_hand' or 'refurbished', when the article says so"
    )
    licensed_production: Wording | None = Field(
        default=None, description="'licensed': built or assembled in the buying country under licence"
    )
    context: Wording | None = Field(
        default=None, description="'done', 'planned', 'hypothetical', 'denied' or 'cancelled', by the article's words"
    )
    found_by: str = Field(
        default="model",
        description="'model', or 'listed': built from counted weapons code found in a sentence no sale covered",
    )


class Claim(BaseModel):
    id: str
    speaker: str | None = Field(default=None, description="actor id")
    speaker_name: str
    cue: str | None = None
    content: str
    direct: bool = Field(description="a quotation rather than reported speech")
    sale: str | None = Field(default=None, description="id of the sale it concerns")
    is_boilerplate: bool = False
    evidence: list[Span] = Field(default_factory=list)
    speaker_span: Span | None = Field(default=None, description="who, as written (may be a pronoun)")
    cue_span: Span | None = Field(default=None, description="the verb of saying or 'according to'")
    content_span: Span | None = Field(default=None, description="what was said")
    found_by: str = Field(
        default="model",
        description="'grammar' (the article's wording) or 'template' (a DSCA template sentence); "
        "'model' only in records written before claims came from the grammar",
    )


class Article(BaseModel):
    id: str
    text: str
    source: str | None = None
    title: str | None = None
    url: str | None = None
    published: dt.date | None = None


class Usage(BaseModel):
    prompt_tokens: int = 0
    completion_tokens: int = 0
    requests: int = 0
    reasks: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
            requests=self.requests + other.requests,
            reasks=self.reasks + other.reasks,
        )


class Provenance(BaseModel):
    model: str
    backend: str
    prompt_version: str
    schema_version: str = SCHEMA_VERSION
    usage: Usage = Field(default_factory=Usage)
    seconds: float = 0.0
    cached: bool = Field(default=False, description="answered from the cache: no model call was made")


class Extraction(BaseModel):
    """Everything extracted from one article, with how it was obtained."""

    article: Article
    sales: list[Sale] = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list)
    actors: list[Actor] = Field(default_factory=list)
    provenance: Provenance
    warnings: list[str] = Field(default_factory=list)
