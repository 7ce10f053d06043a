"""The comparison baseline: one plain instructor call with a flat schema, as a user would write it by hand.

No verbatim mentions, no grounding, no normalisation, no re-ask, no chunking:
the model's values are scored as they come (countries and money are read by
the scorer, as for every system). Its prompt is prompts/baseline_system.jinja.
"""

from __future__ import annotations

import re
import time
from typing import Any

import httpx2 as httpx
import openai
from instructor.core.exceptions import InstructorError
from pydantic import BaseModel

from ..backends._attempt import describe_api_error
from ..backends.llm import BackendSettings
from ..backends.planner import model_call
from ..core.normalize import country_in, parse_money, parse_quantity
from ..core.prompts import render
from .scoring import PRICE_TOLERANCE, PredictedSale, SystemArticle, failed

BASELINE_MAX_TOKENS = 1024  # ten flat sales fit in a few hundred tokens; a looping list is cut here


class FlatSale(BaseModel):
    seller_country: str | None
    buyer_country: str | None
    weapon: str | None
    quantity: int | None
    price: float | None
    currency: str | None


class FlatAnswer(BaseModel):
    sales: list[FlatSale]


def baseline_request(text: str, settings: BackendSettings) -> dict[str, Any]:
    messages = [{"role": "system", "content": render("baseline_system.jinja")}, {"role": "user", "content": text}]
    return model_call(messages, FlatAnswer, settings, max_retries=0, max_tokens=BASELINE_MAX_TOKENS)


_CURRENCY_WORDS = {"$": "USD", "dollar": "USD", "dollars": "USD", "usd": "USD", "us$": "USD", "euro": "EUR",
                   "euros": "EUR", "€": "EUR", "£": "GBP", "pound": "GBP", "pounds": "GBP", "rupee": "INR",
                   "rupees": "INR", "rs": "INR", "rand": "ZAR", "yen": "JPY", "won": "KRW"}  # fmt: skip
# A number as written, digits or words, with the scale word after it: "3.5bln", "1.2 trillion", "two".
_WRITTEN_NUMBER = re.compile(
    r"\d[\d,]*(?:\.\d+)?\s*(?:trillion|billion|bln|bn|million|mln|mn|m|crore|lakh|thousand)?\b"
    r"|\b(?:[a-z]+[- ])?(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozen|"
    r"[a-z]+teen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred)\b(?:[- ][a-z]+)?",
    re.IGNORECASE,
)


def _currency(value: str | None) -> str | None:
    if not value:
        return None
    cleaned = value.strip().lower()
    if re.fullmatch(r"[a-z]{3}", cleaned):
        return cleaned.upper()
    return _CURRENCY_WORDS.get(cleaned)


def _values_in(text: str) -> tuple[list[float], set[int]]:
    """Every amount and every count written in the article, read by the pipeline's own parsers.

    The amount of "3.5bln" is 3.5e9 and the count of "two" is 2, as assembly reads them, so a
    baseline value is called invented only when no parser of ours finds it in the article."""
    amounts: list[float] = []
    counts: set[int] = set()
    for match in _WRITTEN_NUMBER.finditer(text):
        written = match.group(0)
        money = parse_money("$" + written) if written[0].isdigit() else None
        if money is not None and not money.out_of_range:
            amounts.append(money.amount)
        quantity = parse_quantity(written)
        if quantity is not None and quantity.value is not None:
            counts.add(quantity.value)
            amounts.append(float(quantity.value))
    return amounts, counts


def to_system_article(article_id: str, text: str, answer: FlatAnswer, usage: Any, seconds: float) -> SystemArticle:
    """The baseline's answer, reduced for scoring.

    It carries no spans, so none of its values is grounded. A value written somewhere in the
    article counts as unspanned, one found nowhere as invented (names case-insensitively, the
    number for quantities and prices)."""
    result = SystemArticle(
        id=article_id,
        seconds=seconds,
        prompt_tokens=getattr(usage, "prompt_tokens", 0) or 0,
        completion_tokens=getattr(usage, "completion_tokens", 0) or 0,
    )
    lowered = text.casefold()
    amounts, counts = _values_in(text)

    def check(found: bool) -> None:
        if found:
            result.unspanned += 1
        else:
            result.invented += 1

    for sale in answer.sales:
        predicted = PredictedSale(
            buyer_country=country_in(sale.buyer_country),
            seller_country=country_in(sale.seller_country),
        )
        for name in (sale.buyer_country, sale.seller_country, sale.weapon):
            if name:
                check(name.casefold() in lowered)
        if sale.weapon:
            predicted.weapons.append(sale.weapon)
        if sale.quantity is not None:
            predicted.quantities.append(sale.quantity)
            check(sale.quantity in counts)
        currency = _currency(sale.currency)
        if sale.price is not None:
            check(any(abs(a - sale.price) <= PRICE_TOLERANCE * abs(sale.price) for a in amounts))
            if currency is not None:
                predicted.price = (float(sale.price), currency)
        result.sales.append(predicted)
    return result


async def run_baseline(client: Any, article_id: str, text: str, settings: BackendSettings) -> SystemArticle:
    """One article through the baseline; a failed call or unparsable answer is a failure, as it would be."""
    started = time.perf_counter()
    try:
        answer, completion = await client.create_with_completion(**baseline_request(text, settings))
    except InstructorError as error:
        return failed(article_id, f"invalid answer: {str(error).splitlines()[0][:200]}", time.perf_counter() - started)
    except (openai.APIError, httpx.HTTPError) as error:
        return failed(article_id, describe_api_error(error), time.perf_counter() - started)
    return to_system_article(article_id, text, answer, completion.usage, time.perf_counter() - started)
