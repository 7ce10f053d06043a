"""Promises of docs/faults.md checked from outside: a real `arms-extract` subprocess, the FAKE
OpenAI-compatible server of fake_openai_server.py on 127.0.0.1, real files."""

from __future__ import annotations

import json
from contextlib import suppress
from pathlib import Path

import pytest

from .canned import SALE_SENTENCE, tomahawk_answer
from .fake_openai_server import Step, completion, fake_openai_server
from .helpers import cli, jsonl, write_articles

ANSWER = tomahawk_answer()


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
    # dropped as out of range, or (5,000 digits) as longer than any mention
    assert any(warning in w and ("out of range" in w or "not a mention" in w) for w in rows["bad.txt"]["warnings"])
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
    text = f"The buyer, {link}, will buy 400 Tomahawk cruise missiles worth $2.35 billion. Aides said {link} [/bold]."
    answer = json.loads(tomahawk_answer(buyer=link))
    article = tmp_path / "a.txt"
    article.write_text(text, encoding="utf-8")
    with fake_openai_server(completion(json.dumps(answer))) as fake:
        result = cli(tmp_path, "extract", str(article), "--model", "fake", "--base-url", fake.url)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr[-2000:]
    assert "[/bold]" in result.stdout and "[link=http://evil]Japan[/link]" in result.stdout
    assert "\x1b]8;" not in result.stdout  # no terminal hyperlink escape


# -- 8: API keys go where they belong -----------------------------------------------------------

OPENAI_KEY = "sk-openai-DO-NOT-SEND-1234567890"
SERVER_KEY = "sk-server-key-0987654321abcdef"


