"""The real embedded server: start, crash, restart. Needs the `embedded` extra and two minutes.

pytest -m embedded
"""

from __future__ import annotations

import os
import signal

import pytest

from arms_extract import EmbeddedServer

pytestmark = pytest.mark.embedded


def test_a_killed_server_is_seen_dead_and_restarts() -> None:
    pytest.importorskip("xllamacpp")
    with EmbeddedServer() as server:
        first_url = server.base_url
        assert server.alive()
        assert server._process is not None
        os.kill(server._process.pid, signal.SIGKILL)
        server._process.wait(timeout=10)
        assert not server.alive()
        second_url = server.restart()
        assert server.alive() and server.restarts == 1
        assert second_url.startswith("http://127.0.0.1:") and first_url is not None
    assert not server.alive()
