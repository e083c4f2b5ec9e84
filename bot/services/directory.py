"""A catalogue read from the database once and kept in memory, for the dialog's hot paths.

What a dialog offers on nearly every step (the visible places, the visible categories)
must not cost a query per update. A `KeptFresh` catalogue is read on first use (or when
the dispatcher starts), read again at once when this process changes it, and every
`REFRESH_SECONDS` while the dispatcher runs, so that other replicas follow.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Generic, TypeVar

import structlog
from aiogram import Dispatcher
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from database.engine import reading

log = structlog.get_logger(__name__)

REFRESH_SECONDS = 60.0

T = TypeVar("T")


class KeptFresh(Generic[T]):
    """Subclasses say how to read the catalogue (`_read`) and how to keep it (`_remember`)."""

    _task: asyncio.Task[None] | None = None
    _generation = 0  # counts `_changed()`: a read that began before a change is dropped

    async def _read(self, session: AsyncSession) -> T:
        raise NotImplementedError

    def _remember(self, items: T) -> None:
        raise NotImplementedError

    def _changed(self) -> None:
        self._generation += 1

    async def reload(self, session: AsyncSession) -> T:
        """Read the catalogue again (after this process changed it), in a read-only unit of
        its own; what was read, kept unless a change came meanwhile."""
        began = self._generation
        async with reading(session):
            items = await self._read(session)
        if began == self._generation:
            self._remember(items)
        return items

    async def load(self, session_pool: async_sessionmaker[AsyncSession]) -> None:
        async with session_pool() as session:
            await self.reload(session)

    async def _refresh_forever(self, session_pool: async_sessionmaker[AsyncSession]) -> None:
        while True:
            try:
                await self.load(session_pool)
            except Exception as exc:  # a database blip: keep what we know
                log.warning(
                    "catalogue_refresh_failed",
                    catalogue=type(self).__name__,
                    error=type(exc).__name__,
                )
            await asyncio.sleep(REFRESH_SECONDS)

    async def on_startup(self, session_pool: async_sessionmaker[AsyncSession]) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(
                self._refresh_forever(session_pool), name=f"{type(self).__name__}-refresh"
            )

    async def on_shutdown(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def kept_by(self, dp: Dispatcher) -> None:
        """Refreshed while `dp` runs (its startup passes `session_pool`)."""
        dp.startup.register(self.on_startup)
        dp.shutdown.register(self.on_shutdown)
