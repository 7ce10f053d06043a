"""The backend seam: where requests go, and what to do when the model server dies.

An extractor asks its backend for the settings to plan requests with (no server started),
for settings pointing at a running server (the embedded one starts on the first cache
miss), and whether an article that failed is worth trying again. A server someone else runs
needs none of that; the embedded llama.cpp server owns its start, its context size and its
one restart. Tests hand an extractor (or `run`, through RunOptions) a backend of their own.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import Protocol

from .._errors import EmbeddedModelError
from .llm import BackendSettings
from .local_model import EmbeddedServer

MAX_SERVER_RESTARTS = 1


class Backend(Protocol):
    @property
    def n_ctx(self) -> int | None:
        """The model's context in tokens when known: it sizes an article's chunks."""
        ...

    @property
    def starts(self) -> bool:
        """Whether `running` may have to start a server (seconds: callers use a thread)."""
        ...

    def planned(self, settings: BackendSettings) -> BackendSettings: ...

    def running(self, settings: BackendSettings) -> BackendSettings: ...

    def recover(self) -> bool:
        """After a failed call: True when the article is worth trying again."""
        ...

    def stop(self) -> None: ...


class RemoteServer:
    """An OpenAI-compatible server someone else runs: nothing to start, nothing to restart."""

    n_ctx: int | None = None
    starts = False

    def planned(self, settings: BackendSettings) -> BackendSettings:
        return settings

    def running(self, settings: BackendSettings) -> BackendSettings:
        return settings

    def recover(self) -> bool:
        return False

    def stop(self) -> None:
        pass


class EmbeddedBackend:
    """The embedded llama.cpp server, started on first need and restarted once if it dies.

    `server` is one the caller made (and stops); without it one is made, and stopped here."""

    starts = True

    def __init__(self, server: EmbeddedServer | None = None, slots: int = 1) -> None:
        self.server = server if server is not None else EmbeddedServer(parallel=slots)
        self._owns_server = server is None
        self._lock = threading.Lock()

    @property
    def n_ctx(self) -> int | None:
        return self.server.n_ctx

    def planned(self, settings: BackendSettings) -> BackendSettings:
        return replace(settings, model=settings.model or self.server.model_name)

    def running(self, settings: BackendSettings) -> BackendSettings:
        base_url = self.server.start()
        return settings.with_server(base_url, settings.model or self.server.model_name)

    def recover(self) -> bool:
        """Start a dead server again, once per backend; EmbeddedModelError once that is spent,
        so a batch stops sending to it."""
        server = self.server
        with self._lock:
            if server.alive():
                return server.restarts > 0
            if server.restarts >= MAX_SERVER_RESTARTS:
                raise EmbeddedModelError(f"the embedded model server died again after {server.restarts} restart(s)")
            server.restart()
            return True

    def stop(self) -> None:
        if self._owns_server:
            self.server.stop()


def backend_for(settings: BackendSettings, server: EmbeddedServer | None = None) -> Backend:
    """The embedded server when `settings` name no server, else the server they name."""
    if settings.is_embedded:
        return EmbeddedBackend(server, settings.embedded_slots)
    return RemoteServer()
