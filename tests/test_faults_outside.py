"""Promises of docs/faults.md checked from outside: a real `arms-extract` subprocess, the FAKE
OpenAI-compatible server of fake_openai_server.py on 127.0.0.1, real files."""

from __future__ import annotations

import json
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


def _article_text(request: dict) -> str:  # type: ignore[type-arg]
    return request["messages"][-1]["content"]


HUGE_QUANTITY = "9" * 20  # above 2**63: SQLite cannot store it
LONG_QUANTITY = "9" * 5000  # more digits than Python's int() reads by default
HUGE_MONEY = "$" + "9" * 400 + " billion"  # beyond a float: infinity


def _bad_sale_article(quantity: str, value: str) -> tuple[str, str]:
    """(article, answer): the Tomahawk sale with an out-of-range quantity or value, both in the article."""
    text = f"Japan will buy {quantity} Tomahawk cruise missiles worth {value} from the United States."
    return text, tomahawk_answer(items=[{"name": "Tomahawk cruise missiles", "quantity": quantity}], value=value)


@pytest.mark.parametrize(
    ("quantity", "value", "warning"),
    [
        (HUGE_QUANTITY, "$2.35 billion", "quantity"),
        (LONG_QUANTITY, "$2.35 billion", "quantity"),
        ("400", HUGE_MONEY, "value"),
    ],
    ids=["quantity-above-2**63", "quantity-of-5000-digits", "money-beyond-a-float"],
)
def test_an_out_of_range_number_is_dropped_with_a_warning_and_the_run_goes_on(
    tmp_path: Path, quantity: str, value: str, warning: str
) -> None:
    inputs = write_articles(tmp_path / "in", 2)
    bad_text, bad_answer = _bad_sale_article(quantity, value)
    (inputs / "bad.txt").write_text(bad_text, encoding="utf-8")
    step = Step(respond=lambda request: bad_answer if quantity in _article_text(request) else ANSWER)
    out = tmp_path / "out"
    args = ("run", str(inputs), "--out", str(out), "--model", "fake")
    for _ in range(2):  # the re-run reads the cached answer and must not crash either
        with fake_openai_server(step) as fake:
            result = cli(tmp_path, *args, "--base-url", fake.url)
        assert result.returncode == 0, result.stderr[-2000:]
        assert "Traceback" not in result.stderr
    rows = {Path(r["source"]).name: r for r in jsonl(out / "articles.jsonl")}
    assert [r["status"] for r in rows.values()] == ["ok"] * 3
    assert any(warning in w and "out of range" in w for w in rows["bad.txt"]["warnings"])
    [bad_sale] = [s for s in jsonl(out / "sales.jsonl") if s["article_id"] == "bad"]
    if warning == "quantity":
        assert bad_sale["items"][0]["quantity"] is None and bad_sale["value"]["usd"] == 2.35e9
    else:
        assert bad_sale["value"] is None and bad_sale["items"][0]["quantity"] == 400
    exported = cli(tmp_path, "export", str(out), "--csv")
    assert exported.returncode == 0, exported.stderr[-2000:]


def test_a_server_reporting_absurd_token_counts_cannot_crash_the_run(tmp_path: Path) -> None:
    inputs = write_articles(tmp_path / "in", 2)
    absurd = {"prompt_tokens": 10**20, "completion_tokens": -5, "total_tokens": 10**20}
    out = tmp_path / "out"
    with fake_openai_server(Step(content=ANSWER, usage=absurd)) as fake:
        result = cli(tmp_path, "run", str(inputs), "--out", str(out), "--model", "fake", "--base-url", fake.url)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr[-2000:]
    rows = jsonl(out / "articles.jsonl")
    assert [(r["status"], r["prompt_tokens"], r["completion_tokens"]) for r in rows] == [("ok", 0, 0)] * 2
    for row in rows:
        assert sum("out of range; counted as 0" in w for w in row["warnings"]) == 2