def test_the_openai_key_is_not_sent_to_another_server(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text(SALE_SENTENCE, encoding="utf-8")
    with fake_openai_server(completion(ANSWER)) as fake:
        args = ("extract", str(article), "--json", "--model", "fake", "--base-url", fake.url)
        plain = cli(tmp_path, *args, env={"OPENAI_API_KEY": OPENAI_KEY})
        own = cli(tmp_path, *args, env={"OPENAI_API_KEY": OPENAI_KEY, "ARMS_EXTRACT_API_KEY": SERVER_KEY})
    assert plain.returncode == own.returncode == 0, plain.stderr + own.stderr
    sent = [{k.lower(): v for k, v in r["headers"].items()}.get("authorization") for r in fake.requests]
    assert sent == [None, f"Bearer {SERVER_KEY}"]


def test_a_key_is_not_sent_in_clear_text_to_another_machine(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text(SALE_SENTENCE, encoding="utf-8")
    args = ("extract", str(article), "--model", "m", "--base-url", "http://192.0.2.1:8000/v1")
    refused = cli(tmp_path, *args, "--api-key", SERVER_KEY, timeout=20)
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert "refusing to send an API key in clear text to 192.0.2.1" in refused.stderr
    assert SERVER_KEY not in refused.stderr + refused.stdout


def test_a_partial_echo_of_the_key_is_masked(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text(SALE_SENTENCE, encoding="utf-8")
    echo = json.dumps({"error": {"message": f"bad key {SERVER_KEY[:14]}...{SERVER_KEY[-9:]}"}})
    with fake_openai_server(Step(status=400, body=echo)) as fake:
        result = cli(tmp_path, "extract", str(article), "--model", "m", "--base-url", fake.url, "--api-key", SERVER_KEY)
    assert result.returncode == 1 and "HTTP 400" in result.stderr
    assert SERVER_KEY[:10] not in result.stderr and SERVER_KEY[-9:] not in result.stderr


# -- 10: a deadline for the whole answer ---------------------------------------------------------


@pytest.mark.parametrize("command", ["extract", "run"])
def test_a_dripping_server_cannot_hold_a_request_past_the_deadline(tmp_path: Path, command: str) -> None:
    import time

    article = tmp_path / "in" / "a.txt"
    article.parent.mkdir()
    article.write_text(SALE_SENTENCE, encoding="utf-8")
    args = [command, str(article.parent), "--timeout", "2", "--model", "fake"]
    if command == "run":
        args += ["--out", str(tmp_path / "out"), "--no-cache"]
    else:
        args[1] = str(article)
    with fake_openai_server(Step(content=ANSWER, drip=0.5), completion(ANSWER)) as fake:
        started = time.monotonic()
        result = cli(tmp_path, *args, "--base-url", fake.url)
        elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr[-2000:]
    assert len(fake.requests) == 2, "the dripping answer is cut at 2 s and asked again"
    assert elapsed < 15


# -- 12: a cache per server ---------------------------------------------------------------------


def test_two_servers_do_not_share_cached_answers(tmp_path: Path) -> None:
    inputs = write_articles(tmp_path / "in", 1)
    # A different answer: the same sale with its weapon named shorter (a missing price would now be
    # found by code, written with the items).
    other = tomahawk_answer(items=[{"name": "cruise missiles", "quantity": "400"}])
    with fake_openai_server(completion(ANSWER)) as server_a, fake_openai_server(completion(other)) as server_b:
        for name, fake in (("a", server_a), ("b", server_b)):
            out = tmp_path / name
            result = cli(tmp_path, "run", str(inputs), "--out", str(out), "--model", "fake", "--base-url", fake.url)
            assert result.returncode == 0, result.stderr
    assert (len(server_a.requests), len(server_b.requests)) == (1, 1)
    [sale_a] = jsonl(tmp_path / "a" / "sales.jsonl")
    [sale_b] = jsonl(tmp_path / "b" / "sales.jsonl")
    assert (sale_a["items"][0]["name"], sale_b["items"][0]["name"]) == ("Tomahawk cruise missiles", "cruise missiles")


# -- 13: clear errors ---------------------------------------------------------------------------


def test_an_answer_cut_off_mid_body_is_retried(tmp_path: Path) -> None:
    inputs = write_articles(tmp_path / "in", 1)
    with fake_openai_server(Step(content=ANSWER, truncate=True), completion(ANSWER)) as fake:
        result = cli(tmp_path, "run", str(inputs), "--out", str(tmp_path / "out"), "--base-url", fake.url)
    assert result.returncode == 0, result.stderr
    assert len(fake.requests) == 2


def test_a_refused_key_stops_the_batch_after_the_first_article(tmp_path: Path) -> None:
    inputs = write_articles(tmp_path / "in", 5)
    out = tmp_path / "out"
    with fake_openai_server(Step(status=401)) as fake:
        args = ("run", str(inputs), "--out", str(out), "--workers", "1", "--base-url", fake.url, "--model", "m")
        result = cli(tmp_path, *args, "--api-key", SERVER_KEY)
    assert result.returncode == 1
    assert len(fake.requests) == 1
    errors = sorted(r["error"] for r in jsonl(out / "articles.jsonl"))
    assert errors[-1] == "the model server refused the API key (HTTP 401); check --api-key"
    assert errors[:4] == ["not attempted: the model server refused the API key (HTTP 401); check --api-key"] * 4


def test_a_redirect_is_named_as_one(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text(SALE_SENTENCE, encoding="utf-8")
    redirect = Step(status=301, headers={"Location": "https://example.org/api/v1/chat/completions"}, body="")
    with fake_openai_server(redirect) as fake:
        result = cli(tmp_path, "extract", str(article), "--base-url", fake.url, "--model", "m")
    assert result.returncode == 1 and len(fake.requests) == 1
    assert "redirects (HTTP 301) to https://example.org/api/v1/chat/completions" in result.stderr


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("htp://localhost:1/v1", "is not an http:// or https:// URL"),
        ("http:///v1", "is not an http:// or https:// URL"),
    ],
)
def test_a_url_that_cannot_work_is_refused_at_once(tmp_path: Path, url: str, message: str) -> None:
    inputs = write_articles(tmp_path / "in", 2)
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"id": "a", "text": "Text.", "labels": []}) + "\n", encoding="utf-8")
    # Every command that calls a model takes the same backend options (cli/_backend_options.py).
    for command in (
        ["run", str(inputs), "--out", str(tmp_path / "out")],
        ["extract", str(next(inputs.iterdir()))],
        ["eval", str(gold), "--out", str(tmp_path / "eval")],
    ):
        result = cli(tmp_path, *command, "--base-url", url, timeout=20)
        assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr, command


