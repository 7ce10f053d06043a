"""Canned model answers for the FAKE server: one Tomahawk sale, as a model would write it."""

from __future__ import annotations

import json

SALE_SENTENCE = "Japan will buy 400 Tomahawk cruise missiles worth $2.35 billion from the United States."
EMPTY_ANSWER = json.dumps({"sales": []})


def tomahawk_answer(**sale: object) -> str:
    """The JSON a model returns for SALE_SENTENCE; keyword arguments replace sale fields."""
    fields: dict[str, object] = {
        "seller": "the United States",
        "buyer": "Japan",
        "items": [{"name": "Tomahawk cruise missiles", "quantity": "400"}],
        "value": "$2.35 billion",
        "date": None,
        "status": None,
    }
    fields.update(sale)
    return json.dumps({"sales": [fields]})