def test_a_negative_token_count_does_not_slip_past_the_budget(tmp_path: Path) -> None:
    inputs = write_articles(tmp_path / "in", 1)
    lying = {"prompt_tokens": 2000, "completion_tokens": -1900, "total_tokens": 100}
    out = tmp_path / "out"
    with fake_openai_server(Step(content=ANSWER, usage=lying)) as fake:
        args = ("run", str(inputs), "--out", str(out), "--model", "fake", "--base-url", fake.url)
        result = cli(tmp_path, *args, "--max-tokens-per-article", "1000")
    assert result.returncode == 1
    [row] = jsonl(out / "articles.jsonl")
    assert row["status"] == "failed" and "used 2000 tokens, over the budget of 1000" in row["error"]


def test_a_json_input_nested_too_deep_fails_alone(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    good = json.dumps({"id": "good", "text": SALE_SENTENCE})
    feed.write_text("[" * 10_000 + "]" * 10_000 + "\n" + good + "\n", encoding="utf-8")
    (tmp_path / "deep.json").write_text('{"a": ' * 10_000 + "1" + "}" * 10_000, encoding="utf-8")
    out = tmp_path / "out"
    with fake_openai_server(completion(ANSWER)) as fake:
        args = ("run", str(feed), str(tmp_path / "deep.json"), "--out", str(out), "--model", "fake")
        result = cli(tmp_path, *args, "--base-url", fake.url)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    rows = {r["source"]: r for r in jsonl(out / "articles.jsonl")}
    assert rows[f"{feed}:2"]["status"] == "ok"
    assert "nested too deeply" in rows[f"{feed}:1"]["error"]
    assert "nested too deeply" in rows[str(tmp_path / "deep.json")]["error"]


def test_a_truncated_answer_cache_is_set_aside_and_the_run_goes_on(tmp_path: Path) -> None:
    inputs = write_articles(tmp_path / "in", 1)
    with fake_openai_server(completion(ANSWER)) as fake:
        first = cli(tmp_path, "run", str(inputs), "--out", str(tmp_path / "o1"), "--base-url", fake.url)
        cache = tmp_path / "user-cache" / "answers.sqlite"
        for extra in cache.parent.glob("answers.sqlite-*"):
            extra.unlink()
        cache.write_bytes(cache.read_bytes()[:1000])
        second = cli(tmp_path, "run", str(inputs), "--out", str(tmp_path / "o2"), "--base-url", fake.url)
    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr[-2000:]
    assert str(cache) in second.stderr and "not a usable" in second.stderr
    assert [r["status"] for r in jsonl(tmp_path / "o2" / "articles.jsonl")] == ["ok"]
    assert list(cache.parent.glob("answers.sqlite.corrupt*")), "the broken file is kept for inspection"


@pytest.mark.parametrize("command", ["run", "extract"])
def test_rich_markup_in_an_error_is_printed_as_written(tmp_path: Path, command: str) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text('{"id": "x", "text": "Some text.", "published": "[/x] [link=http://evil]y[/link]"}\n')
    args = [command, str(feed), "--base-url", "http://127.0.0.1:9/v1", "--model", "fake"]
    if command == "run":
        args += ["--out", str(tmp_path / "out")]
    result = cli(tmp_path, *args)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "'[/x] [link=http://evil]y[/link]'" in result.stderr


# -- 3: resume by identity ---------------------------------------------------------------


def _feed(path: Path, *articles: tuple[str, str]) -> None:
    path.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in articles), encoding="utf-8")


