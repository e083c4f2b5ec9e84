"""The catalogue of visible places, kept in memory for the new-request dialog.

Matching what a teacher types must not cost a query per message: the visible places (a
school has hundreds) are loaded when the dispatcher starts, replaced at once when an
admin changes the catalogue in this process, and re-read every `REFRESH_SECONDS` so that
other replicas follow. Tests that only feed updates start with an empty directory and
fill it through /places, as an admin would.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence

import structlog
from aiogram import Dispatcher
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from database.repositories import places as places_repo
from models.place_match import Candidate, match
from models.places import PlaceInfo

log = structlog.get_logger(__name__)

REFRESH_SECONDS = 60.0


class PlaceDirectory:
    def __init__(self, places: Sequence[PlaceInfo] = ()) -> None:
        self._remember(places)
        self._task: asyncio.Task[None] | None = None

    def _remember(self, places: Sequence[PlaceInfo]) -> None:
        self._places = {p.id: p for p in places if not p.is_hidden}
        self._candidates = [Candidate(p, f"{p.building or ''} {p.name}") for p in places]

    def suggest(self, text: str, limit: int = 5) -> list[PlaceInfo]:
        """Visible places that match what was typed, best first."""
        return list(match(text, self._candidates, limit)) if self._places else []

    def get(self, place_id: int) -> PlaceInfo | None:
        return self._places.get(place_id)

    async def reload(self, session: AsyncSession) -> None:
        """Read the catalogue again (after this process changed it)."""
        async with session.begin():
            places = [PlaceInfo.of(p) for p in await places_repo.visible(session)]
        self._remember(places)

    async def load(self, session_pool: async_sessionmaker[AsyncSession]) -> None:
        async with session_pool() as session:
            await self.reload(session)

    async def _refresh_forever(self, session_pool: async_sessionmaker[AsyncSession]) -> None:
        while True:
            try:
                await self.load(session_pool)
            except Exception as exc:  # a database blip: keep the places we know
                log.warning("places_refresh_failed", error=type(exc).__name__)
            await asyncio.sleep(REFRESH_SECONDS)

    async def on_startup(self, session_pool: async_sessionmaker[AsyncSession]) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(
                self._refresh_forever(session_pool), name="places-refresh"
            )

    async def on_shutdown(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None


def install(dp: Dispatcher) -> PlaceDirectory:
    """A directory for this dispatcher, as workflow data `places`, kept fresh while it runs."""
    directory = PlaceDirectory()
    dp["places"] = directory
    dp.startup.register(directory.on_startup)
    dp.shutdown.register(directory.on_shutdown)
    return directory
