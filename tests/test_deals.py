"""Deals across articles and actors across articles, on hand-made sales (no model): the rules of
corpus/deals.py and corpus/actors.py, the store's run-wide uids, incremental runs and the SIPRI
export. The same on real recorded articles, with hand labels: tests/test_corpus.py."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

from arms_extract import Article, Extraction, Provenance, Wording
from arms_extract.batch.store import RunStore, record_uid
from arms_extract.corpus import build_deals, resolve_actors, update_corpus, write_sipri_csv
from arms_extract.corpus._refs import ActorRef, SaleRef
from arms_extract.records import Actor, ActorKind, Item, Money, Sale, Span, Stage


def ref(
    uid: str,
    item: str,
    recipient: str | None = "NGA",
    supplier: str | None = "USA",
    quantity: int | None = None,
    usd: float | None = None,
    stage: Stage = Stage.unknown,
    published: str = "2017-08-04",
) -> SaleRef:
    return SaleRef(
        uid=uid, article_key=f"{uid}@k", article_id=uid, published=dt.date.fromisoformat(published),
        supplier=supplier, recipient=recipient, items=((item, (), quantity),),
        value=(usd, "USD", usd) if usd else None, stage=stage, date=None, evidence=(),
    )  # fmt: skip


def groups(sales: list[SaleRef]) -> set[frozenset[str]]:
    return {frozenset(s.uid for s in deal.sources) for deal in build_deals(sales)}


def test_reports_of_one_deal_are_one_row_and_look_alikes_are_not() -> None:
    sales = [
        ref("approved", "A-29 Super Tucano aircraft", quantity=12, usd=593e6, stage=Stage.approved),
        ref("contract", "Super Tucano", quantity=12, stage=Stage.contract_signed, published="2017-09-05"),
        # Same buyer and system, another supplier and number: another deal.
        ref("brazil", "Super Tucano aircraft", supplier="BRA", quantity=3, published="2017-02-10"),
        # Same supplier and buyer, another system.
        ref("bombs", "Paveway II guided bombs", published="2017-09-05"),
        # Same system to another buyer.
        ref("afghanistan", "A-29 Super Tucano", recipient="AFG", quantity=12),
    ]
    assert groups(sales) == {
        frozenset({"approved", "contract"}),
        frozenset({"brazil"}),
        frozenset({"bombs"}),
        frozenset({"afghanistan"}),
    }


def test_designations_names_and_descriptions_of_one_system_meet_and_f16_never_meets_f35() -> None:
    sales = [
        ref("a", "AIM-120D-3", recipient="JPN"),
        ref("b", "AMRAAM missiles", recipient="JPN"),
        ref("c", "advanced medium-range air-to-air missiles", recipient="JPN"),
        ref("d", "F-16 fighters", recipient="JPN"),
        ref("e", "F-35 fighters", recipient="JPN"),
    ]
    assert groups(sales) == {frozenset("abc"), frozenset("d"), frozenset("e")}


def test_the_same_system_bought_again_years_later_is_another_deal() -> None:
    sales = [ref("2010", "F-16 pilot training", published="2010-10-04"), ref("2016", "F-16", published="2016-01-14")]
    assert groups(sales) == {frozenset({"2010"}), frozenset({"2016"})}


def test_a_delivery_of_part_of_an_order_joins_it_and_disagreements_are_kept() -> None:
    sales = [
        ref("order", "Ka-52 Alligator", recipient="EGY", supplier="RUS", quantity=46, usd=1.0e9,
            stage=Stage.contract_signed, published="2015-12-01"),
        ref("delivered", "Ka-52 helicopters", recipient="EGY", supplier="RUS", quantity=12,
            stage=Stage.delivered, published="2018-08-10"),
        ref("misreport", "Ka-52", recipient="EGY", supplier="RUS", quantity=50, usd=1.6e9, published="2016-01-01"),
    ]  # fmt: skip
    [deal] = build_deals(sales)
    assert deal.quantity_delivered == 12 and deal.stage is Stage.delivered
    assert [step["stage"] for step in deal.stage_history] == ["contract_signed", "delivered"]
    conflicts = deal.conflicts
    assert {c["value"] for c in conflicts["quantity"]} == {46, 50}  # kept, not averaged
    assert {tuple(c["value"]) for c in conflicts["value"]} == {(1.0e9, "USD"), (1.6e9, "USD")}


def test_blocking_compares_a_sale_only_with_deals_of_its_recipient_and_systems(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from arms_extract.corpus.deals import Deal

    compared = []
    takes = Deal.takes
    monkeypatch.setattr(Deal, "takes", lambda deal, sale: compared.append(sale.uid) or takes(deal, sale))
    # 2,000 sales of 7 recipients: all pairs would be 2 million comparisons.
    sales = [ref(f"s{n}", f"XK-{n % 500}", recipient=f"C{n % 7}") for n in range(2000)]
    deals = build_deals(sales)
    assert len(compared) < 2 * len(sales)
    assert all(len({s.recipient for s in d.sources}) == 1 for d in deals)


def test_a_deal_keeps_its_uid_when_later_reports_join_it() -> None:
    first = build_deals([ref("b", "Super Tucano", published="2017-09-05")])
    previous = {s.uid: d.uid for d in first for s in d.sources}
    # An earlier article arrives later: it would otherwise name the deal.
    again = build_deals([ref("a", "A-29 Super Tucano", published="2017-08-04"), ref("b", "Super Tucano")], previous)
    assert [d.uid for d in again] == [first[0].uid]


def actor(uid: str, name: str, kind: ActorKind, aliases: tuple[str, ...] = (), country: str | None = None) -> ActorRef:
    return ActorRef(uid, f"{uid}@k", uid, name, kind, country, aliases)


def test_one_actor_under_the_names_articles_use_and_people_never_by_surname_alone() -> None:
    body = ActorKind.government_body
    actors = [
        actor("a1", "Defense Security Cooperation Agency", body),
        actor("a2", "DSCA", body),
        actor("a3", "the US DSCA", body),
        actor("b1", "Raytheon", ActorKind.company),
        actor("b2", "Raytheon Missiles & Defense", ActorKind.company),
        actor("c1", "Antony Blinken", ActorKind.person),
        actor("c2", "Antony Blinken", ActorKind.person, ("Secretary of State Antony Blinken",)),
        actor("c3", "Blinken", ActorKind.person),
        actor("c4", "Donald Blinken", ActorKind.person),
        actor("d1", "Japan", ActorKind.country, country="JPN"),
        actor("d2", "Japan", ActorKind.country, country="JPN"),
    ]
    found = {frozenset(m.uid for m in a.members) for a in resolve_actors(actors)}
    assert found == {
        frozenset({"a1", "a2", "a3"}), frozenset({"b1", "b2"}), frozenset({"c1", "c2"}), frozenset({"c3"}),
        frozenset({"c4"}), frozenset({"d1", "d2"}),
    }  # fmt: skip
    dsca = next(a for a in resolve_actors(actors) if "a1" in {m.uid for m in a.members})
    assert dsca.name == "Defense Security Cooperation Agency" and "DSCA" in dsca.aliases


# -- in a run folder ---------------------------------------------------------------------------


def extraction(article_id: str, text: str, published: str, quantity: int, stage: Stage) -> Extraction:
    def span(words: str) -> Span:
        start = text.index(words)
        return Span(start=start, end=start + len(words), text=words)

    item = Item(name="Super Tucano", quantity=quantity, evidence=[span("Super Tucano"), span(str(quantity))])
    sale = Sale(
        id="sale-1", seller="united-states", buyer="nigeria", seller_country="USA", buyer_country="NGA",
        items=[item], value=Money(amount=593e6, currency="USD", usd=593e6, evidence=span("$593 million")),
        stage=stage, evidence=[span("Nigeria"), *item.evidence],
    )  # fmt: skip
    actors = [
        Actor(id="nigeria", name="Nigeria", kind=ActorKind.country, country="NGA", mentions=[span("Nigeria")]),
        Actor(id="dsca", name="DSCA", kind=ActorKind.government_body, mentions=[span("DSCA")]),
    ]
    return Extraction(
        article=Article(id=article_id, text=text, published=dt.date.fromisoformat(published)),
        sales=[sale],
        actors=actors,
        provenance=Provenance(model="m", backend="b", prompt_version="p"),
    )


APPROVED = "The DSCA said the US approved 12 Super Tucano aircraft for Nigeria for $593 million."
SIGNED = "Nigeria signed for 12 Super Tucano aircraft; the DSCA put it at $593 million."


def test_records_carry_run_wide_uids_that_join_without_composite_keys(tmp_path: Path) -> None:
    with RunStore(tmp_path, lock=True) as store:
        store.write_ok("a@1", extraction("a", APPROVED, "2017-08-04", 12, Stage.approved), cached=False)
        store.write_ok("b@2", extraction("b", SIGNED, "2017-09-05", 12, Stage.contract_signed), cached=False)
        store.export_jsonl()
        uids = [row[0] for row in store.db.execute("SELECT uid FROM sales")]
        joined = store.db.execute("SELECT COUNT(*) FROM sales JOIN actors ON actors.uid = sales.buyer_uid").fetchone()[
            0
        ]
    assert uids == [record_uid("a@1", "sale", "sale-1"), record_uid("b@2", "sale", "sale-1")]
    assert len(set(uids)) == 2 and joined == 2  # "sale-1" in both articles, two uids
    sales = [json.loads(line) for line in (tmp_path / "sales.jsonl").read_text().splitlines()]
    assert [s["uid"] for s in sales] == uids
    assert record_uid("a@1", "sale", "sale-1") == record_uid("a@1", "sale", "sale-1")  # stable across re-runs


def test_a_folder_written_before_uids_gets_them(tmp_path: Path) -> None:
    def uids(store: RunStore) -> list[tuple[object, ...]]:
        return [
            *store.db.execute("SELECT uid, seller_uid, buyer_uid FROM sales"),
            *store.db.execute("SELECT uid, speaker_uid, sale_uid FROM claims"),
            *store.db.execute("SELECT uid FROM actors"),
            *store.db.execute("SELECT DISTINCT record_uid FROM evidence ORDER BY record_uid"),
        ]

    with RunStore(tmp_path, lock=True) as store:
        store.write_ok("a@1", extraction("a", APPROVED, "2017-08-04", 12, Stage.approved), cached=False)
        written = uids(store)
        for table, columns in (
            ("sales", ("uid", "seller_uid", "buyer_uid")),
            ("actors", ("uid",)),
            ("claims", ("uid", "speaker_uid", "sale_uid")),
            ("evidence", ("record_uid",)),
        ):
            for column in columns:
                store.db.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    with RunStore(tmp_path) as store:
        assert uids(store) == written
    assert written[0] == (
        record_uid("a@1", "sale", "sale-1"), record_uid("a@1", "actor", "united-states"),
        record_uid("a@1", "actor", "nigeria"),
    )  # fmt: skip


def test_deals_are_built_after_each_run_and_keep_their_uid(tmp_path: Path) -> None:
    with RunStore(tmp_path, lock=True) as store:
        store.write_ok("b@2", extraction("b", SIGNED, "2017-09-05", 12, Stage.contract_signed), cached=False)
    [deal] = update_corpus(tmp_path).deals
    with RunStore(tmp_path, lock=True) as store:
        store.write_ok("a@1", extraction("a", APPROVED, "2017-08-04", 12, Stage.approved), cached=False)
    view = update_corpus(tmp_path)
    [again] = view.deals
    assert again.uid == deal.uid and again.articles == 2
    assert [s["stage"] for s in again.stage_history] == ["approved", "contract_signed"]
    with RunStore(tmp_path) as store:
        rows = store.db.execute("SELECT deal_uid, article_id FROM deal_sources ORDER BY article_id").fetchall()
        assert rows == [(deal.uid, "a"), (deal.uid, "b")]
    lines = (tmp_path / "deals.jsonl").read_text().splitlines()
    assert json.loads(lines[0])["sources"][0]["evidence"][0]["text"] in (APPROVED + SIGNED)
    [dsca] = [a for a in view.actors if a.name == "DSCA"]
    assert sorted(m.article_id for m in dsca.members) == ["a", "b"]


def test_sipri_export_follows_the_order_rule(tmp_path: Path) -> None:
    approved = build_deals([ref("x", "Super Tucano", quantity=12, stage=Stage.notified_to_congress)])
    signed = build_deals(
        [ref("y", "Ka-52", recipient="EGY", supplier="RUS", quantity=46, stage=Stage.contract_signed,
             published="2015-12-01"),
         ref("z", "Ka-52", recipient="EGY", supplier="RUS", quantity=12, stage=Stage.delivered,
             published="2018-08-10")]
    )  # fmt: skip
    path = tmp_path / "sipri.csv"
    assert write_sipri_csv(approved + signed, path) == 2
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    planned, order = rows
    assert (planned["status"], planned["supplier"], planned["recipient"]) == ("planned", "United States", "Nigeria")
    assert planned["order date"] == "" and planned["number ordered"] == "12"
    assert (order["status"], order["order date"], order["delivery year"]) == ("order", "2015", "2018")
    assert (order["number ordered"], order["number delivered"], order["corroborating articles"]) == ("46", "12", "2")


def test_a_number_the_article_calls_delivered_counts_deliveries_whatever_the_stage() -> None:
    from dataclasses import replace

    order = ref("order", "Ka-52", recipient="EGY", supplier="RUS", quantity=46, published="2017-06-13")
    # A later report of a signed deal that says 12 have been delivered.
    later = ref("later", "Ka-52", recipient="EGY", supplier="RUS", quantity=12, stage=Stage.contract_signed,
                published="2018-08-10")  # fmt: skip
    delivered = replace(later, quantity_kind="delivered")
    [deal] = build_deals([order, delivered])
    assert (deal.quantity_ordered, deal.quantity_delivered) == (46, 12) and "quantity" not in deal.conflicts


def test_a_deal_is_cancelled_only_when_its_latest_report_says_so() -> None:
    reports = [
        ref("signed", "Su-35", recipient="IDN", supplier="RUS", stage=Stage.contract_signed, published="2018-02-14"),
        ref("cancelled", "Su-35", recipient="IDN", supplier="RUS", stage=Stage.cancelled, published="2020-03-01"),
    ]
    [deal] = build_deals(reports)
    assert deal.stage is Stage.cancelled
    [revived] = build_deals([*reports, ref("again", "Su-35", recipient="IDN", supplier="RUS",
                                             stage=Stage.contract_signed, published="2021-01-01")])  # fmt: skip
    assert revived.stage is Stage.contract_signed


def test_an_article_with_no_sale_says_why_in_articles_jsonl_and_sales_keep_their_wording(tmp_path: Path) -> None:
    empty = Extraction(
        article=Article(id="empty", text="A parade was held."),
        warnings=["dropped sales[0]: no weapon, no price and no deal stage; not an arms sale"],
        provenance=Provenance(model="m", backend="b", prompt_version="p"),
    )
    signed = extraction("b", SIGNED, "2017-09-05", 12, Stage.contract_signed)
    start = SIGNED.index("signed")
    wording = Wording(value="done", evidence=Span(start=start, end=start + 6, text="signed"))
    signed.sales[0] = signed.sales[0].model_copy(update={"context": wording})
    with RunStore(tmp_path, lock=True) as store:
        store.write_ok("empty@1", empty, cached=False)
        store.write_ok("b@2", signed, cached=False)
        store.export_jsonl()
        assert store.db.execute("SELECT context FROM sales").fetchall() == [("done",)]
    rows = {row["id"]: row for row in map(json.loads, (tmp_path / "articles.jsonl").read_text().splitlines())}
    assert "not an arms sale" in rows["empty"]["no_sale_reason"] and rows["b"]["no_sale_reason"] is None
    [sale] = map(json.loads, (tmp_path / "sales.jsonl").read_text().splitlines())
    assert sale["context"] == {"value": "done", "evidence": {"start": start, "end": start + 6, "text": "signed"}}
