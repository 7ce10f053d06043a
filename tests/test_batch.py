"""Batch runs against the FAKE server: outputs, cache, failure isolation, resume after kill -9."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from arms_extract import BackendSettings
from arms_extract.backends._transport import RetryPolicy
from arms_extract.batch.run import RunOptions, expand_inputs, run_batch
from arms_extract.cache import AnswerCache

from .canned import SALE_SENTENCE, tomahawk_answer
from .fake_openai_server import Step, fake_openai_server
from .helpers import jsonl as lines
from .helpers import write_articles

SALE = SALE_SENTENCE
ANSWER = tomahawk_answer()
FAST = RetryPolicy(attempts=2, initial_wait=0.01, max_wait=0.05)


def settings(url: str) -> BackendSettings:
    return BackendSettings(base_url=url, model="fake", retry=FAST, timeout=5)


def test_expand_inputs_folders_globs_and_missing(tmp_path: Path) -> None:
    write_articles(tmp_path / "in" / "sub", 2)
    (tmp_path / "in" / "notes.bin").write_bytes(b"\x00")
    expanded = expand_inputs([tmp_path / "in", str(tmp_path / "in" / "sub" / "*.txt"), "nope/*.txt"])
    assert [f.name for f in expanded.files] == ["a00.txt", "a01.txt"]
    assert expanded.unmatched == ["nope/*.txt"]


def test_run_writes_consistent_outputs_isolates_failures_and_caches(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    write_articles(inputs, 3)
    (inputs / "broken.txt").write_bytes(b"\x00\x01binary")
    jsonl = tmp_path / "more.jsonl"
    jsonl.write_text(json.dumps({"id": "j1", "text": SALE + " Again.", "published": "2024-11-18"}) + "\n{bad\n")
    cache = AnswerCache(tmp_path / "cache.sqlite")
    out = tmp_path / "out"
    with fake_openai_server(Step(content=ANSWER)) as fake:
        first = asyncio.run(run_batch([inputs, jsonl], out, settings(fake.url), RunOptions(workers=4, cache=cache)))
        calls_after_first = len(fake.requests)
        second = asyncio.run(
            run_batch([inputs, jsonl], tmp_path / "out2", settings(fake.url), RunOptions(workers=4, cache=cache))
        )
        calls_after_second = len(fake.requests)
    assert (first.total, first.ok, first.failed) == (6, 4, 2)
    assert calls_after_first == 4
    assert calls_after_second == calls_after_first, "the second run must make no model call"
    assert (second.ok, second.cached, second.prompt_tokens) == (4, 4, 0)

    articles = lines(out / "articles.jsonl")
    assert sorted(a["status"] for a in articles) == ["failed", "failed", "ok", "ok", "ok", "ok"]
    failed = {a["key"]: a["error"] for a in articles if a["status"] == "failed"}
    assert any("binary file" in e for e in failed.values())
    assert any("invalid JSON" in e for e in failed.values())
    ok = [a for a in articles if a["status"] == "ok"]
    assert all(a["prompt_tokens"] == 100 and a["model"] == "fake" and a["prompt_version"] for a in ok)

    sales = lines(out / "sales.jsonl")
    assert len(sales) == 4
    assert {s["buyer_country"] for s in sales} == {"JPN"}
    # The SQLite database holds the same records as the JSONL files.
    db = sqlite3.connect(out / "extract.sqlite")
    assert db.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 6
    rows = db.execute(
        "SELECT article_key, sale_id, buyer_country, value_usd FROM sales ORDER BY article_key"
    ).fetchall()
    assert rows == sorted((s["article_key"], s["id"], s["buyer_country"], s["value"]["usd"]) for s in sales)
    items = db.execute("SELECT name, quantity FROM sale_items WHERE associated = 0").fetchall()
    assert items == [("Tomahawk cruise missiles", 400)] * 4
    evidence = db.execute("SELECT COUNT(*) FROM evidence WHERE record_type = 'sale'").fetchone()[0]
    assert evidence == sum(len(s["evidence"]) for s in sales)
    assert len(lines(out / "actors.jsonl")) == db.execute("SELECT COUNT(*) FROM actors").fetchone()[0]


def test_resume_skips_finished_articles(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    write_articles(inputs, 3)
    out = tmp_path / "out"
    with fake_openai_server(Step(content=ANSWER)) as fake:
        options = RunOptions(workers=2, use_cache=False)
        asyncio.run(run_batch([inputs], out, settings(fake.url), options))
        write_articles(inputs, 5)
        summary = asyncio.run(run_batch([inputs], out, settings(fake.url), options))
    assert (summary.skipped, summary.ok) == (3, 2)
    assert len(fake.requests) == 5
    assert len(lines(out / "articles.jsonl")) == 5


def test_token_budget_fails_the_article_with_the_reason(tmp_path: Path) -> None:
    write_articles(tmp_path / "in", 1)
    with fake_openai_server(Step(content=ANSWER)) as fake:
        summary = asyncio.run(
            run_batch(
                [tmp_path / "in"],
                tmp_path / "out",
                settings(fake.url),
                RunOptions(use_cache=False, max_tokens_per_article=50),
            )
        )
    assert summary.failed == 1
    [row] = lines(tmp_path / "out" / "articles.jsonl")
    assert row["status"] == "failed" and "over the budget of 50" in row["error"]
    assert (row["prompt_tokens"], row["completion_tokens"], summary.prompt_tokens) == (100, 20, 100)


OFF_SCHEMA = '{"sales": "none"}'


@pytest.mark.parametrize(
    ("answers", "reason", "requests", "reasks"),
    [
        ([Step(content=ANSWER[:60], finish_reason="length")], "cut off", 1, 0),
        # an answer outside the schema, re-asked; the re-ask's answer is not even JSON
        ([Step(content=OFF_SCHEMA), Step(content="{not json")], "not valid", 2, 1),
    ],
    ids=["cut-off", "re-ask-then-broken"],
)
def test_a_failed_article_is_charged_what_it_spent(
    tmp_path: Path, answers: list[Step], reason: str, requests: int, reasks: int
) -> None:
    write_articles(tmp_path / "in", 1)
    with fake_openai_server(*answers) as fake:  # the fake server charges 100 + 20 tokens per answer
        summary = asyncio.run(
            run_batch([tmp_path / "in"], tmp_path / "out", settings(fake.url), RunOptions(use_cache=False))
        )
    [row] = lines(tmp_path / "out" / "articles.jsonl")
    assert row["status"] == "failed" and reason in row["error"]
    assert (row["requests"], row["reasks"], row["prompt_tokens"], row["completion_tokens"]) == (
        requests, reasks, 100 * requests, 20 * requests,
    )  # fmt: skip
    assert (summary.requests, summary.prompt_tokens, summary.completion_tokens) == (
        requests, 100 * requests, 20 * requests,
    )  # fmt: skip


@pytest.mark.skipif(sys.platform == "win32", reason="kill -9")
def test_kill_9_mid_run_then_resume_leaves_no_duplicate_or_partial_record(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    write_articles(inputs, 12)
    out = tmp_path / "out"
    env = os.environ | {"ARMS_EXTRACT_CACHE_DIR": str(tmp_path / "cache")}
    with fake_openai_server(Step(content=ANSWER, delay=0.25)) as fake:
        command = [
            sys.executable, "-m", "arms_extract.cli", "run", str(inputs), "--out", str(out),
            "--base-url", fake.url, "--model", "fake", "--workers", "2", "--quiet",
        ]  # fmt: skip
        victim = subprocess.Popen(command, env=env)
        deadline = time.monotonic() + 30
        while len(fake.requests) < 5 and time.monotonic() < deadline:
            time.sleep(0.05)
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        db = sqlite3.connect(out / "extract.sqlite")
        finished_before = db.execute("SELECT COUNT(*) FROM articles WHERE status = 'ok'").fetchone()[0]
        db.close()
        assert 0 < finished_before < 12
        resumed = subprocess.run(command, env=env, check=False)
    assert resumed.returncode == 0
    articles = lines(out / "articles.jsonl")
    keys = [a["key"] for a in articles]
    assert len(keys) == len(set(keys)) == 12
    assert all(a["status"] == "ok" for a in articles)
    sales = lines(out / "sales.jsonl")
    assert sorted(s["article_key"] for s in sales) == sorted(keys)
    db = sqlite3.connect(out / "extract.sqlite")
    assert db.execute("SELECT COUNT(*) FROM sales").fetchone()[0] == 12
    assert db.execute("SELECT COUNT(DISTINCT article_key) FROM sale_items").fetchone()[0] == 12


def test_cli_run_and_export_csv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from arms_extract.cli import app

    monkeypatch.setenv("ARMS_EXTRACT_CACHE_DIR", str(tmp_path / "cache"))
    write_articles(tmp_path / "in", 2)
    out = tmp_path / "out"
    log = tmp_path / "run.log"
    with fake_openai_server(Step(content=ANSWER)) as fake:
        args = ["run", str(tmp_path / "in"), "--out", str(out), "--base-url", fake.url, "--model", "fake"]
        result = CliRunner().invoke(app, [*args, "--log", str(log)])
    assert result.exit_code == 0, result.output
    assert "Run into" in result.stderr
    assert log.read_text().count(": ok, 1 sales") == 2
    exported = CliRunner().invoke(app, ["export", str(out), "--csv"])
    assert exported.exit_code == 0, exported.output
    sales_csv = (out / "csv" / "sales.csv").read_text().splitlines()
    assert sales_csv[0].startswith("article_key,sale_id,seller,buyer")
    assert len(sales_csv) == 3
    missing = CliRunner().invoke(app, ["export", str(tmp_path / "nowhere")])
    assert missing.exit_code == 2 and "no extract.sqlite" in missing.stderr
