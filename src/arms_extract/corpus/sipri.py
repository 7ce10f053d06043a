"""Deals as rows in the SIPRI Arms Transfers Database's columns, plus our own.

SIPRI's rule for the status: a deal is an order once a contract is signed or deliveries begin;
a request, an approval or a notification to the US Congress is not an order (it is "planned"),
and a deal called off is "cancelled". Number delivered is a number the article calls delivered
(else one from a report of a delivery), number ordered the others; order date is the date of
the first report of a signed contract, delivery years those of the delivery reports.
"""

from __future__ import annotations

import csv
from pathlib import Path

from ..batch.store import safe_cell, write_atomically
from ..core.normalize import country_name
from ..records import Stage
from .deals import Deal

COLUMNS = (
    "supplier", "recipient", "designation", "description", "number ordered", "order date", "number delivered",
    "delivery year", "status", "comments",
    # ours
    "value", "currency", "stage", "corroborating articles", "evidence", "deal uid",
)  # fmt: skip


def status(deal: Deal) -> str:
    stage = deal.stage
    if stage is Stage.cancelled or deal.context == "cancelled":
        return "cancelled"
    if stage in (Stage.contract_signed, Stage.delivered):
        return "order"
    return "planned"


def sipri_row(deal: Deal) -> dict[str, object]:
    history = deal.stage_history
    signed = [step["date"] for step in history if step["stage"] == Stage.contract_signed.value and step["date"]]
    delivered = sorted({step["date"][:4] for step in history if step["stage"] == "delivered" and step["date"]})
    comments = []
    if deal.condition in ("second_hand", "refurbished"):
        comments.append(deal.condition.replace("_", "-"))
    if deal.licensed:
        comments.append("licensed production")
    for name, found in deal.conflicts.items():
        given = "; ".join(f"{entry['value']} ({', '.join(entry['articles'])})" for entry in found)
        comments.append(f"reports differ on {name}: {given}")
    if history:
        comments.append("stages: " + "; ".join(f"{s['stage']} {s['date'] or '?'}" for s in history))
    value = deal.value
    evidence = " | ".join(
        f"{source.article_id}: {' … '.join(text for _, _, text in source.evidence[:3])}" for source in deal.sources
    )
    return {
        "supplier": country_name(deal.supplier) if deal.supplier else "",
        "recipient": country_name(deal.recipient) if deal.recipient else "",
        "designation": deal.designation or "",
        "description": "; ".join(deal.item_names),
        "number ordered": deal.quantity_ordered if deal.quantity_ordered is not None else "",
        "order date": signed[0][:4] if signed else "",
        "number delivered": deal.quantity_delivered if deal.quantity_delivered is not None else "",
        "delivery year": ", ".join(delivered),
        "status": status(deal),
        "comments": " / ".join(comments),
        "value": value[0] if value else "",
        "currency": value[1] if value else "",
        "stage": deal.stage.value,
        "corroborating articles": deal.articles,
        "evidence": evidence,
        "deal uid": deal.uid,
    }


def write_sipri_csv(deals: list[Deal], path: Path) -> int:
    with write_atomically(path) as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        for deal in deals:
            writer.writerow({k: safe_cell(v) for k, v in sipri_row(deal).items()})
    return len(deals)
