"""What a person reads: the records as Rich tables, and one-line errors.

Every string that comes from an article or a server is escaped before Rich sees it, so
"[/bold]" prints as written and "[link=http://evil]Japan[/link]" is never a link.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..records import Extraction

if TYPE_CHECKING:
    from ..corpus.deals import Deal


def _money(extraction: Extraction, sale_index: int) -> str:
    value = extraction.sales[sale_index].value
    if value is None:
        return "-"
    qualifier = f"{value.qualifier} " if value.qualifier else ""
    return f"{qualifier}{value.amount:,.0f} {value.currency}"


def print_extraction(console: Console, extraction: Extraction) -> None:
    """The records as tables. Every string from an article is escaped: "[/bold]" in a name crashed
    Rich, and "[link=http://evil]Japan[/link]" printed as a link that reads "Japan"."""
    article = extraction.article
    usage = extraction.provenance.usage
    console.rule(f"[bold]{escape(article.source or article.id)}")
    sales = Table(title="Sales", show_lines=True, expand=True)
    for column in ("seller", "buyer", "items", "value", "stage", "date"):
        sales.add_column(column)
    for i, sale in enumerate(extraction.sales):
        items = "\n".join(
            f"{(item.quantity_qualifier + ' ') if item.quantity_qualifier else ''}"
            f"{item.quantity if item.quantity is not None else '?'} x {item.name}"
            for item in sale.items
        )
        date = sale.date.iso or sale.date.text if sale.date else "-"
        cells = (
            sale.seller_country or sale.seller or "-",
            sale.buyer_country or sale.buyer or "-",
            items or "-",
            _money(extraction, i),
            sale.stage.value,
            date,
        )
        sales.add_row(*map(escape, cells))
    if extraction.sales:
        console.print(sales)
    else:
        console.print("[dim]No arms sale found in this article.[/dim]")
    actors = Table(title="Actors", expand=True)
    for column in ("id", "name", "kind", "country", "title"):
        actors.add_column(column)
    for actor in extraction.actors:
        cells = (actor.id, actor.name, actor.kind.value, actor.country or "-", actor.title or "-")
        actors.add_row(*map(escape, cells))
    if extraction.actors:
        console.print(actors)
    claims = Table(title="Claims", show_lines=True, expand=True)
    for column in ("speaker", "cue", "content", "direct", "boilerplate"):
        claims.add_column(column)
    for claim in extraction.claims:
        cells = (
            claim.speaker or claim.speaker_name,
            claim.cue or "-",
            claim.content,
            "yes" if claim.direct else "no",
            "yes" if claim.is_boilerplate else "no",
        )
        claims.add_row(*map(escape, cells))
    if extraction.claims:
        console.print(claims)
    for warning in extraction.warnings:
        console.print(f"[yellow]warning:[/yellow] {escape(warning)}", highlight=False)
    provenance = extraction.provenance
    console.print(
        f"[dim]{escape(provenance.model)} via {provenance.backend}, "
        f"prompt {escape(provenance.prompt_version)}: {provenance.seconds:.1f} s, "
        f"{usage.prompt_tokens} prompt + {usage.completion_tokens} completion tokens, "
        f"{usage.reasks} re-asks[/dim]"
    )


def error_line(console: Console, message: object, label: str = "error") -> None:
    """One line on stderr; the message is printed as written, never read as Rich markup."""
    console.print(f"[red]{label}:[/red] {escape(str(message))}", highlight=False)


def print_deals(console: Console, deals: list[Deal], limit: int) -> None:
    """The deal table, most corroborated first: one row per deal across articles."""
    table = Table(title=f"{len(deals)} deals across articles", show_lines=False, expand=True)
    for column in ("supplier", "recipient", "designation", "ordered", "delivered", "value", "stage", "articles",
                   "reports", "conflicts"):  # fmt: skip
        table.add_column(column, justify="right" if column in ("ordered", "delivered", "articles") else "left")
    for deal in sorted(deals, key=lambda d: (-d.articles, d.first_report or ""))[:limit]:
        value = deal.value
        table.add_row(
            escape(deal.supplier or "?"),
            escape(deal.recipient or "?"),
            escape(deal.designation or "-"),
            "-" if deal.quantity_ordered is None else str(deal.quantity_ordered),
            "-" if deal.quantity_delivered is None else str(deal.quantity_delivered),
            f"{value[0]:,.0f} {value[1]}" if value else "-",
            deal.stage.value,
            str(deal.articles),
            f"{deal.first_report or '?'} .. {deal.last_report or '?'}",
            escape(", ".join(deal.conflicts)) or "-",
        )
    console.print(table)
    if len(deals) > limit:
        console.print(f"(the first {limit} of {len(deals)}; all in deals.jsonl)", highlight=False)