def test_a_host_that_does_not_exist_is_not_retried(tmp_path: Path) -> None:
    import time

    inputs = write_articles(tmp_path / "in", 3)
    started = time.monotonic()
    url = "http://no-such-host.invalid/v1"
    result = cli(tmp_path, "run", str(inputs), "--out", str(tmp_path / "out"), "--base-url", url, timeout=60)
    assert result.returncode == 1
    assert time.monotonic() - started < 15  # was 19 s of retries per article
    rows = jsonl(tmp_path / "out" / "articles.jsonl")
    assert all(r["status"] == "failed" and "could not connect" in r["error"] for r in rows)


def test_the_chunk_limit_names_an_option_that_exists(tmp_path: Path) -> None:
    article = tmp_path / "long.txt"
    article.write_text((SALE_SENTENCE + " ") * 400, encoding="utf-8")  # about 36,000 characters
    with fake_openai_server(completion(ANSWER)) as fake:
        args = ("extract", str(article), "--json", "--base-url", fake.url, "--model", "m")
        limited = cli(tmp_path, *args, "--max-chunks", "1")
        assert "--max-chunks" in limited.stderr and limited.returncode == 1 and not fake.requests
        allowed = cli(tmp_path, *args, "--max-chunks", "5")
    assert allowed.returncode == 0, allowed.stderr[-2000:]
    assert len(fake.requests) >= 2


# -- 9: inputs that escape or hang ---------------------------------------------------------------


def test_pipes_and_devices_are_refused_not_read(tmp_path: Path) -> None:
    import os

    inputs = write_articles(tmp_path / "in", 1)
    os.mkfifo(inputs / "pipe.txt")
    out = tmp_path / "out"
    with fake_openai_server(completion(ANSWER)) as fake:
        args = ("run", str(inputs), str(inputs / "pipe.txt"), "/dev/zero", "--out", str(out), "--base-url", fake.url)
        result = cli(tmp_path, *args, timeout=60)
    assert result.returncode == 1
    rows = {r["source"]: r for r in jsonl(out / "articles.jsonl")}
    assert rows[str(inputs / "a00.txt")]["status"] == "ok"
    assert "not a regular file" in rows[str(inputs / "pipe.txt")]["error"]
    assert "not a regular file" in rows["/dev/zero"]["error"]


def test_links_out_of_an_input_folder_are_not_followed_unless_asked(tmp_path: Path) -> None:
    inputs = write_articles(tmp_path / "in", 1)
    secret = tmp_path / "elsewhere" / "private.txt"
    secret.parent.mkdir()
    secret.write_text("Private notes. " + SALE_SENTENCE, encoding="utf-8")
    (inputs / "link.txt").symlink_to(secret)
    (inputs / "linked-folder").symlink_to(secret.parent, target_is_directory=True)
    with fake_openai_server(completion(ANSWER)) as fake:
        base = ("run", str(inputs), "--base-url", fake.url, "--no-cache")
        result = cli(tmp_path, *base, "--out", str(tmp_path / "out"))
        sent = [json.dumps(r["json"]) for r in fake.requests]
        followed = cli(tmp_path, *base, "--out", str(tmp_path / "out2"), "--follow-links")
    assert result.returncode == 0, result.stderr
    assert len(sent) == 1 and not any("Private notes" in s for s in sent)
    assert "a link to a file outside" in result.stderr and "a linked folder" in result.stderr
    assert followed.returncode == 0
    # followed, the link and the linked folder are one file, read once
    assert sorted(r["id"] for r in jsonl(tmp_path / "out2" / "articles.jsonl")) == ["a00", "private"]


