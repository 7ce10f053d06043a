"""The embedded default backend: llama.cpp's own server (xllamacpp) on 127.0.0.1.

It serves the same OpenAI-compatible API as any other backend, so the rest of
the code cannot tell it apart from a remote server. The server runs in a child
Python process: if llama.cpp crashes it takes only that process down, the
batch sees it (`alive()`), and can start it again (`restart()`).
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import select
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType

from .._errors import EmbeddedModelError
from ._model_file import MODEL_NAME, ensure_model_file

HOST = "127.0.0.1"
DEFAULT_CTX = 8192
# llama.cpp speculative decoding by n-grams of the prompt. scripts/bench_speed.py on the first 8 dev
# articles: none 31.9 s per article, ngram_mod 30.9 s, the same answers; ngram_map_k 17.1 s against
# ngram_mod's 16.9 s in session 16 (eval/results/speed/ngram-mod-draft-sizes.txt).
SPECULATIVE_TYPES = ("none", "ngram_mod", "ngram_simple", "ngram_cache", "ngram_map_k", "ngram_map_k4v")
DEFAULT_SPECULATIVE = "ngram_mod"
# ngram_mod's sizes: the n-gram looked up, the fewest and the most tokens drafted. llama.cpp's
# defaults (24, 48, 64) suit mixture-of-experts models; its docs advise fewer for dense ones.
DEFAULT_NGRAM_MOD = (24, 48, 64)
# The module the server's child process runs (`python -m`): this one, wherever it lives.
SERVE_MODULE = "arms_extract.backends.local_model"
START_TIMEOUT = 180.0


def _check_port_free(port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((HOST, port))
        except OSError as exc:
            reason = "is already in use" if exc.errno == errno.EADDRINUSE else f"failed: {exc}"
            raise EmbeddedModelError(
                f"cannot start the embedded model server: port {port} on {HOST} {reason}; "
                "choose another with ARMS_EXTRACT_EMBEDDED_PORT or leave it unset for a free port"
            ) from exc


def _healthy(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/health", timeout=5) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


class EmbeddedServer:
    """Start on enter (or `start()`), stop on exit (or `stop()`); safe to stop twice."""

    def __init__(
        self,
        model_path: Path | None = None,
        port: int | None = None,
        n_ctx: int = DEFAULT_CTX,
        threads: int | None = None,
        parallel: int = 1,
        speculative: str = DEFAULT_SPECULATIVE,
        ngram_mod: tuple[int, int, int] = DEFAULT_NGRAM_MOD,
    ) -> None:
        self.model_path = model_path
        self.speculative = speculative
        self.ngram_mod = ngram_mod
        env_port = os.environ.get("ARMS_EXTRACT_EMBEDDED_PORT")
        self.port = port if port is not None else (int(env_port) if env_port else 0)
        self.n_ctx = n_ctx
        self.threads = threads or min(os.cpu_count() or 2, 8)
        self.parallel = parallel
        self.model_name = MODEL_NAME if model_path is None else model_path.stem
        self._process: subprocess.Popen[str] | None = None
        self._log: Path | None = None
        self._lock = threading.Lock()
        self.base_url: str | None = None
        self.restarts = 0

    def start(self) -> str:
        """Start the server if needed and return its OpenAI base URL (…/v1)."""
        with self._lock:
            if self.base_url is not None:
                return self.base_url
            if self.port:
                _check_port_free(self.port)
            try:
                import xllamacpp  # noqa: F401  (fail here, with advice, not in the child)
            except ImportError as exc:
                raise EmbeddedModelError(
                    "the embedded runtime xllamacpp is not installed: "
                    "`pip install 'arms-extract[embedded]'`, or use --base-url"
                ) from exc
            path = self.model_path or ensure_model_file()
            if not path.is_file():
                raise EmbeddedModelError(f"{path}: model file not found")
            self.base_url = self._spawn(path)
            return self.base_url

    def _spawn(self, path: Path) -> str:
        handle, log_name = tempfile.mkstemp(prefix="arms-extract-server-", suffix=".log")
        os.close(handle)
        self._log = Path(log_name)
        command = [
            sys.executable, "-m", SERVE_MODULE, "--model", str(path),
            "--alias", self.model_name, "--port", str(self.port), "--ctx", str(self.n_ctx),
            "--threads", str(self.threads), "--parallel", str(self.parallel), "--speculative", self.speculative,
            "--ngram-mod", *map(str, self.ngram_mod),
        ]  # fmt: skip
        with self._log.open("w") as log:
            process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, text=True)
        self._process = process
        deadline = time.monotonic() + START_TIMEOUT
        assert process.stdout is not None
        ready, _, _ = select.select([process.stdout], [], [], START_TIMEOUT)
        # The child prints its address once it listens.
        line = process.stdout.readline() if ready else ""
        if not line:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=10)
            raise EmbeddedModelError(
                f"the embedded model server did not start (exit code {process.returncode}) "
                f"with {path}: {self._log_tail()}"
            )
        base = json.loads(line)["url"].rstrip("/")
        while time.monotonic() < deadline:
            if _healthy(base):
                return f"{base}/v1"
            if process.poll() is not None:
                break
            time.sleep(0.2)
        self._terminate()
        raise EmbeddedModelError(f"the embedded model server at {base} never became healthy: {self._log_tail()}")

    def _log_tail(self) -> str:
        if self._log is None or not self._log.exists():
            return "no log"
        lines = [line for line in self._log.read_text(errors="replace").splitlines() if line.strip()]
        return " | ".join(lines[-3:]) or "no output"

    def alive(self) -> bool:
        """Whether the server process is running (False before start and after a crash)."""
        return self._process is not None and self._process.poll() is None

    def restart(self) -> str:
        """Stop what is left of the server and start it again; counts in `restarts`."""
        self.stop()
        self.restarts += 1
        return self.start()

    def _terminate(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            if process.stdin is not None:
                process.stdin.close()  # the child exits when its stdin closes
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process.stdout is not None:
            process.stdout.close()

    def stop(self) -> None:
        with self._lock:
            self._terminate()
            self.base_url = None
        if self._log is not None:
            self._log.unlink(missing_ok=True)
            self._log = None

    def __enter__(self) -> EmbeddedServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def _serve(argv: list[str] | None = None) -> None:
    """The child process: run llama.cpp's server until stdin closes or a signal comes."""
    parser = argparse.ArgumentParser(prog=SERVE_MODULE)
    parser.add_argument("--model", required=True)
    parser.add_argument("--alias", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--ctx", type=int, default=DEFAULT_CTX)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--parallel", type=int, default=1)
    parser.add_argument("--speculative", choices=SPECULATIVE_TYPES, default=DEFAULT_SPECULATIVE)
    parser.add_argument("--ngram-mod", type=int, nargs=3, default=DEFAULT_NGRAM_MOD, metavar=("N", "MIN", "MAX"))
    args = parser.parse_args(argv)
    import xllamacpp

    params = xllamacpp.CommonParams()
    params.model.path = args.model
    params.model_alias = args.alias
    params.port = args.port
    params.n_ctx = args.ctx * args.parallel
    params.n_parallel = args.parallel
    params.cpuparams.n_threads = args.threads
    params.cpuparams_batch.n_threads = args.threads
    params.verbosity = -1
    params.warmup = False
    if args.speculative != "none":
        # Drafts tokens from n-grams the prompt already holds: our answers copy the article's words.
        kind = getattr(xllamacpp.common_speculative_type, f"COMMON_SPECULATIVE_TYPE_{args.speculative.upper()}")
        params.speculative.types = [kind]
        sizes = params.speculative.ngram_mod
        sizes.n_match, sizes.n_min, sizes.n_max = args.ngram_mod
    try:
        server = xllamacpp.Server(params)
    except RuntimeError as exc:
        print(f"llama.cpp refused to start on {HOST}:{args.port or 'any port'}: {exc}", file=sys.stderr)
        sys.exit(3)
    print(json.dumps({"url": str(server.listening_address)}), flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
    stop.wait()
    del server


if __name__ == "__main__":
    _serve()
