"""Shared fixtures: VCR configuration and the model backend that cassette tests talk to.

Cassettes are replayed with record mode `none` by default, so a missing or
stale cassette fails loudly. To record them again from the real embedded
model (nothing else running on the machine):

    pytest -m cassette --record-mode=rewrite

The embedded server is then started once for the session; in replay mode no
server runs and requests go to a placeholder address that VCR intercepts.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from arms_extract import BackendSettings, EmbeddedServer, Extractor

from .recordings import CASSETTES, EMBEDDED_MODEL, FIXTURES, REPLAY_URL, ROOT, SEEDS, json_body_matcher

__all__ = ["CASSETTES", "EMBEDDED_MODEL", "FIXTURES", "REPLAY_URL", "ROOT", "SEEDS", "json_body_matcher"]


@pytest.fixture(scope="session")
def vcr_config() -> dict[str, object]:
    return {
        "match_on": ["method", "path", "json_body"],
        "filter_headers": ["authorization", "api-key", "x-api-key", "openai-organization", "openai-project", "cookie"],
        "decode_compressed_response": True,
    }


def pytest_recording_configure(config, vcr) -> None:  # type: ignore[no-untyped-def]
    vcr.register_matcher("json_body", json_body_matcher)


@pytest.fixture(scope="session")
def vcr_cassette_dir() -> str:
    return str(CASSETTES)


def _recording(config: pytest.Config) -> bool:
    return config.getoption("--record-mode") not in (None, "none")


@pytest.fixture(scope="session")
def model_backend(pytestconfig: pytest.Config) -> Iterator[BackendSettings]:
    """Settings for cassette tests: the live embedded server when recording, a placeholder else."""
    if not _recording(pytestconfig):
        yield BackendSettings(base_url=REPLAY_URL, model=EMBEDDED_MODEL)
        return
    with EmbeddedServer() as server:
        assert server.base_url is not None
        yield BackendSettings(base_url=server.base_url, model=EMBEDDED_MODEL)


@pytest.fixture(scope="session")
def extractor(model_backend: BackendSettings) -> Iterator[Extractor]:
    with Extractor(settings=model_backend) as instance:
        yield instance


def seed_text(name_prefix: str) -> str:
    path = next(SEEDS.glob(f"{name_prefix}*.txt"))
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def vcr_for_module(pytestconfig: pytest.Config, vcr_config: dict[str, object]):  # type: ignore[no-untyped-def]
    """`use(name, replay_only=False)`: a cassette context usable from module-scoped fixtures.

    Honours --record-mode like pytest-recording (`rewrite` deletes the old
    cassette first); `replay_only` always replays, for a test that reuses a
    cassette another test records.
    """
    import vcr as vcrpy

    mode = pytestconfig.getoption("--record-mode") or "none"

    def use(name: str, replay_only: bool = False):  # type: ignore[no-untyped-def]
        record_mode = "none" if replay_only else mode
        if record_mode == "rewrite":
            (CASSETTES / name).unlink(missing_ok=True)
            record_mode = "new_episodes"
        recorder = vcrpy.VCR(
            cassette_library_dir=str(CASSETTES),
            record_mode=record_mode,
            **vcr_config,  # type: ignore[arg-type]
        )
        recorder.register_matcher("json_body", json_body_matcher)
        return recorder.use_cassette(name)

    return use
