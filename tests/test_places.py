"""The places catalogue on PostgreSQL: codes, hiding, import, attaching text, "me too"."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services import places as places_service
from bot.services.place_directory import PlaceDirectory
from bot.services.places import (
    CodeLookup,
    FollowOutcome,
    PlaceFields,
    PlaceProblem,
    RowVerdict,
    parse_place,
)
from models import Request, RequestFollower, RequestStatus, Role
from tests.conftest import OTHER_TEACHER, TEACHER
from tests.staff import add_person, add_request

Pool = async_sessionmaker[AsyncSession]


def test_admin_input_is_building_name_floor() -> None:
    assert parse_place(" каб.  214 ") == PlaceFields("каб. 214")
    assert parse_place("Корпус А / каб. 214") == PlaceFields("каб. 214", "Корпус А")
    assert parse_place("Корпус А / каб. 214 / 2") == PlaceFields("каб. 214", "Корпус А", "2")
    assert parse_place(" / ... ") is PlaceProblem.EMPTY
    assert parse_place("x" * 101) is PlaceProblem.TOO_LONG


async def test_each_place_gets_its_own_unguessable_link_code(db: Pool) -> None:
    codes = set()
    for name in ("каб. 214", "каб. 215", "Актовый зал"):
        async with db() as session:
            result = await places_service.add_place(session, PlaceFields(name, "Корпус А"))
        assert result.place is not None
        codes.add(result.place.code)
    assert len(codes) == 3
    assert all(re.fullmatch(r"p-[A-Za-z0-9_-]{12}", code) for code in codes)
    async with db() as session:
        again = await places_service.add_place(session, PlaceFields("КАБ 214", "корпус а"))
    assert again.problem is PlaceProblem.DUPLICATE


async def test_a_hidden_place_keeps_its_requests_but_its_link_says_so(db: Pool) -> None:
    author = await add_person(db, TEACHER)
    async with db() as session:
        place = (await places_service.add_place(session, PlaceFields("Спортзал"))).place
    assert place is not None
    request_id = await add_request(db, author, location="Спортзал")
    async with db() as session:
        assert await places_service.attach_location(session, place.id, "спортзал") == 1
    async with db() as session:
        assert await places_service.resolve_code(session, place.code) == (CodeLookup.FOUND, place)
        await places_service.set_hidden(session, place.id, hidden=True)
        assert await places_service.resolve_code(session, place.code) == (
            CodeLookup.HIDDEN,
            None,
        )
        assert await places_service.resolve_code(session, "p-guessed00000") == (
            CodeLookup.UNKNOWN,
            None,
        )
        history = await places_service.place_history(session, place.id)
    assert history is not None
    assert [r.id for r in history.recent] == [request_id]
    directory = PlaceDirectory()
    await directory.load(db)
    assert directory.suggest("спортзал") == []  # hidden: no longer offered
    async with db() as session:
        stored = await session.get(Request, request_id)
        assert stored is not None and stored.location == "Спортзал"


async def test_import_reports_each_row(db: Pool) -> None:
    async with db() as session:
        await places_service.add_place(session, PlaceFields("каб. 214", "А"))
    rows = [
        (2, PlaceFields("каб. 214", "А")),  # already there
        (3, PlaceFields("каб. 215", "А")),
        (4, PlaceFields("", "А")),  # no name
        (5, PlaceFields("каб 215", "а")),  # the same room twice in the file
        (6, PlaceFields("Столовая")),
    ]
    async with db() as session:
        report = await places_service.import_places(session, rows)
    assert [(r.line, r.verdict) for r in report.rows] == [
        (2, RowVerdict.SKIPPED),
        (3, RowVerdict.ADDED),
        (4, RowVerdict.REJECTED),
        (5, RowVerdict.SKIPPED),
        (6, RowVerdict.ADDED),
    ]
    async with db() as session:
        names = [p.name for p in await places_service.list_places(session)]
    assert sorted(names) == ["Столовая", "каб. 214", "каб. 215"]


async def test_me_too_twice_counts_once_and_only_on_open_requests(db: Pool) -> None:
    author = await add_person(db, TEACHER)
    other = await add_person(db, OTHER_TEACHER, Role.USER)
    open_id = await add_request(db, author)
    done_id = await add_request(db, author, status=RequestStatus.DONE)
    async with db() as session:
        first = await places_service.follow(session, open_id, other.id)
        second = await places_service.follow(session, open_id, other.id)
        own = await places_service.follow(session, open_id, author.id)
        closed = await places_service.follow(session, done_id, other.id)
        missing = await places_service.follow(session, 10_000, other.id)
    assert (first.outcome, first.followers) == (FollowOutcome.FOLLOWING, 1)
    assert (second.outcome, second.followers) == (FollowOutcome.ALREADY, 1)
    assert own.outcome is FollowOutcome.OWN
    assert closed.outcome is FollowOutcome.CLOSED
    assert missing.outcome is FollowOutcome.NOT_FOUND
    async with db() as session:
        rows = (await session.scalars(select(RequestFollower))).all()
        assert [(r.request_id, r.user_id) for r in rows] == [(open_id, other.id)]
    async with db() as session:
        assert await places_service.unfollow(session, open_id, other.id) is True
        assert await places_service.unfollow(session, open_id, other.id) is False
