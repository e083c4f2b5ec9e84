"""Places: the catalogue admins keep, the deep links on the doors, and "me too".

One function per action, each in its own transaction, taking plain values: the bot, the
web panel and the import all call these. A school's catalogue is small (hundreds of
rooms), so matching what people type is done in memory over the visible places.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from database.repositories import places as places_repo
from database.repositories import requests as requests_repo
from models import OPEN_STATUSES, Place
from models.place_match import normalize, place_key
from models.places import (
    BUILDING_NAME_MAX,
    FLOOR_MAX,
    PLACE_CODE_PREFIX,
    PLACE_NAME_MAX,
    PlaceInfo,
)
from models.views import ListItem, PlaceRequestRow
from utils.validation import normalize as clean

log = structlog.get_logger(__name__)

#: Open requests shown before "me too"; requests in a place's history.
OPEN_SHOWN = 5
HISTORY_SHOWN = 10


def _clean(text: str) -> str:
    return clean(text, single_line=True)


def new_code() -> str:
    """A deep-link payload: 14 characters of A-Za-z0-9_-, not guessable from another."""
    return PLACE_CODE_PREFIX + secrets.token_urlsafe(9)


class PlaceProblem(StrEnum):
    EMPTY = "empty"
    TOO_LONG = "too_long"
    DUPLICATE = "duplicate"
    NOT_FOUND = "not_found"


@dataclass(frozen=True, slots=True)
class PlaceFields:
    name: str
    building: str | None = None
    floor: str | None = None


def parse_place(text: str) -> PlaceFields | PlaceProblem:
    """ "каб. 214", "Корпус А / каб. 214" or "Корпус А / каб. 214 / 2" (building / name / floor)."""
    parts = [_clean(p) for p in text.split("/")]
    if len(parts) == 1:
        fields = PlaceFields(parts[0])
    elif len(parts) == 2:
        fields = PlaceFields(parts[1], parts[0] or None)
    else:
        fields = PlaceFields(parts[1], parts[0] or None, " ".join(parts[2:]) or None)
    return check_fields(fields)


def check_fields(fields: PlaceFields) -> PlaceFields | PlaceProblem:
    name = _clean(fields.name)
    building = _clean(fields.building or "") or None
    floor = _clean(fields.floor or "") or None
    if not normalize(name):
        return PlaceProblem.EMPTY
    if (
        len(name) > PLACE_NAME_MAX
        or len(building or "") > BUILDING_NAME_MAX
        or len(floor or "") > FLOOR_MAX
    ):
        return PlaceProblem.TOO_LONG
    return PlaceFields(name, building, floor)


@dataclass(frozen=True, slots=True)
class PlaceResult:
    place: PlaceInfo | None = None
    problem: PlaceProblem | None = None


async def add_place(session: AsyncSession, fields: PlaceFields) -> PlaceResult:
    checked = check_fields(fields)
    if isinstance(checked, PlaceProblem):
        return PlaceResult(problem=checked)
    async with session.begin():
        key = place_key(checked.name, checked.building)
        if await places_repo.key_taken(session, key):
            return PlaceResult(problem=PlaceProblem.DUPLICATE)
        place = Place(
            name=checked.name,
            building=checked.building,
            floor=checked.floor,
            key=key,
            code=new_code(),
        )
        session.add(place)
        await session.flush()
        info = PlaceInfo.of(place)
    log.info("place_added", place_id=info.id)
    return PlaceResult(info)


async def rename_place(session: AsyncSession, place_id: int, fields: PlaceFields) -> PlaceResult:
    checked = check_fields(fields)
    if isinstance(checked, PlaceProblem):
        return PlaceResult(problem=checked)
    async with session.begin():
        place = await places_repo.get(session, place_id)
        if place is None:
            return PlaceResult(problem=PlaceProblem.NOT_FOUND)
        key = place_key(checked.name, checked.building)
        if await places_repo.key_taken(session, key, except_id=place_id):
            return PlaceResult(problem=PlaceProblem.DUPLICATE)
        place.name, place.building, place.floor, place.key = (
            checked.name,
            checked.building,
            checked.floor,
            key,
        )
        info = PlaceInfo.of(place)
    log.info("place_renamed", place_id=place_id)
    return PlaceResult(info)


async def set_hidden(session: AsyncSession, place_id: int, *, hidden: bool) -> PlaceResult:
    """Hidden places are no longer offered; their code, requests and history stay."""
    async with session.begin():
        place = await places_repo.get(session, place_id)
        if place is None:
            return PlaceResult(problem=PlaceProblem.NOT_FOUND)
        place.is_hidden = hidden
        info = PlaceInfo.of(place)
    log.info("place_hidden" if hidden else "place_shown", place_id=place_id)
    return PlaceResult(info)


async def get_place(session: AsyncSession, place_id: int) -> PlaceInfo | None:
    async with session.begin():
        place = await places_repo.get(session, place_id)
        return PlaceInfo.of(place) if place else None


@dataclass(frozen=True, slots=True)
class PlaceCard:
    place: PlaceInfo
    open: int


async def place_card(session: AsyncSession, place_id: int) -> PlaceCard | None:
    """A place with how many of its requests are open (the admin's card)."""
    async with session.begin():
        place = await places_repo.get(session, place_id)
        if place is None:
            return None
        return PlaceCard(PlaceInfo.of(place), await places_repo.open_count(session, place_id))


async def list_places(session: AsyncSession, building: str | None = None) -> list[PlaceInfo]:
    """Every place (hidden ones too) by building; `building` narrows ("" = no building)."""
    async with session.begin():
        return [PlaceInfo.of(p) for p in await places_repo.listing(session, building)]


async def buildings(session: AsyncSession) -> list[str]:
    async with session.begin():
        return await places_repo.buildings(session)


class CodeLookup(StrEnum):
    FOUND = "found"
    HIDDEN = "hidden"
    UNKNOWN = "unknown"


async def resolve_code(session: AsyncSession, code: str) -> tuple[CodeLookup, PlaceInfo | None]:
    """The place behind a deep link: found, hidden (not offered any more) or unknown."""
    if not code.startswith(PLACE_CODE_PREFIX) or len(code) > 64:
        return CodeLookup.UNKNOWN, None
    async with session.begin():
        place = await places_repo.by_code(session, code)
        if place is None:
            return CodeLookup.UNKNOWN, None
        if place.is_hidden:
            return CodeLookup.HIDDEN, None
        return CodeLookup.FOUND, PlaceInfo.of(place)


async def open_requests(session: AsyncSession, place_id: int) -> list[PlaceRequestRow]:
    """The place's open requests, shown before a new one is filed ("me too")."""
    async with session.begin():
        return await places_repo.requests_of_place(
            session, place_id, open_only=True, limit=OPEN_SHOWN
        )


@dataclass(frozen=True, slots=True)
class PlaceHistory:
    place: PlaceInfo
    open: list[PlaceRequestRow]
    recent: list[PlaceRequestRow]


async def place_history(session: AsyncSession, place_id: int) -> PlaceHistory | None:
    """For staff: what is open in this place now, and its latest requests."""
    async with session.begin():
        place = await places_repo.get(session, place_id)
        if place is None:
            return None
        open_rows = await places_repo.requests_of_place(
            session, place_id, open_only=True, limit=HISTORY_SHOWN
        )
        recent = await places_repo.requests_of_place(
            session, place_id, open_only=False, limit=HISTORY_SHOWN
        )
        return PlaceHistory(PlaceInfo.of(place), open_rows, recent)


async def unplaced_locations(session: AsyncSession) -> list[tuple[str, int]]:
    async with session.begin():
        return await places_repo.unplaced_locations(session)


async def attach_location(session: AsyncSession, place_id: int, location: str) -> int | None:
    """Requests filed with this free text now belong to the place; None: no such place."""
    async with session.begin():
        if await places_repo.get(session, place_id) is None:
            return None
        attached = await places_repo.attach_location(session, place_id, location)
    log.info("location_attached", place_id=place_id, requests=attached)
    return attached


# ------------------------------------------------------------------------ me too
class FollowOutcome(StrEnum):
    FOLLOWING = "following"  # now following
    ALREADY = "already"  # pressed twice: counted once
    OWN = "own"  # the author follows their own request anyway
    CLOSED = "closed"  # no longer open
    NOT_FOUND = "not_found"


@dataclass(frozen=True, slots=True)
class FollowResult:
    outcome: FollowOutcome
    request_id: int
    followers: int = 0


async def follow(session: AsyncSession, request_id: int, user_id: int) -> FollowResult:
    """ "Me too": the person follows an open request instead of filing a duplicate."""
    async with session.begin():
        request = await requests_repo.get(session, request_id)
        if request is None:
            return FollowResult(FollowOutcome.NOT_FOUND, request_id)
        if request.author_id == user_id:
            return FollowResult(FollowOutcome.OWN, request_id)
        if request.status not in OPEN_STATUSES:
            return FollowResult(FollowOutcome.CLOSED, request_id)
        added = await places_repo.follow(session, request_id, user_id)
        count = await places_repo.follower_count(session, request_id)
    if added:
        log.info("request_followed", request_id=request_id, followers=count)
    outcome = FollowOutcome.FOLLOWING if added else FollowOutcome.ALREADY
    return FollowResult(outcome, request_id, count)


async def followed(session: AsyncSession, user_id: int) -> list[ListItem]:
    """What this person follows, for "My requests"."""
    async with session.begin():
        return await places_repo.followed_by(session, user_id)


async def unfollow(session: AsyncSession, request_id: int, user_id: int) -> bool:
    async with session.begin():
        removed = await places_repo.unfollow(session, request_id, user_id)
    if removed:
        log.info("request_unfollowed", request_id=request_id)
    return removed


# ------------------------------------------------------------------------ import
class RowVerdict(StrEnum):
    ADDED = "added"
    SKIPPED = "skipped"  # already in the catalogue (or twice in the file)
    REJECTED = "rejected"  # empty or too long


@dataclass(frozen=True, slots=True)
class RowReport:
    line: int
    verdict: RowVerdict
    label: str
    problem: PlaceProblem | None = None


@dataclass(frozen=True, slots=True)
class ImportReport:
    rows: list[RowReport] = field(default_factory=list)

    def count(self, verdict: RowVerdict) -> int:
        return sum(1 for r in self.rows if r.verdict is verdict)


async def import_places(
    session: AsyncSession, rows: Sequence[tuple[int, PlaceFields]]
) -> ImportReport:
    """Adds each row's place in one transaction; a per-row verdict for the admin."""
    report: list[RowReport] = []
    async with session.begin():
        taken = await places_repo.keys(session)
        for line, fields in rows:
            checked = check_fields(fields)
            label = " · ".join(x for x in (fields.building, fields.name) if x)[:80]
            if isinstance(checked, PlaceProblem):
                report.append(RowReport(line, RowVerdict.REJECTED, label, checked))
                continue
            key = place_key(checked.name, checked.building)
            if key in taken:
                report.append(RowReport(line, RowVerdict.SKIPPED, label, PlaceProblem.DUPLICATE))
                continue
            taken.add(key)
            session.add(
                Place(
                    name=checked.name,
                    building=checked.building,
                    floor=checked.floor,
                    key=key,
                    code=new_code(),
                )
            )
            report.append(RowReport(line, RowVerdict.ADDED, label))
    result = ImportReport(report)
    log.info(
        "places_imported",
        added=result.count(RowVerdict.ADDED),
        skipped=result.count(RowVerdict.SKIPPED),
        rejected=result.count(RowVerdict.REJECTED),
    )
    return result
