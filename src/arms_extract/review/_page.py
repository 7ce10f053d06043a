"""review.html: one self-contained file (inline CSS, JS and data) that shows a run's records
beside their articles. No server, no CDN, no request: it opens from disk, offline.

The list of articles is one small JSON block read at load; each article's text and records sit
in their own JSON block, parsed only when the article is opened, so a page of thousands of
articles renders its first screen as fast as a page of ten.
"""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from ..batch.store import RunStore, write_atomically
from ..records import Actor, Claim, Extraction, Sale, Wording
from ._highlights import KINDS, highlights

PAGE_NAME = "review.html"


def write_review_page(out_dir: Path, path: Path | None = None) -> Path:
    """Write OUT_DIR/review.html (or `path`) from the run in OUT_DIR; return where it went."""
    with RunStore.existing(out_dir) as store:
        extractions = dict(store.extractions())
        rows = list(store.article_rows())
    index, details = [], []
    for n, row in enumerate(rows):
        extraction = extractions.get(row["key"])
        index.append(_list_entry(n, row, extraction))
        details.append(_script_json(_detail(row, extraction)))
    html = (
        _environment()
        .get_template("review.html.j2")
        .render(
            title=f"arms-extract review: {out_dir.resolve().name}",
            css=_asset("review.css"),
            js=_asset("review.js"),
            kinds=KINDS,
            index=_script_json(index),
            details=details,
        )
    )
    target = path or out_dir / PAGE_NAME
    with write_atomically(target) as handle:  # a page is never half-written (a StoreError names the file)
        handle.write(html)
    return target


def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("arms_extract.review", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _asset(name: str) -> str:
    return files("arms_extract.review").joinpath("templates", name).read_text(encoding="utf-8")


def _script_json(value: object) -> str:
    """JSON safe inside <script type="application/json">: no '<' can close the element."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _list_entry(n: int, row: dict[str, Any], extraction: Extraction | None) -> dict[str, Any]:
    """What the article list shows, filters and searches."""
    sales = extraction.sales if extraction else []
    claims = extraction.claims if extraction else []
    actors = extraction.actors if extraction else []
    words = [row["id"], row.get("source") or "", row.get("error") or ""]
    if extraction is not None:
        words += [extraction.article.title or "", extraction.article.url or ""]
        words += [item.name for sale in sales for item in sale.items]
        words += [actor.name for actor in actors]
    return {
        "n": n,
        "id": row["id"],
        "title": (extraction.article.title if extraction else None) or row["id"],
        "status": row["status"],
        "error": row.get("error"),
        "sales": len(sales),
        "claims": len(claims),
        "actors": len(actors),
        "warnings": len(row["warnings"]),
        "buyers": sorted({s.buyer_country for s in sales if s.buyer_country}),
        "sellers": sorted({s.seller_country for s in sales if s.seller_country}),
        "stages": sorted({s.stage.value for s in sales}),
        "search": " ".join(words).lower(),
    }


def _detail(row: dict[str, Any], extraction: Extraction | None) -> dict[str, Any]:
    """An article as the page draws it: text, spans in code points, record cards, warnings, provenance."""
    detail: dict[str, Any] = {
        "id": row["id"],
        "key": row["key"],
        "source": row.get("source"),
        "status": row["status"],
        "error": row.get("error"),
        "warnings": row["warnings"],
        "no_sale": row.get("no_sale_reason"),
        "provenance": {
            "model": row.get("model"),
            "prompt version": row.get("prompt_version"),
            "tokens": f"{row['prompt_tokens']:,} prompt + {row['completion_tokens']:,} completion",
            "requests": f"{row['requests']} ({row['reasks']} re-asks)",
            "seconds": round(row["seconds"] or 0.0, 2),
            "cached": row["cached"],
        },
        "text": None,
        "spans": [],
        "records": [],
    }
    if extraction is None:
        return detail
    detail["provenance"] = {"backend": extraction.provenance.backend, **detail["provenance"]}
    detail["text"] = extraction.article.text
    detail["meta"] = {
        key: value
        for key, value in (
            ("title", extraction.article.title),
            ("url", extraction.article.url),
            ("published", extraction.article.published and extraction.article.published.isoformat()),
        )
        if value
    }
    records = [*(_sale_card(s) for s in extraction.sales), *(_claim_card(c) for c in extraction.claims)]
    records += [_actor_card(a) for a in extraction.actors]
    position = {card["id"]: i for i, card in enumerate(records)}
    detail["records"] = records
    detail["spans"] = [[h.start, h.end, h.kind, position[h.record]] for h in highlights(extraction)]
    return detail


def _card(record_id: str, kind: str, title: str, *fields: tuple[str, object]) -> dict[str, Any]:
    """A record as the page shows it: a title and the fields that have a value."""
    shown = [[name, str(value)] for name, value in fields if value not in (None, "", [], False)]
    return {"id": record_id, "type": kind, "title": title, "fields": shown}


def _sale_card(sale: Sale) -> dict[str, Any]:
    items = [
        f"{item.quantity_qualifier + ' ' if item.quantity_qualifier else ''}"
        f"{str(item.quantity) + ' × ' if item.quantity is not None else ''}{item.name}"
        f"{' (listed)' if item.found_by == 'listed' and sale.found_by != 'listed' else ''}"
        for item in sale.items
    ]
    value = None
    if sale.value is not None:
        value = f"{sale.value.qualifier or ''} {sale.value.amount:,.0f} {sale.value.currency}".strip()
        if sale.value.currency != "USD" and sale.value.usd is not None:
            value += f" ({sale.value.usd:,.0f} USD as the article converts it)"
    return _card(
        sale.id,
        "sale",
        f"{sale.seller_country or '?'} → {sale.buyer_country or '?'}",
        ("stage", sale.stage.value),
        ("items", "; ".join(items)),
        ("with", "; ".join(item.name for item in sale.associated)),
        ("value", value),
        ("date", sale.date and (sale.date.iso or sale.date.text)),
        ("buyer body", sale.buyer_body),
        ("seller", "inferred from the article" if sale.seller_inferred else None),
        ("found by", "the article's list of counted weapons" if sale.found_by == "listed" else None),
        *((name, wording.value.replace("_", " ") if wording else None) for name, wording in _wordings(sale)),
    )


def _wordings(sale: Sale) -> list[tuple[str, Wording | None]]:
    return [("condition", sale.condition), ("licence", sale.licensed_production), ("context", sale.context)]


def _claim_card(claim: Claim) -> dict[str, Any]:
    return _card(
        claim.id,
        "claim",
        claim.speaker_name,
        ("cue", claim.cue),
        ("says", claim.content),
        ("quoted", "yes" if claim.direct else "no"),
        ("template", "DSCA template sentence" if claim.is_boilerplate else None),
        ("found by", claim.found_by),
        ("sale", claim.sale),
    )


def _actor_card(actor: Actor) -> dict[str, Any]:
    return _card(
        actor.id,
        "actor",
        actor.name,
        ("kind", actor.kind.value.replace("_", " ")),
        ("country", actor.country),
        ("title", actor.title),
        ("also", ", ".join(actor.aliases)),
    )
