"""The corpus view of a run folder: deals and actors across articles, kept in extract.sqlite
(tables deals, deal_sources, corpus_actors, corpus_actor_members) and as deals.jsonl and
corpus_actors.jsonl. Built again from every article after each run into the folder; a deal keeps
its uid when new articles join it."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from .._errors import StoreError
from ..batch.store import RunStore, write_atomically
from ._refs import actor_refs, sale_refs
from .actors import CorpusActor, resolve_actors
from .deals import Deal, build_deals

SCHEMA = """
CREATE TABLE IF NOT EXISTS deals (
    uid TEXT PRIMARY KEY,
    supplier TEXT, recipient TEXT, designation TEXT,
    quantity_ordered INTEGER, quantity_delivered INTEGER,
    value_amount REAL, value_currency TEXT, value_usd REAL,
    stage TEXT NOT NULL, first_report TEXT, last_report TEXT,
    articles INTEGER NOT NULL,
    conflicts TEXT NOT NULL,       -- JSON: what the reports disagree on, with their articles
    deal TEXT NOT NULL             -- the whole deal as JSON (stage history, sources, evidence)
);
CREATE TABLE IF NOT EXISTS deal_sources (
    sale_uid TEXT PRIMARY KEY,     -- sales.uid
    deal_uid TEXT NOT NULL,
    article_key TEXT NOT NULL, article_id TEXT NOT NULL, stage TEXT NOT NULL, date TEXT
);
CREATE TABLE IF NOT EXISTS corpus_actors (
    uid TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, country TEXT,
    aliases TEXT NOT NULL, articles INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS corpus_actor_members (
    actor_uid TEXT PRIMARY KEY,    -- actors.uid
    corpus_actor_uid TEXT NOT NULL
);
"""


@dataclass
class CorpusView:
    deals: list[Deal]
    actors: list[CorpusActor]


def update_corpus(out_dir: Path) -> CorpusView:
    """Cluster the folder's sales into deals and its actors across articles; store and write both."""
    with RunStore.existing(out_dir) as store:
        db = store.db
        try:
            db.executescript(SCHEMA)
            previous = dict(db.execute("SELECT sale_uid, deal_uid FROM deal_sources"))
        except sqlite3.Error as exc:
            raise StoreError(f"{out_dir / 'extract.sqlite'}: cannot be read ({exc})") from None
        extractions = list(store.extractions())
        deals = build_deals(sale_refs(extractions), previous)
        actors = resolve_actors(actor_refs(extractions))
        try:
            _store(db, deals, actors)
        except sqlite3.Error as exc:
            raise StoreError(f"{out_dir / 'extract.sqlite'}: cannot be written ({exc})") from None
    with write_atomically(out_dir / "deals.jsonl") as handle:
        handle.writelines(json.dumps(d.as_json(), ensure_ascii=False) + "\n" for d in deals)
    with write_atomically(out_dir / "corpus_actors.jsonl") as handle:
        handle.writelines(json.dumps(a.as_json(), ensure_ascii=False) + "\n" for a in actors)
    return CorpusView(deals, actors)


def _store(db: sqlite3.Connection, deals: list[Deal], actors: list[CorpusActor]) -> None:
    db.execute("BEGIN IMMEDIATE")
    try:
        for table in ("deals", "deal_sources", "corpus_actors", "corpus_actor_members"):
            db.execute(f"DELETE FROM {table}")
        for deal in deals:
            record = deal.as_json()
            value = deal.value
            db.execute(
                "INSERT INTO deals VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    deal.uid, deal.supplier, deal.recipient, deal.designation, deal.quantity_ordered,
                    deal.quantity_delivered, value[0] if value else None, value[1] if value else None,
                    value[2] if value else None, deal.stage.value, deal.first_report, deal.last_report,
                    deal.articles, json.dumps(record["conflicts"], ensure_ascii=False),
                    json.dumps(record, ensure_ascii=False),
                ),
            )  # fmt: skip
            db.executemany(
                "INSERT INTO deal_sources VALUES (?,?,?,?,?,?)",
                [(s.uid, deal.uid, s.article_key, s.article_id, s.stage.value, s.when) for s in deal.sources],
            )
        for actor in actors:
            record = actor.as_json()
            db.execute(
                "INSERT INTO corpus_actors VALUES (?,?,?,?,?,?)",
                (actor.uid, actor.name, actor.kind.value, actor.country, json.dumps(record["aliases"]),
                 len(record["articles"])),
            )  # fmt: skip
            db.executemany("INSERT INTO corpus_actor_members VALUES (?,?)", [(m.uid, actor.uid) for m in actor.members])
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