def test_an_output_folder_inside_the_input_folder_is_not_read(tmp_path: Path) -> None:
    inputs = write_articles(tmp_path / "news", 2)
    out = inputs / "out"
    with fake_openai_server(completion(ANSWER)) as fake:
        for _ in range(3):
            result = cli(tmp_path, "run", str(inputs), "--out", str(out), "--base-url", fake.url)
            assert result.returncode == 0, result.stderr
    rows = jsonl(out / "articles.jsonl")
    assert sorted(Path(r["source"]).name for r in rows) == ["a00.txt", "a01.txt"]


def test_a_file_named_like_a_feed_line_is_its_own_input(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text("{broken\n", encoding="utf-8")
    lookalike = tmp_path / "feed.jsonl:1"
    lookalike.write_text("", encoding="utf-8")
    args = ("run", str(feed), str(lookalike), "--out", str(tmp_path / "out"))
    result = cli(tmp_path, *args, "--base-url", "http://127.0.0.1:9/v1")
    assert result.returncode == 1
    rows = jsonl(tmp_path / "out" / "articles.jsonl")
    assert len(rows) == 2 and len({r["key"] for r in rows}) == 2
    errors = sorted(r["error"].split(": ", 1)[1] for r in rows)
    assert errors == ["invalid JSON: Expecting property name enclosed in double quotes", "the file is empty"]


# -- 13: clear errors, continued --------------------------------------------------------------------


def test_jsonl_lines_keep_unicode_line_separators_inside_strings(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    text = "Line one\u2028line two\u2029and\u0085more. " + SALE_SENTENCE
    feed.write_text(json.dumps({"id": "u", "text": text}, ensure_ascii=False) + "\n", encoding="utf-8")
    with fake_openai_server(completion(ANSWER)) as fake:
        result = cli(tmp_path, "run", str(feed), "--out", str(tmp_path / "out"), "--base-url", fake.url)
    assert result.returncode == 0, result.stderr
    [row] = jsonl(tmp_path / "out" / "articles.jsonl")
    assert row["status"] == "ok" and row["source"] == f"{feed}:1"


def test_utf16_text_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    article = tmp_path / "windows.txt"
    article.write_bytes(("Übersicht\n\n" + SALE_SENTENCE).encode("utf-16"))
    with fake_openai_server(completion(ANSWER)) as fake:
        result = cli(tmp_path, "extract", str(article), "--json", "--base-url", fake.url, "--model", "m")
    assert result.returncode == 0, result.stderr
    [record] = json.loads(result.stdout)
    assert record["article"]["title"] == "Übersicht" and record["sales"][0]["buyer_country"] == "JPN"


@pytest.mark.parametrize("kind", ["a-file", "read-only"])
def test_an_output_folder_that_cannot_be_written_is_one_clear_error(tmp_path: Path, kind: str) -> None:
    import os

    inputs = write_articles(tmp_path / "in", 1)
    out = tmp_path / "out"
    if kind == "a-file":
        out.write_text("not a folder")
    else:
        out.mkdir()
        out.chmod(0o500)
        if os.access(out, os.W_OK):  # root writes anywhere: make the database itself unwritable
            out.chmod(0o700)
            (out / "extract.sqlite").mkdir()
    result = cli(tmp_path, "run", str(inputs), "--out", str(out), "--base-url", "http://127.0.0.1:9/v1")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    [line] = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert str(out) in line


def test_a_second_run_on_the_same_folder_is_refused_while_the_first_runs(tmp_path: Path) -> None:
    import subprocess
    import sys
    import time

    inputs = write_articles(tmp_path / "in", 4)
    out = tmp_path / "out"
    # 4 articles at 1 s each: the first run still holds the folder when the second has started up.
    with fake_openai_server(Step(content=ANSWER, delay=1.0)) as fake:
        command = [sys.executable, "-m", "arms_extract.cli", "run", str(inputs), "--out", str(out)]
        command += ["--base-url", fake.url, "--workers", "1", "--quiet", "--no-cache"]
        first = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while not fake.requests and time.monotonic() < deadline:
            time.sleep(0.05)
        second = cli(tmp_path, "run", str(inputs), "--out", str(out), "--base-url", fake.url)
        assert first.wait(timeout=60) == 0
    assert second.returncode == 2 and "another arms-extract run (pid" in second.stderr
    assert len(fake.requests) == 4


def test_temporary_files_of_a_killed_export_are_removed(tmp_path: Path) -> None:
    inputs = write_articles(tmp_path / "in", 1)
    out = tmp_path / "out"
    with fake_openai_server(completion(ANSWER)) as fake:
        assert cli(tmp_path, "run", str(inputs), "--out", str(out), "--base-url", fake.url).returncode == 0
    dead = 2**22 + 12345  # above the default pid_max: no process has it
    leftovers = [out / f".sales.jsonl.{dead}.tmp", out / "csv" / f".sales.csv.{dead}.tmp"]
    (out / "csv").mkdir()
    for path in leftovers:
        path.write_text("half")
    assert cli(tmp_path, "export", str(out), "--csv").returncode == 0
    assert not any(path.exists() for path in leftovers)


def test_batch_collect_records_a_truncated_results_line_and_goes_on(tmp_path: Path) -> None:
    inputs = write_articles(tmp_path / "in", 2)
    requests = tmp_path / "requests.jsonl"
    assert cli(tmp_path, "batch", "prepare", str(inputs), "--out", str(requests)).returncode == 0
    ids = [json.loads(line)["custom_id"] for line in requests.read_text().splitlines()]
    result_lines = [
        json.dumps({"custom_id": custom_id, "response": {"status_code": 200, "body": {
            "choices": [{"message": {"content": ANSWER}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 100, "completion_tokens": 20}}}})
        for custom_id in ids
    ]  # fmt: skip
    results = tmp_path / "results.jsonl"
    results.write_text(result_lines[0] + "\n" + result_lines[1][:40] + "\n", encoding="utf-8")
    out = tmp_path / "out"
    collected = cli(tmp_path, "batch", "collect", str(results), "--requests", str(requests), "--out", str(out))
    assert collected.returncode == 1 and "Traceback" not in collected.stderr
    assert f"{results}:2: not a result line" in collected.stderr
    assert sorted(r["status"] for r in jsonl(out / "articles.jsonl")) == ["failed", "ok"]
    assert len(jsonl(out / "rerun.jsonl")) == 1


def test_a_long_article_may_hold_more_records_than_one_answer(tmp_path: Path) -> None:
    """Item 2: each chunk's answer keeps to MAX_SALES; merged, a long article may hold more."""
    import re

    from arms_extract.core.answer import MAX_SALES

    countries = ["Japan", "Poland", "Romania", "Greece", "Norway", "Finland", "Denmark", "Estonia", "Latvia"]
    filler = "Officials gave no further detail on the schedule of the programme. " * 60
    paragraphs = [f"{c} will buy {10 + i} Tomahawk cruise missiles worth ${i + 1} billion. {filler}"
                  for i, c in enumerate(countries)]  # fmt: skip
    article = tmp_path / "long.txt"
    article.write_text("\n\n".join(paragraphs), encoding="utf-8")

    def answer(request: dict) -> str:  # type: ignore[type-arg]
        text = _article_text(request)
        sales = [
            {"seller": None, "buyer": m.group(1), "value": m.group(3), "date": None, "status": "will buy",
             "items": [{"name": "Tomahawk cruise missiles", "quantity": m.group(2)}]}
            for m in re.finditer(r"(\w+) will buy (\d+) Tomahawk cruise missiles worth (\$\d+ billion)", text)
        ][:MAX_SALES]  # fmt: skip
        return json.dumps({"sales": sales})

    with fake_openai_server(Step(respond=answer)) as fake:
        result = cli(tmp_path, "extract", str(article), "--json", "--base-url", fake.url, "--model", "m")
    assert result.returncode == 0, result.stderr[-2000:]
    [record] = json.loads(result.stdout)
    assert len(fake.requests) >= 2
    assert len(record["sales"]) > MAX_SALES


@pytest.fixture
def small_disk(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A 512 KiB file system of its own (needs root, as CI has), unmounted after the test."""
    import subprocess

    mount = tmp_path / "small"
    mount.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(mount)], capture_output=True)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a small file system here: {made.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def test_a_full_disk_is_one_clear_error_and_keeps_what_was_written(tmp_path: Path, small_disk: Path) -> None:
    inputs = write_articles(tmp_path / "in", 1)
    out = small_disk / "out"
    with fake_openai_server(completion(ANSWER)) as fake:
        args = ("run", str(inputs), "--out", str(out), "--base-url", fake.url, "--no-cache")
        assert cli(tmp_path, *args).returncode == 0
        with (small_disk / "filler").open("wb", buffering=0) as filler, suppress(OSError):
            while True:  # take every byte that is left
                filler.write(b"\0" * 4096)
        write_articles(inputs, 40)
        full = cli(tmp_path, *args)
    assert full.returncode == 2 and "Traceback" not in full.stderr, full.stderr[-2000:]
    [line] = [line for line in full.stderr.splitlines() if line.startswith("error:")]
    assert str(out) in line and ("full" in line or "No space" in line)
    exported = cli(tmp_path, "export", str(out), "--csv")
    assert exported.returncode == 2 and "Traceback" not in exported.stderr, exported.stderr[-2000:]
    [line] = [line for line in exported.stderr.splitlines() if line.startswith("error:")]
    assert str(out) in line
    (small_disk / "filler").unlink()
    rows = jsonl(out / "articles.jsonl") if (out / "articles.jsonl").exists() else []
    assert rows and rows[0]["status"] == "ok"  # the first run's article is still there


def test_an_oversized_file_or_feed_line_fails_alone_before_it_is_read(tmp_path: Path) -> None:
    from arms_extract.batch.inputs import MAX_FILE_BYTES

    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * (MAX_FILE_BYTES + 1))
    feed = tmp_path / "feed.jsonl"
    huge_line = json.dumps({"id": "huge", "text": "b" * (MAX_FILE_BYTES + 1)})
    feed.write_text(huge_line + "\n" + json.dumps({"id": "ok", "text": SALE_SENTENCE}) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    with fake_openai_server(completion(ANSWER)) as fake:
        result = cli(tmp_path, "run", str(big), str(feed), "--out", str(out), "--base-url", fake.url)
    assert result.returncode == 1 and len(fake.requests) == 1
    rows = {r["source"]: r for r in jsonl(out / "articles.jsonl")}
    assert "an article file may have" in rows[str(big)]["error"]
    assert "a line longer than" in rows[f"{feed}:1"]["error"]
    assert rows[f"{feed}:2"]["status"] == "ok"


def test_a_cache_that_cannot_be_opened_is_left_alone_and_the_run_goes_on(tmp_path: Path) -> None:
    inputs = write_articles(tmp_path / "in", 1)
    blocked = tmp_path / "user-cache" / "answers.sqlite"
    blocked.mkdir(parents=True)  # a folder where the cache file should be: not ours to move
    with fake_openai_server(completion(ANSWER)) as fake:
        result = cli(tmp_path, "run", str(inputs), "--out", str(tmp_path / "out"), "--base-url", fake.url)
    assert result.returncode == 0, result.stderr
    assert f"{blocked}: the answer cache cannot be used" in result.stderr and "running without it" in result.stderr
    assert blocked.is_dir() and not list(blocked.parent.glob("answers.sqlite.corrupt*"))


@pytest.mark.parametrize(
    "command",
    [["review"], ["deals"], ["export", "--sipri", "deals.csv"], ["export", "--label-studio", "tasks.json"]],
)
def test_a_folder_without_a_run_is_one_clear_line_for_every_reader(tmp_path: Path, command: list[str]) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    result = cli(tmp_path, command[0], str(empty), *command[1:], timeout=30)
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and len(lines) == 1 and str(empty) in lines[0], result.stderr
    assert "Traceback" not in result.stderr and not (empty / "extract.sqlite").exists()


def test_a_run_writes_deals_and_its_review_page_and_exports_read_them(tmp_path: Path) -> None:
    """From outside: run --review on two articles about one sale -> one deal reported by both,
    review.html, the SIPRI CSV and Label Studio tasks."""
    inputs = write_articles(tmp_path / "in", 2)
    out = tmp_path / "out"
    with fake_openai_server(completion(tomahawk_answer()), completion(tomahawk_answer())) as fake:
        result = cli(
            tmp_path, "run", str(inputs), "--out", str(out), "--review", "--base-url", fake.url, "--model", "m"
        )
    assert result.returncode == 0, result.stderr
    [deal] = jsonl(out / "deals.jsonl")
    assert (deal["supplier"], deal["recipient"], deal["articles"]) == ("USA", "JPN", 2)
    sales = jsonl(out / "sales.jsonl")
    assert sorted(s["uid"] for s in sales) == sorted(s["sale_uid"] for s in deal["sources"])
    assert "review.html" in result.stdout and (out / "review.html").stat().st_size > 0
    for args in (["--sipri", str(tmp_path / "deals.csv")], ["--label-studio", str(tmp_path / "tasks.json")]):
        exported = cli(tmp_path, "export", str(out), *args)
        assert exported.returncode == 0, exported.stderr
    assert "United States,Japan" in (tmp_path / "deals.csv").read_text(encoding="utf-8")
    shown = cli(tmp_path, "deals", str(out))
    assert shown.returncode == 0 and "JPN" in shown.stdout, shown.stderr


@pytest.mark.parametrize(("flags", "kept"), [([], True), (["--reask-ungrounded"], False)], ids=["default", "re-ask"])
def test_batch_collect_drops_a_value_the_article_lacks_unless_told_to_ask_again(
    tmp_path: Path, flags: list[str], kept: bool
) -> None:
    """A batch result with an invented price: kept without it (named in a warning; the sale takes the
    price the article writes with its items instead), or, with
    --reask-ungrounded, listed for a normal re-run where the model is asked again."""
    inputs = write_articles(tmp_path / "in", 1)
    requests = tmp_path / "requests.jsonl"
    assert cli(tmp_path, "batch", "prepare", str(inputs), "--out", str(requests)).returncode == 0
    [custom_id] = [json.loads(line)["custom_id"] for line in requests.read_text().splitlines()]
    invented = tomahawk_answer(value="$9.99 billion")
    results = tmp_path / "results.jsonl"
    results.write_text(json.dumps({"custom_id": custom_id, "response": {"status_code": 200, "body": {
        "choices": [{"message": {"content": invented}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 100, "completion_tokens": 20}}}}) + "\n", encoding="utf-8")  # fmt: skip
    out = tmp_path / "out"
    collect = ["batch", "collect", str(results), "--requests", str(requests), "--out", str(out), *flags]
    collected = cli(tmp_path, *collect)
    assert "Traceback" not in collected.stderr
    if kept:
        [article] = jsonl(out / "articles.jsonl")
        assert collected.returncode == 0 and article["status"] == "ok"
        [sale] = jsonl(out / "sales.jsonl")
        assert (sale["buyer_country"], sale["items"][0]["quantity"]) == ("JPN", 400)
        assert any("'$9.99 billion': not found in the article" in w for w in article["warnings"])
        assert sale["value"]["evidence"]["text"] == "$2.35 billion"  # the article's, written with the items
        assert not (out / "rerun.jsonl").exists() or not jsonl(out / "rerun.jsonl")
    else:
        assert "not in the article" in collected.stderr + collected.stdout
        assert len(jsonl(out / "rerun.jsonl")) == 1
