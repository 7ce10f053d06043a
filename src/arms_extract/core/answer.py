"""What the model is asked to return: short verbatim mentions, nothing computed.

The schema is deliberately flat and small (a 1.5B model fills it under a
grammar). When validated inside `grounded_in(text)` (or with
`context={"text": text}`), every mention must be found in the text; the error
lists all that were not, so one re-ask can fix them together. Otherwise the
same JSON parses leniently, which is how the last answer is salvaged after
re-asks run out.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, Field, ValidationInfo, model_validator

from .grounding import FoldedText, ground_item_name, is_grounded
from .normalize import mentions_money, mentions_number

_NULLISH = {"", "null", "none", "n/a", "na", "unknown", "not stated", "not mentioned"}


def _nullish_to_none(value: object) -> object:
    """Small models write the string "null" where they mean null."""
    if isinstance(value, str) and value.strip().casefold() in _NULLISH:
        return None
    return value


OptionalMention = Annotated[str | None, BeforeValidator(_nullish_to_none)]

# Caps on list lengths become maxItems in the JSON schema, which the server's grammar
# enforces: a small model otherwise lists every spare part of a DSCA notice and runs
# out of tokens. Free text is never capped (that cuts sentences mid-way).
MAX_SALES = 8
MAX_ITEMS = 6

# Every field is required (nullable where a value may be absent): under a grammar the
# model then writes each key and decides on it, instead of silently skipping it.


class ItemAnswer(BaseModel):
    name: str
    quantity: OptionalMention


class SaleAnswer(BaseModel):
    seller: OptionalMention
    buyer: OptionalMention
    items: list[ItemAnswer] = Field(max_length=MAX_ITEMS)
    value: OptionalMention
    date: OptionalMention
    status: OptionalMention


_SCHEMAS: dict[tuple[object, ...], str] = {}

_GROUNDING_TEXT: ContextVar[str | None] = ContextVar("arms_extract_grounding_text", default=None)


@contextmanager
def grounded_in(text: str) -> Iterator[None]:
    """Answers validated in this block (in this thread or task) must be grounded in `text`.

    The text travels this way, not as instructor's `context`, because instructor also renders
    every message as a Jinja template when given a context: an article containing "{{" failed,
    "{{ text }}" was replaced by the whole article and "{# ... #}" vanished from the prompt."""
    token = _GROUNDING_TEXT.set(text)
    try:
        yield
    finally:
        _GROUNDING_TEXT.reset(token)


class ArticleAnswer(BaseModel):
    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """Generated once: instructor asks for it on every request, and it costs ~9 ms each time.

        Kept as JSON text: a fresh dict from it costs a tenth of a deep copy."""
        key = (cls, args, tuple(sorted(kwargs.items())))
        if key not in _SCHEMAS:
            _SCHEMAS[key] = json.dumps(super().model_json_schema(*args, **kwargs))
        return json.loads(_SCHEMAS[key])

    # Only the sales: claims come from the article's grammar (core/attribution.py) and actors from
    # code that finds names (countries, speakers, parties). Asking the model for them cost two
    # thirds of its output tokens on the 40 dev articles and found 8 of 380 annotated attributions.
    sales: list[SaleAnswer] = Field(max_length=MAX_SALES)

    def sale_mentions(self) -> Iterator[tuple[str, str]]:
        """(path, mention) for the sale facts, which are re-asked when not verbatim.

        Statuses and dates are not re-asked: a re-ask costs a whole generation on a
        small model, so those are grounded leniently in assembly and dropped with a
        warning when they cannot be found.
        """
        for i, sale in enumerate(self.sales):
            # Dates and statuses are grounded leniently in assembly ("January 13, 2014" when the
            # article has "January 13"): a re-ask for them costs more than it brings.
            for field in ("seller", "buyer", "value"):
                value = getattr(sale, field)
                if value is not None:
                    yield f"sales[{i}].{field}", value
            for j, item in enumerate(sale.items):
                if item.quantity is not None:
                    yield f"sales[{i}].items[{j}].quantity", item.quantity

    def problems(self, text: str) -> list[str]:
        """Sale facts not found in `text`, and values that cannot be read as their type."""
        folded = FoldedText.of(text)
        found = [
            f"{path} = {mention!r} is not in the article"
            for path, mention in self.sale_mentions()
            if not is_grounded(text, mention, folded)
        ]
        found += [
            f"sales[{i}].items[{j}].name = {item.name!r} is not in the article"
            for i, sale in enumerate(self.sales)
            for j, item in enumerate(sale.items)
            if ground_item_name(text, item.name, folded) is None
        ]
        for i, sale in enumerate(self.sales):
            if sale.value is not None and not mentions_money(sale.value):
                found.append(f"sales[{i}].value = {sale.value!r} is not an amount of money")
            for j, item in enumerate(sale.items):
                if item.quantity is not None and not mentions_number(item.quantity):
                    found.append(f"sales[{i}].items[{j}].quantity = {item.quantity!r} is not a number")
        return found

    @model_validator(mode="after")
    def _grounded(self, info: ValidationInfo) -> ArticleAnswer:
        context = info.context or {}
        text = context.get("text", _GROUNDING_TEXT.get())
        if text is None:
            return self
        problems = self.problems(text)
        if problems:
            raise ValueError("Copy values exactly as written in the article, or use null. " + "; ".join(problems))
        return self
