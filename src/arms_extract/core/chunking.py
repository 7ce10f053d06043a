"""Split an article that is longer than the model's context into overlapping chunks.

Chunks end at paragraph breaks where possible, else at sentence ends, so a
sale is rarely cut in half; the overlap repeats the end of one chunk at the
start of the next for the sale that is. Each chunk keeps its offset in the
article, and grounding runs on the whole article afterwards, so offsets are
always relative to the whole text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .sentences import SENTENCE_BREAK

_PARAGRAPH = re.compile(r"\n\s*\n")


@dataclass(frozen=True)
class Chunk:
    start: int
    text: str


def _cut_point(text: str, start: int, limit: int) -> int:
    """The last paragraph break, else sentence end, in the second half of the window."""
    window_end = min(start + limit, len(text))
    if window_end == len(text):
        return window_end
    floor = start + limit // 2
    for pattern in (_PARAGRAPH, SENTENCE_BREAK):
        cuts = [m.end() for m in pattern.finditer(text, floor, window_end)]
        if cuts:
            return cuts[-1]
    return window_end


def split(text: str, max_chars: int, overlap: int = 800) -> list[Chunk]:
    """Chunks of at most `max_chars`; consecutive chunks share about `overlap` characters."""
    if max_chars <= 0:
        raise ValueError("max_chars must be positive")
    if len(text) <= max_chars:
        return [Chunk(0, text)]
    overlap = min(overlap, max_chars // 4)
    chunks: list[Chunk] = []
    start = 0
    while start < len(text):
        end = _cut_point(text, start, max_chars)
        chunks.append(Chunk(start, text[start:end]))
        if end >= len(text):
            break
        next_start = max(end - overlap, start + 1)
        # Start the overlap at a sentence or paragraph start when one is near.
        boundary = [m.end() for m in SENTENCE_BREAK.finditer(text, next_start, end)]
        start = boundary[0] if boundary else next_start
    return chunks
