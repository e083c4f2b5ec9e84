"""The catalogue of visible places, kept in memory for the new-request dialog.

Matching what a teacher types must not cost a query per message: the visible places (a
school has hundreds) are a `KeptFresh` catalogue (`bot.services.directory`): loaded when
the dispatcher starts, replaced at once when an admin changes the catalogue in this
process, re-read every minute so that other replicas follow. Tests that only feed updates
start with an empty directory and fill it through /places, as an admin would.
"""

from __future__ import annotations

from collections.abc import Sequence

from aiogram import Dispatcher
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.directory import KeptFresh
from database.repositories import places as places_repo
from models.place_match import Candidate, match
from models.places import PlaceInfo


class PlaceDirectory(KeptFresh[list[PlaceInfo]]):
    def __init__(self, places: Sequence[PlaceInfo] = ()) -> None:
        self._remember(list(places))

    def _remember(self, items: list[PlaceInfo]) -> None:
        self._places = {p.id: p for p in items if not p.is_hidden}
        self._candidates = [Candidate(p, f"{p.building or ''} {p.name}") for p in items]

    async def _read(self, session: AsyncSession) -> list[PlaceInfo]:
        return [PlaceInfo.of(p) for p in await places_repo.visible(session)]

    def suggest(self, text: str, limit: int = 5) -> list[PlaceInfo]:
        """Visible places that match what was typed, best first."""
        return list(match(text, self._candidates, limit)) if self._places else []

    def get(self, place_id: int) -> PlaceInfo | None:
        return self._places.get(place_id)


def install(dp: Dispatcher) -> PlaceDirectory:
    """A directory for this dispatcher, as workflow data `places`, kept fresh while it runs."""
    directory = PlaceDirectory()
    dp["places"] = directory
    directory.kept_by(dp)
    return directory