def test_resume_follows_each_article_not_its_line(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    old = ("old", SALE_SENTENCE)
    new = ("new", "Report two. " + SALE_SENTENCE)
    out = tmp_path / "out"
    with fake_openai_server(completion(ANSWER)) as fake:
        args = ("run", str(feed), "--out", str(out), "--model", "fake", "--base-url", fake.url, "--no-cache")
        _feed(feed, old)
        first = cli(tmp_path, *args)
        _feed(feed, new, old)  # a new article at the top of the feed
        second = cli(tmp_path, *args)
        requests = len(fake.requests)
    assert first.returncode == second.returncode == 0, second.stderr
    assert requests == 2, "the new article is extracted, the old one is not asked again"
    rows = jsonl(out / "articles.jsonl")
    assert sorted((r["id"], r["source"], r["status"]) for r in rows) == [
        ("new", f"{feed}:1", "ok"),
        ("old", f"{feed}:1", "ok"),  # where it was read when it was extracted
    ]
    assert sorted(s["article_id"] for s in jsonl(out / "sales.jsonl")) == ["new", "old"]


def test_an_edited_article_is_extracted_again_and_replaces_its_old_records(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    article = folder / "a.txt"
    out = tmp_path / "out"
    with fake_openai_server(completion(ANSWER)) as fake:
        args = ("run", str(folder), "--out", str(out), "--model", "fake", "--base-url", fake.url, "--no-cache")
        article.write_text(SALE_SENTENCE, encoding="utf-8")
        cli(tmp_path, *args)
        article.write_text("Corrected. " + SALE_SENTENCE, encoding="utf-8")
        edited = cli(tmp_path, *args)
        again = cli(tmp_path, *args)
        requests = len(fake.requests)
    assert edited.returncode == again.returncode == 0
    assert requests == 2
    [row] = jsonl(out / "articles.jsonl")
    assert row["status"] == "ok" and row["id"] == "a"
    [sale] = jsonl(out / "sales.jsonl")
    assert sale["evidence"][0]["start"] > len("Corrected.")  # offsets into the edited text


def test_a_fixed_input_leaves_no_stale_failure(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    out = tmp_path / "out"
    with fake_openai_server(completion(ANSWER)) as fake:
        args = ("run", str(feed), "--out", str(out), "--model", "fake", "--base-url", fake.url, "--no-cache")
        feed.write_text('{"id": "a", "text": \n', encoding="utf-8")
        assert cli(tmp_path, *args).returncode == 1
        _feed(feed, ("a", SALE_SENTENCE))
        assert cli(tmp_path, *args).returncode == 0
    assert [(r["id"], r["status"]) for r in jsonl(out / "articles.jsonl")] == [("a", "ok")]


# -- 6: CSV formula injection ---------------------------------------------------------------


def test_csv_cells_that_a_spreadsheet_would_run_are_defused(tmp_path: Path) -> None:
    import csv

    evil = '=HYPERLINK("http://evil","x")'
    text = f"Japan will buy 400 Tomahawk cruise missiles from {evil} worth $2.35 billion."
    answer = json.loads(tomahawk_answer(seller=evil))
    answer["actors"] += [{"name": evil, "kind": "company", "title": None}]
    feed = tmp_path / "feed.jsonl"
    _feed(feed, ("-1+2", text))
    out = tmp_path / "out"
    with fake_openai_server(completion(json.dumps(answer))) as fake:
        result = cli(tmp_path, "run", str(feed), "--out", str(out), "--model", "fake", "--base-url", fake.url)
    assert result.returncode == 0, result.stderr
    assert cli(tmp_path, "export", str(out), "--csv").returncode == 0
    cells = [
        cell
        for table in ("articles", "sales", "actors", "evidence")
        for row in csv.reader((out / "csv" / f"{table}.csv").open(encoding="utf-8"))
        for cell in row
    ]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert f"'{evil}" in cells and "'-1+2" in cells


# -- 7: Rich markup from article text ----------------------------------------------------------


def test_markup_in_article_text_is_printed_as_written(tmp_path: Path) -> None:
    link = "[link=http://evil]Japan[/link]"
    text = f"The buyer, {link}, will buy 400 Tomahawk cruise missiles worth $2.35 billion. [/bold] said so."
    answer = json.loads(tomahawk_answer(buyer=link))
    answer["actors"] = [{"name": "[/bold]", "kind": "person", "title": link}]
    article = tmp_path / "a.txt"
    article.write_text(text, encoding="utf-8")
    with fake_openai_server(completion(json.dumps(answer))) as fake:
        result = cli(tmp_path, "extract", str(article), "--model", "fake", "--base-url", fake.url)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr[-2000:]
    assert "[/bold]" in result.stdout and "[link=http://evil]Japan[/link]" in result.stdout
    assert "\x1b]8;" not in result.stdout  # no terminal hyperlink escape
