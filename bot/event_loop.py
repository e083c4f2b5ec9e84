"""The event loop the processes run on: uvloop's where it is installed, else asyncio's."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def event_loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's loop (a dependency everywhere but Windows), or None for asyncio's.

    Under `make bench` the asyncio loop's own work (selectors, handles, transports) was
    about a sixth of an update's CPU; uvloop does the same work in C.
    """
    try:
        import uvloop
    except ImportError:  # pragma: no cover - Windows
        return None
    return uvloop.new_event_loop


def run_event_loop(main: Coroutine[Any, Any, T]) -> T:
    with asyncio.Runner(loop_factory=event_loop_factory()) as runner:
        return runner.run(main)
