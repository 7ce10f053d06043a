"""What goes wrong around the embedded model, tested without loading it."""

from __future__ import annotations

import asyncio
import json
import socket
from pathlib import Path

import pytest

from arms_extract import BackendSettings, EmbeddedModelError, EmbeddedServer
from arms_extract.backends import _model_file as model_file
from arms_extract.backends._transport import RetryPolicy
from arms_extract.backends.backend import EmbeddedBackend
from arms_extract.batch.run import RunOptions, run_batch

from .canned import tomahawk_answer
from .fake_openai_server import Step, fake_openai_server
from .helpers import jsonl as lines
from .helpers import write_articles

ANSWER = tomahawk_answer()


def test_port_in_use_is_a_clear_error() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(EmbeddedModelError, match=f"port {port} on 127.0.0.1 is already in use"):
            EmbeddedServer(port=port).start()


def test_missing_model_packages_name_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_parts(name: str) -> object:
        raise ImportError(name)

    monkeypatch.setattr(model_file.importlib, "import_module", no_parts)
    with pytest.raises(EmbeddedModelError, match=r"pip install 'arms-extract\[embedded\]'"):
        model_file.part_paths()


def test_corrupted_model_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARMS_EXTRACT_CACHE_DIR", str(tmp_path))
    target = tmp_path / "models" / f"{model_file.MODEL_NAME}.gguf"
    target.parent.mkdir(parents=True)
    target.write_bytes(b"GGUF but not the pinned weights")
    with pytest.raises(EmbeddedModelError, match="does not match the pinned"):
        model_file.ensure_model_file()


def test_assembly_with_wrong_chunks_leaves_no_file(tmp_path: Path) -> None:
    parts = []
    for i in range(3):
        part = tmp_path / f"part{i}.bin"
        part.write_bytes(bytes([i]) * 1000)
        parts.append(part)
    target = tmp_path / "out" / "model.gguf"
    with pytest.raises(EmbeddedModelError, match="reinstall"):
        model_file.assemble(target, parts)
    assert list((tmp_path / "out").iterdir()) == []


class DyingServer:
    """Stands in for EmbeddedServer: a FAKE OpenAI server that answers `answers_per_life`

    requests, then drops every connection, as a crashed server would."""

    model_name = "fake-embedded"
    n_ctx = 8192

    def __init__(self, answers_per_life: int) -> None:
        self.answers_per_life = answers_per_life
        self.restarts = 0
        self.base_url: str | None = None
        self._context = None
        self._fake = None

    def start(self) -> str:
        if self.base_url is None:
            steps = [Step(content=ANSWER)] * self.answers_per_life + [Step(drop=True)]
            self._context = fake_openai_server(*steps)
            self._fake = self._context.__enter__()
            self.base_url = self._fake.url
        return self.base_url

    def alive(self) -> bool:
        return self._fake is not None and len(self._fake.requests) <= self.answers_per_life

    def restart(self) -> str:
        self.stop()
        self.restarts += 1
        return self.start()

    def stop(self) -> None:
        if self._context is not None:
            self._context.__exit__(None, None, None)
        self._context = self._fake = self.base_url = None


def test_server_dying_mid_batch_is_restarted_once_then_the_rest_fail_clearly(tmp_path: Path) -> None:
    write_articles(tmp_path / "in", 8)
    server = DyingServer(answers_per_life=3)
    fast = RetryPolicy(attempts=2, initial_wait=0.01, max_wait=0.02)
    settings = BackendSettings(retry=fast, timeout=2)  # no base_url: the embedded backend
    options = RunOptions(workers=1, use_cache=False, backend=EmbeddedBackend(server))  # type: ignore[arg-type]
    summary = asyncio.run(run_batch([tmp_path / "in"], tmp_path / "out", settings, options))
    server.stop()  # the caller's server: the run leaves it to the caller
    rows = {Path(r["key"]).name: r for r in lines(tmp_path / "out" / "articles.jsonl")}
    assert server.restarts == 1
    assert summary.ok == 6
    failed = [r for r in rows.values() if r["status"] == "failed"]
    assert len(failed) == 2
    assert all("embedded model" in r["error"] and "restart" in r["error"] for r in failed)
    sales = lines(tmp_path / "out" / "sales.jsonl")
    assert len(sales) == 6 and json.dumps(sales).count("JPN") == 6


class ServerDyingAfterAReAsk(DyingServer):
    """First life: an answer outside the schema, then death on its re-ask; the next life answers well."""

    def start(self) -> str:
        if self.base_url is None and self.restarts == 0:
            self._context = fake_openai_server(Step(content='{"sales": "none"}'))
            self._fake = self._context.__enter__()
            self._fake.steps.append(Step(drop=True))
            self.base_url = self._fake.url
        return super().start()


def test_an_article_tried_again_after_a_restart_is_charged_both_tries(tmp_path: Path) -> None:
    write_articles(tmp_path / "in", 1)
    server = ServerDyingAfterAReAsk(answers_per_life=1)
    settings = BackendSettings(retry=RetryPolicy(attempts=2, initial_wait=0.01, max_wait=0.02), timeout=2)
    options = RunOptions(workers=1, use_cache=False, backend=EmbeddedBackend(server))  # type: ignore[arg-type]
    summary = asyncio.run(run_batch([tmp_path / "in"], tmp_path / "out", settings, options))
    server.stop()  # the caller's server: the run leaves it to the caller
    assert (summary.ok, server.restarts) == (1, 1)
    [row] = lines(tmp_path / "out" / "articles.jsonl")
    # First try: an answer (100 + 20 tokens) and its re-ask, which died with the server;
    # second try: an answer. Before, the row said 2 requests, 1 re-ask and 100 + 20 tokens.
    assert (row["requests"], row["reasks"], row["prompt_tokens"], row["completion_tokens"]) == (3, 1, 200, 40)
    assert (summary.requests, summary.prompt_tokens) == (3, 200)


def test_a_cached_batch_never_starts_the_embedded_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from arms_extract.cache import AnswerCache

    write_articles(tmp_path / "in", 3)
    cache = AnswerCache(tmp_path / "cache.sqlite")
    settings = BackendSettings(retry=RetryPolicy(attempts=2, initial_wait=0.01, max_wait=0.02), timeout=2)
    server = DyingServer(answers_per_life=100)
    options = RunOptions(workers=1, cache=cache, backend=EmbeddedBackend(server))  # type: ignore[arg-type]
    first = asyncio.run(run_batch([tmp_path / "in"], tmp_path / "out1", settings, options))
    started_for_the_first = server.base_url is not None
    monkeypatch.setattr(DyingServer, "start", lambda self: pytest.fail("the server was started"))
    second = asyncio.run(run_batch([tmp_path / "in"], tmp_path / "out2", settings, options))
    monkeypatch.undo()
    server.stop()
    assert (first.ok, second.ok, second.cached) == (3, 3, 3)
    assert started_for_the_first and server.restarts == 0


def test_the_server_child_process_module_can_be_run() -> None:
    """The embedded server runs `python -m SERVE_MODULE`: a module moved without it failed only
    when a real model was started (CI's last step)."""
    import subprocess
    import sys

    from arms_extract.backends import local_model

    assert local_model.__name__ == local_model.SERVE_MODULE
    shown = subprocess.run([sys.executable, "-m", local_model.SERVE_MODULE, "--help"], capture_output=True, text=True)
    assert shown.returncode == 0 and "--model" in shown.stdout
