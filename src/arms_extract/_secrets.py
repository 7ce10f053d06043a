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


def redact(text: str) -> str:
    for secret in _secrets:
        if secret and secret in text:
            text = text.replace(secret, _MASK)
    return text


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
