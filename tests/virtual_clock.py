"""Clocks for the outbox sender in tests: waiting moves time forward at once.

`VirtualClock` is pure virtual time (it moves only when someone sleeps or the test
advances it), so the limiter's decisions and the recorded timestamps are exact.
`FastForwardClock` is real time plus every sleep skipped so far: rows committed later
in real time are still due, and nothing waits for a rate limit in real time.
"""

from __future__ import annotations

import asyncio
import time


class VirtualClock:
    def __init__(self, start: float | None = None) -> None:
        self.t = time.time() if start is None else start

    def now(self) -> float:
        return self.t

    async def sleep_until(self, deadline: float) -> None:
        self.t = max(self.t, deadline)
        await asyncio.sleep(0)

    def advance(self, seconds: float) -> None:
        self.t += seconds


class FastForwardClock:
    def __init__(self) -> None:
        self.offset = 0.0

    def now(self) -> float:
        return time.time() + self.offset

    async def sleep_until(self, deadline: float) -> None:
        self.offset += max(0.0, deadline - self.now())
        await asyncio.sleep(0)

    def advance(self, seconds: float) -> None:
        self.offset += seconds


def busiest_window(stamps: list[float], width: float) -> int:
    """The most calls in any half-open window [t, t + width)."""
    stamps = sorted(stamps)
    best, start = 0, 0
    for end, stamp in enumerate(stamps):
        while stamps[start] + width <= stamp:
            start += 1
        best = max(best, end - start + 1)
    return best
