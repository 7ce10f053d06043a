"""`ray-run` and `scale.ray` on a local Ray cluster against the FAKE server: the same records as
`run` for the same answers, failures isolated, a failed answer re-asked, resume after kill -9.

Ray starts once for the module (ray.init with 2 CPUs, a few seconds); the CLI tests start their
own in a child process, as a user's job would.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from arms_extract import Article, BackendSettings
from arms_extract.backends._transport import RetryPolicy
from arms_extract.backends.planner import RESPONSE_MODEL
from arms_extract.batch.run import RunOptions, run_batch
from arms_extract.scale._rows import HTTP, VLLM, Finisher, answer_columns, article_row, request_row

from .canned import EMPTY_ANSWER, SALE_SENTENCE, tomahawk_answer
from .fake_openai_server import Step, fake_openai_server
from .helpers import jsonl, write_articles

ray = pytest.importorskip("ray")  # the `ray` extra; the test extra installs it, so CI runs these

from arms_extract.scale import _parts  # noqa: E402
from arms_extract.scale.ray import ModelStage, run_on_ray, start_ray  # noqa: E402

FAST = RetryPolicy(attempts=2, initial_wait=0.01, max_wait=0.05)
LONG_TEXT = "The ministry published its annual report on training and maintenance. " * 60 + SALE_SENTENCE


def settings(url: str) -> BackendSettings:
    # 2,000 characters per request: LONG_TEXT needs several, as a long article does on a small model.
    return BackendSettings(base_url=url, model="fake", retry=FAST, timeout=10, chunk_chars=2000)


def answer_for(request: dict[str, Any]) -> str:
    """What a model would answer: the sale when the text sent holds it, else no sale."""
    text = request["messages"][-1]["content"]
    return tomahawk_answer() if "Tomahawk" in text else EMPTY_ANSWER


@pytest.fixture(scope="module")
def local_ray() -> Iterator[None]:
    start_ray(None, num_cpus=2)
    yield
    ray.shutdown()


def inputs(folder: Path) -> Path:
    """Articles of every kind a run meets: sales, no sale, a feed, a long one, a binary file."""
    write_articles(folder, 4)
    (folder / "quiet.txt").write_text("The parliament debated the fishing quota on Tuesday.\n", encoding="utf-8")
    (folder / "long.txt").write_text(LONG_TEXT + "\n", encoding="utf-8")
    (folder / "broken.txt").write_bytes(b"\x00\x01binary")
    feed = [
        {"id": "f1", "text": SALE_SENTENCE + " The deal was confirmed.", "published": "2024-11-18"},
        {"id": "f2", "text": ""},
    ]
    (folder / "feed.jsonl").write_text("".join(json.dumps(row) + "\n" for row in feed), encoding="utf-8")
    return folder


def ray_table(out: Path, name: str) -> list[dict[str, Any]]:
    return [row for path in sorted((out / name).glob("part-*.jsonl")) for row in jsonl(path)]


def by_key(rows: list[dict[str, Any]], *fields: str) -> dict[str, Any]:
    return {row["key"]: {f: row[f] for f in fields} for row in rows}


def records(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(rows, key=lambda r: (r["article_key"], r["id"]))


def test_ray_gives_the_records_run_gives_for_the_same_answers(local_ray: None, tmp_path: Path) -> None:
    folder = inputs(tmp_path / "in")
    with fake_openai_server(Step(respond=answer_for)) as fake:
        summary = run_on_ray([folder], tmp_path / "ray", settings(fake.url), ModelStage(batch_size=2, concurrency=2),
                             rows_per_part=3)  # fmt: skip
        asked_by_ray = len(fake.requests)
        asyncio.run(run_batch([folder], tmp_path / "run", settings(fake.url), RunOptions(use_cache=False)))
    ray_out, run_out = tmp_path / "ray", tmp_path / "run"
    # Seven articles, two inputs that are not articles (a binary file, an empty text).
    assert (summary.total, summary.ok, summary.failed) == (9, 7, 2)
    fields = ("status", "error", "id", "source", "file", "prompt_tokens", "completion_tokens", "requests",
              "warnings", "no_sale_reason", "model")  # fmt: skip
    assert by_key(ray_table(ray_out, "articles"), *fields) == by_key(jsonl(run_out / "articles.jsonl"), *fields)
    for table in ("sales", "claims", "actors"):
        assert records(ray_table(ray_out, table)) == records(jsonl(run_out / f"{table}.jsonl")), table
    sales = ray_table(ray_out, "sales")
    assert len(sales) == 6 and {s["buyer_country"] for s in sales} == {"JPN"}
    # The long article went chunk by chunk through the normal client, as run sends it.
    long = next(a for a in ray_table(ray_out, "articles") if a["source"].endswith("long.txt"))
    assert long["requests"] > 1 and not long["repaired"]
    bodies = [json.dumps(r["json"], sort_keys=True) for r in fake.requests]
    assert sorted(bodies[:asked_by_ray]) == sorted(bodies[asked_by_ray:]), "both sent the same requests"
    # One file set per block of at most three articles, each complete.
    parts = {p.stem for p in (ray_out / "articles").glob("part-*")}
    assert len(parts) >= 3 and all({p.stem for p in (ray_out / t).glob("part-*")} == parts for t in _parts.TABLES)


QUESTIONED = "Japan will buy 400 Tomahawk cruise missiles worth $2.35 billion, officials of the United States said."


def answer_with_a_wrong_seller(request: dict[str, Any]) -> str:
    """A seller the article does not name (assembly drops it), and the seller when asked again."""
    text = request["messages"][-1]["content"]
    if "\n\nQuestion: who supplies" in text:
        return json.dumps({"seller": "the United States"})
    return tomahawk_answer(seller="France") if "Tomahawk" in text else EMPTY_ANSWER


def test_ray_asks_the_questions_about_sellers_run_asks(local_ray: None, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(2):
        (folder / f"q{i}.txt").write_text(f"Report {i}. {QUESTIONED}\n", encoding="utf-8")
    with fake_openai_server(Step(respond=answer_with_a_wrong_seller)) as fake:
        run_on_ray([folder], tmp_path / "ray", settings(fake.url), ModelStage(concurrency=1))
        asked_by_ray = len(fake.requests)
        asyncio.run(run_batch([folder], tmp_path / "run", settings(fake.url), RunOptions(use_cache=False)))
    assert asked_by_ray == 4 and len(fake.requests) == 8  # an article and a question each, both ways
    sales = ray_table(tmp_path / "ray", "sales")
    assert [(s["seller_country"], s["buyer_country"]) for s in sales] == [("USA", "JPN")] * 2
    assert records(sales) == records(jsonl(tmp_path / "run" / "sales.jsonl"))


def test_parquet_holds_the_same_records(local_ray: None, tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    write_articles(tmp_path / "in", 3)
    with fake_openai_server(Step(respond=answer_for)) as fake:
        for fmt in ("jsonl", "parquet"):
            run_on_ray([tmp_path / "in"], tmp_path / fmt, settings(fake.url), ModelStage(concurrency=1), fmt=fmt)
    from_parquet = [row for path in (tmp_path / "parquet" / "sales").glob("*.parquet")
                    for row in pq.read_table(path).to_pylist()]  # fmt: skip
    decoded = [{k: json.loads(v) if k in ("items", "evidence") else v for k, v in row.items()} for row in from_parquet]
    expected = records(ray_table(tmp_path / "jsonl", "sales"))
    assert [(r["uid"], r["items"], r["evidence"]) for r in records(decoded)] == [
        (r["uid"], r["items"], r["evidence"]) for r in expected
    ]
    assert len(expected) == 3


def test_a_failed_answer_is_re_asked_and_one_that_stays_wrong_fails_alone(local_ray: None, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    write_articles(folder, 3)
    (folder / "fixed.txt").write_text("Fixed later. " + SALE_SENTENCE, encoding="utf-8")
    (folder / "wrong.txt").write_text("Always wrong. " + SALE_SENTENCE, encoding="utf-8")
    asked: dict[str, int] = {}

    def answer(request: dict[str, Any]) -> str:
        text = " ".join(m["content"] for m in request["messages"])  # a re-ask repeats the article
        for name in ("Fixed later", "Always wrong"):
            if name in text:
                asked[name] = asked.get(name, 0) + 1
                if name == "Always wrong" or asked[name] == 1:
                    return "Sorry, I cannot help with that."  # not JSON
        return tomahawk_answer()

    with fake_openai_server(Step(respond=answer)) as fake:
        summary = run_on_ray([folder], tmp_path / "out", settings(fake.url), ModelStage(concurrency=2))
    articles = {Path(a["source"]).stem: a for a in ray_table(tmp_path / "out", "articles")}
    assert (summary.ok, summary.failed, summary.repaired) == (4, 1, 1)
    fixed, wrong = articles["fixed"], articles["wrong"]
    assert fixed["status"] == "ok" and fixed["repaired"] and fixed["requests"] == 2
    assert any("re-asked through the normal client: the answer failed validation" in w for w in fixed["warnings"])
    assert wrong["status"] == "failed" and wrong["error"].startswith("the answer failed validation")
    assert "re-asked:" in wrong["error"]
    assert asked == {"Fixed later": 2, "Always wrong": 3}, "Ray's request, then the client's and its re-ask"
    assert wrong["requests"] == 3 and wrong["prompt_tokens"] == 300, "a failure's tokens are counted"
    assert all(articles[f"a0{i}"]["status"] == "ok" for i in range(3))


def test_without_an_endpoint_to_re_ask_a_failed_answer_fails_with_the_reason(tmp_path: Path) -> None:
    row = request_row(article_row({"id": "x", "text": SALE_SENTENCE}), settings("http://127.0.0.1:9/v1"), VLLM)
    answered = answer_columns(row | {"generated_text": "{not json", "num_input_tokens": 90, "num_generated_tokens": 4},
                              VLLM)  # fmt: skip
    finished = Finisher(settings("http://127.0.0.1:9/v1"), None, "m").finish(answered)
    assert finished["status"] == "failed"
    assert "the answer failed validation" in finished["error"] and "no endpoint to ask" in finished["error"]
    assert (finished["prompt_tokens"], finished["completion_tokens"]) == (90, 4)


def test_request_rows_carry_the_request_run_sends_and_route_what_skips_the_model() -> None:
    plan = settings("http://127.0.0.1:9/v1")
    row = request_row(article_row({"id": "x", "text": SALE_SENTENCE}), plan, HTTP)
    assert row["route"] == "model" and row["__inference_error__"] == ""
    body = row["payload"]
    assert body["model"] == "fake" and body["response_format"]["json_schema"]["name"] == RESPONSE_MODEL.__name__
    assert SALE_SENTENCE in body["messages"][-1]["content"]
    vllm = request_row(article_row({"id": "x", "text": SALE_SENTENCE}), plan, VLLM)
    assert vllm["messages"] == body["messages"]
    assert vllm["sampling_params"]["structured_outputs"] == {"json": RESPONSE_MODEL.model_json_schema()}
    assert vllm["sampling_params"]["max_tokens"] == plan.max_completion_tokens
    long = request_row(article_row({"id": "l", "text": LONG_TEXT}), plan, HTTP)
    assert long["route"] == "direct" and long["chunks"] > 1 and long["__inference_error__"]
    empty = request_row(article_row({"id": "e", "text": " "}), plan, HTTP)
    assert empty["route"] == "failed" and "missing or empty 'text'" in empty["problem"]
    too_long = request_row(article_row({"id": "t", "text": "word " * 20_000}), plan, HTTP)
    assert too_long["route"] == "failed" and "--max-chunks" in too_long["problem"]


def test_a_server_error_answer_is_read_as_a_problem_not_a_crash() -> None:
    row = {"key": "k", "route": "model", "http_response": {"error": {"message": "model overloaded", "code": 500}}}
    assert answer_columns(row, HTTP)["problem"] == "the server answered with an error: model overloaded"
    cut = {"choices": [{"finish_reason": "length", "message": {"content": "{"}}], "usage": {"prompt_tokens": 5}}
    answered = answer_columns({"key": "k", "http_response": cut}, HTTP)
    assert answered["problem"].startswith("the answer was cut off") and answered["prompt_tokens"] == 5


def ray_run_command(folder: Path, out: Path, url: str, *extra: str) -> list[str]:
    return [sys.executable, "-m", "arms_extract.cli", "ray-run", str(folder), "--out", str(out),
            "--base-url", url, "--model", "fake", "--num-cpus", "2", *extra]  # fmt: skip


def _wait_until_quiet(requests: list[object], quiet: float = 3.0, limit: float = 60.0) -> None:
    """Return once no request has arrived for `quiet` seconds (or after `limit`)."""
    deadline = time.monotonic() + limit
    seen, since = len(requests), time.monotonic()
    while time.monotonic() - since < quiet and time.monotonic() < deadline:
        time.sleep(0.2)
        if len(requests) != seen:
            seen, since = len(requests), time.monotonic()


def test_cli_resumes_after_kill_9_without_asking_again_or_duplicating(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    write_articles(folder, 24)
    out = tmp_path / "out"
    env = os.environ | {"ARMS_EXTRACT_CACHE_DIR": str(tmp_path / "cache")}
    with fake_openai_server(Step(respond=answer_for, delay=1.0)) as fake:
        command = ray_run_command(folder, out, fake.url, "--batch-size", "1", "--concurrency", "1",
                                  "--rows-per-file", "1", "--quiet")  # fmt: skip
        victim = subprocess.Popen(command, env=env, stderr=(tmp_path / "victim.err").open("w"))
        deadline = time.monotonic() + 120
        while len(list((out / "articles").glob("part-*"))) < 3 and time.monotonic() < deadline:
            assert victim.poll() is None, (tmp_path / "victim.err").read_text()[-2000:]
            time.sleep(0.05)
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        # Ray's workers are processes of their own: a request one had in flight when the driver was
        # killed may still reach the server. Count what the killed run did once it has gone quiet.
        _wait_until_quiet(fake.requests)
        finished_before = len(_parts.read_articles(out))
        assert 3 <= finished_before < 24
        asked_before = len(fake.requests)
        # What a kill between a block's files leaves: records without their articles file.
        (out / "sales" / "part-0000000000000000.jsonl").write_text('{"article_key": "orphan"}\n')
        resumed = subprocess.run(command, env=env, capture_output=True, text=True, check=False, timeout=180)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    articles = _parts.read_articles(out)
    keys = [a["key"] for a in articles]
    assert len(keys) == len(set(keys)) == 24 and all(a["status"] == "ok" for a in articles)
    assert not (out / "sales" / "part-0000000000000000.jsonl").exists()
    sales = ray_table(out, "sales")
    assert sorted(s["article_key"] for s in sales) == sorted(keys)
    asked_again = len(fake.requests) - asked_before
    assert asked_again <= 24 - finished_before, "an article written before the kill is not asked again"


def test_cli_tries_failures_again_and_reports_them_in_one_line_each(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    write_articles(folder, 2)
    out = tmp_path / "out"
    env = os.environ | {"ARMS_EXTRACT_CACHE_DIR": str(tmp_path / "cache")}
    with fake_openai_server(Step(content="not json at all")) as broken:
        first = subprocess.run(ray_run_command(folder, out, broken.url), env=env, capture_output=True, text=True,
                               check=False, timeout=180)  # fmt: skip
    assert first.returncode == 1
    failed_lines = [line for line in first.stderr.splitlines() if "failed" in line and "a0" in line]
    assert len(failed_lines) == 2 and all("re-asked" in line for line in failed_lines)
    with fake_openai_server(Step(respond=answer_for)) as working:
        second = subprocess.run(ray_run_command(folder, out, working.url), env=env, capture_output=True, text=True,
                                check=False, timeout=180)  # fmt: skip
    assert second.returncode == 0, second.stderr[-2000:]
    articles = _parts.read_articles(out)
    assert sorted(a["status"] for a in articles) == ["ok", "ok"], "the failures were forgotten and tried again"
    bad = subprocess.run([sys.executable, "-m", "arms_extract.cli", "ray-run", str(folder), "--out", str(out),
                          "--format", "csv"], capture_output=True, text=True, check=False)  # fmt: skip
    assert bad.returncode == 2 and "--format 'csv': choose one of jsonl, parquet" in bad.stderr


def test_cli_an_endpoint_that_never_answers_stops_the_job_with_one_line_and_exit_2(tmp_path: Path) -> None:
    folder = write_articles(tmp_path / "in", 2)
    closed = "http://127.0.0.1:9/v1"  # the discard port: nothing listens
    result = subprocess.run(ray_run_command(folder, tmp_path / "out", closed), capture_output=True, text=True,
                            check=False, timeout=300)  # fmt: skip
    assert result.returncode == 2
    [line] = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert line.startswith("error: the Ray job stopped: ") and line.endswith("and the same command resumes")
    assert "\x1b" not in line and "Traceback" not in result.stderr


def test_article_rows_of_a_users_dataset(local_ray: None, tmp_path: Path) -> None:
    """The library entry point on a dataset the caller built: article objects in, article rows out."""
    from arms_extract.scale.ray import extract_dataset

    rows = [{"id": f"n{i}", "text": f"Item {i}. {SALE_SENTENCE}", "published": "2024-11-18"} for i in range(3)]
    rows.append({"id": "bad", "text": ""})
    with fake_openai_server(Step(respond=answer_for)) as fake:
        out = extract_dataset(ray.data.from_items(rows), settings(fake.url), ModelStage(concurrency=1)).take_all()
    by_id = {row["id"]: row for row in out}
    assert sorted(by_id) == ["bad", "n0", "n1", "n2"]
    assert by_id["bad"]["status"] == "failed" and "missing or empty 'text'" in by_id["bad"]["error"]
    from arms_extract import Extraction

    extraction = Extraction.model_validate_json(by_id["n1"]["extraction"])
    assert extraction.article == Article(id="n1", text=rows[1]["text"], source="n1", published="2024-11-18")
    assert [s.buyer_country for s in extraction.sales] == ["JPN"]


def test_the_model_stage_is_ray_data_llms_processor_for_an_endpoint_or_a_vllm_engine() -> None:
    from arms_extract import ConfigError
    from arms_extract.scale.ray import processor_config

    keyed = BackendSettings(base_url="http://127.0.0.1:8000/v1/", model="m", api_key="sk-test-key-123456", retry=FAST)
    http = processor_config(keyed, ModelStage(batch_size=3, concurrency=5))
    assert type(http).__name__ == "HttpRequestProcessorConfig"
    assert http.url == "http://127.0.0.1:8000/v1/chat/completions"
    assert http.headers == {"Authorization": "Bearer sk-test-key-123456"}
    assert (http.batch_size, http.concurrency, http.max_retries) == (3, (5, 5), FAST.attempts - 1)
    vllm = processor_config(keyed, ModelStage(vllm_model="Qwen/Qwen2.5-7B-Instruct", concurrency=2))
    assert type(vllm).__name__ == "vLLMEngineProcessorConfig"
    assert vllm.model_source == "Qwen/Qwen2.5-7B-Instruct" and vllm.should_continue_on_error
    assert vllm.engine_kwargs["max_model_len"] == 16384 and vllm.concurrency == 2
    with pytest.raises(ConfigError, match="needs an OpenAI-compatible endpoint"):
        processor_config(BackendSettings(), ModelStage())


@pytest.mark.embedded
def test_live_ray_run_with_the_embedded_model_on_the_seeds(tmp_path: Path) -> None:
    """The real model behind Ray Data LLM's HTTP stage: `ray-run seeds/` as the README gives it."""
    pytest.importorskip("xllamacpp")
    seeds = Path(__file__).parent.parent / "seeds"
    result = subprocess.run(
        [sys.executable, "-m", "arms_extract.cli", "ray-run", str(seeds), "--out", str(tmp_path / "out"),
         "--num-cpus", "2"],
        capture_output=True, text=True, check=False, timeout=900, env=os.environ | {"COLUMNS": "200"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    articles = _parts.read_articles(tmp_path / "out")
    assert len(articles) == 2 and all(a["status"] == "ok" and a["requests"] >= 1 for a in articles)
    texts = {p.stem: p.read_text(encoding="utf-8") for p in seeds.glob("*.txt")}
    sales = ray_table(tmp_path / "out", "sales")
    tomahawk = [
        s for s in sales
        if s["seller_country"] == "USA" and s["buyer_country"] == "JPN"
        and any(i["quantity"] == 400 and "tomahawk" in i["name"].lower() for i in s["items"])
    ]  # fmt: skip
    assert tomahawk, json.dumps(sales, indent=1)[:3000]
    text = texts[tomahawk[0]["article_id"]]
    assert all(text[span["start"] : span["end"]] == span["text"] for span in tomahawk[0]["evidence"])
