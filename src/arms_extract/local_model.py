"""The embedded default backend: llama.cpp's own server, in-process, on 127.0.0.1.

It serves the same OpenAI-compatible API as any other backend, so the rest of
the code cannot tell it apart from a remote server.
"""

from __future__ import annotations

import errno
import os
import socket
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType

from ._errors import EmbeddedModelError
from ._model_file import MODEL_NAME, ensure_model_file

HOST = "127.0.0.1"
DEFAULT_CTX = 8192


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


def _wait_healthy(base: str, deadline: float) -> None:
    last_error = "no answer"
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/health", timeout=5) as response:
                if response.status == 200:
                    return
                last_error = f"HTTP {response.status}"
        except (urllib.error.URLError, OSError) as exc:
            last_error = str(exc)
        time.sleep(0.2)
    raise EmbeddedModelError(f"the embedded model server at {base} never became healthy: {last_error}")


class EmbeddedServer:
    """Start on enter (or `start()`), stop on exit (or `stop()`); safe to stop twice."""

    def __init__(
        self,
        model_path: Path | None = None,
        port: int | None = None,
        n_ctx: int = DEFAULT_CTX,
        threads: int | None = None,
        parallel: int = 1,
    ) -> None:
        self.model_path = model_path
        env_port = os.environ.get("ARMS_EXTRACT_EMBEDDED_PORT")
        self.port = port if port is not None else (int(env_port) if env_port else 0)
        self.n_ctx = n_ctx
        self.threads = threads or min(os.cpu_count() or 2, 8)
        self.parallel = parallel
        self.model_name = MODEL_NAME if model_path is None else model_path.stem
        self._server: object | None = None
        self._lock = threading.Lock()
        self.base_url: str | None = None

    def start(self) -> str:
        """Start the server if needed and return its OpenAI base URL (…/v1)."""
        with self._lock:
            if self.base_url is not None:
                return self.base_url
            try:
                import xllamacpp
            except ImportError as exc:
                raise EmbeddedModelError(
                    "the embedded runtime xllamacpp is not installed: "
                    "`pip install 'arms-extract[embedded]'`, or use --base-url"
                ) from exc
            path = self.model_path or ensure_model_file()
            if not path.is_file():
                raise EmbeddedModelError(f"{path}: model file not found")
            if self.port:
                _check_port_free(self.port)
            params = xllamacpp.CommonParams()
            params.model.path = str(path)
            params.model_alias = self.model_name
            params.port = self.port
            params.n_ctx = self.n_ctx * self.parallel
            params.n_parallel = self.parallel
            params.cpuparams.n_threads = self.threads
            params.cpuparams_batch.n_threads = self.threads
            params.verbosity = -1
            params.warmup = False
            try:
                server = xllamacpp.Server(params)
            except RuntimeError as exc:
                raise EmbeddedModelError(
                    f"the embedded model server did not start on {HOST}:{self.port or 'any port'} "
                    f"with {path}: {exc}"
                ) from exc
            base = str(server.listening_address).rstrip("/")
            _wait_healthy(base, time.monotonic() + 120)
            self._server = server
            self.base_url = f"{base}/v1"
            return self.base_url

    def stop(self) -> None:
        with self._lock:
            server, self._server, self.base_url = self._server, None, None
        # Dropping the last reference runs llama.cpp's destructor, which joins its loop.
        del server

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
