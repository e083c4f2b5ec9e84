"""Time for the sender, injectable so that tests run the limits and the backoff in virtual
time."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    """Seconds since the epoch, and a way to wait for a moment."""

    def now(self) -> float: ...

    async def sleep_until(self, deadline: float) -> None: ...


class SystemClock:
    def now(self) -> float:
        return time.time()

    async def sleep_until(self, deadline: float) -> None:
        await asyncio.sleep(max(0.0, deadline - time.time()))


def as_datetime(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, UTC)


async def sleep_until(clock: Clock, stopping: asyncio.Event, deadline: float) -> None:
    """Sleep in steps of at most a second, so that `stopping` is noticed."""
    while not stopping.is_set():
        now = clock.now()
        if now >= deadline:
            return
        await clock.sleep_until(min(deadline, now + 1.0))
