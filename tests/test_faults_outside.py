"""Promises of docs/faults.md checked from outside: a real `arms-extract` subprocess, the FAKE
OpenAI-compatible server of fake_openai_server.py on 127.0.0.1, real files."""

from __future__ import annotations

from pathlib import Path

import pytest

from .canned import SALE_SENTENCE, tomahawk_answer
from .fake_openai_server import Step, completion, fake_openai_server
from .outside import cli, jsonl

ANSWER = tomahawk_answer()


def write_articles(folder: Path, count: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        (folder / f"a{i:02d}.txt").write_text(f"Report number {i}.\n{SALE_SENTENCE}\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize("status", [429, 503])
def test_run_retries_a_transient_http_error(tmp_path: Path, status: int) -> None:
    inputs = write_articles(tmp_path / "in", 1)
    out = tmp_path / "out"
    steps = (Step(status=status, headers={"Retry-After": "0"}), completion(ANSWER))
    with fake_openai_server(*steps) as fake:
        result = cli(tmp_path, "run", str(inputs), "--out", str(out), "--base-url", fake.url, "--model", "fake")
    assert result.returncode == 0, result.stderr
    assert len(fake.requests) == 2
    [row] = jsonl(out / "articles.jsonl")
    assert row["status"] == "ok" and row["requests"] == 1 and row["reasks"] == 0
    [sale] = jsonl(out / "sales.jsonl")
    assert sale["buyer_country"] == "JPN"
