"""A bounded pool of async workers over a lazy iterable: the shape of `run` and `eval`."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from typing import TypeVar

T = TypeVar("T")


async def run_limited(workers: int, items: Iterable[T], handle: Callable[[T], Awaitable[None]]) -> None:
    """`handle` every item, at most `workers` at once.

    Each worker pulls the next item when it is free, so a generator of inputs is read
    one item at a time and memory stays flat however many there are."""
    pending = iter(items)

    async def worker() -> None:
        for item in pending:
            await handle(item)

    await asyncio.gather(*(worker() for _ in range(max(1, workers))))
