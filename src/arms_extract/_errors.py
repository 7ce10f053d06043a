"""Exceptions of arms-extract: each names what went wrong and, where it can, what to do."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._secrets import redact

if TYPE_CHECKING:
    from .records import Usage


class ArmsExtractError(Exception):
    """Base class of every error this package raises on purpose."""


class EmbeddedModelError(ArmsExtractError):
    """The embedded model could not be assembled, verified or started."""


class InputError(ArmsExtractError):
    """An input file cannot be read as an article; the message names the file."""


class ConfigError(ArmsExtractError):
    """The settings cannot work (a URL that is not one, a key that would travel in clear text)."""


class ExtractionFailed(ArmsExtractError):
    """An article could not be extracted after transport retries and re-asks.

    `usage` is what the failed attempt spent (a `records.Usage`), so a run's token totals
    include the articles that failed; None where nothing reached the model. `fatal` means the
    server will answer every article the same way (a refused key, a redirect): a batch stops
    sending to it."""

    def __init__(self, message: str, usage: Usage | None = None, fatal: bool = False) -> None:
        super().__init__(message)
        self.usage = usage
        self.fatal = fatal


class StoreError(ArmsExtractError):
    """The output folder cannot be written (read-only, a file, full disk, locked by another run)."""


class RecordRejected(ArmsExtractError):
    """One article's records cannot be stored (a value the database cannot hold): that article fails."""


def one_line(exc: BaseException, limit: int = 200) -> str:
    """An unexpected exception as one short line of a failure reason, with any key masked."""
    return redact(" ".join(f"{type(exc).__name__}: {exc}".split()))[:limit]
