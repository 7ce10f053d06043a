"""Keep API keys out of every log record and error message.

A server may echo the key back in an error body, which the libraries below
us then log. Keys in use are registered here, and a log-record factory masks
them in every record before any handler sees it.
"""

from __future__ import annotations

import logging
import threading

_MASK = "***"
_lock = threading.Lock()
_secrets: set[str] = set()
_installed = False


# A run of this many characters of a key, anywhere in a text, is masked: servers echo keys
# cut short ("sk-proj-abc...wxyz"), and a partial key still helps whoever guesses the rest.
_PIECE = 8


def redact(text: str) -> str:
    """`text` with every key in use, and every run of 8 or more of a key's characters, masked."""
    if not _secrets or len(text) < _PIECE:
        return text
    pieces = {secret[i : i + _PIECE] for secret in _secrets for i in range(len(secret) - _PIECE + 1)}
    hidden = bytearray(len(text))
    for i in range(len(text) - _PIECE + 1):
        if text[i : i + _PIECE] in pieces:
            hidden[i : i + _PIECE] = b"\x01" * _PIECE
    if not any(hidden):
        return text
    out: list[str] = []
    for i, char in enumerate(text):
        if not hidden[i]:
            out.append(char)
        elif i == 0 or not hidden[i - 1]:
            out.append(_MASK)
    return "".join(out)


def register_secret(secret: str | None) -> None:
    """Mask `secret` from now on in log records and in texts passed to `redact`."""
    global _installed
    if not secret or len(secret) < 8:
        return
    with _lock:
        _secrets.add(secret)
        if _installed:
            return
        previous = logging.getLogRecordFactory()

        def factory(*args: object, **kwargs: object) -> logging.LogRecord:
            record = previous(*args, **kwargs)
            if _secrets:
                message = record.getMessage()
                masked = redact(message)
                if masked != message:
                    record.msg, record.args = masked, None
            return record

        logging.setLogRecordFactory(factory)
        _installed = True
