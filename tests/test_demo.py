"""`make demo`: a realistic school through the real services, on PostgreSQL."""

from __future__ import annotations

import asyncio
import itertools
import sys
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services import onboarding, stats, triage
from bot.services.demo import DemoOutcome, fill_demo_school
from bot.services.notifications import Notifier
from models import (
    FINAL_STATUSES,
    Comment,
    OutboxMessage,
    Request,
    RequestStatus,
    Role,
    StatusChange,
    User,
    utcnow,
)
from models.queues import Queue
from models.workflow import TRANSITIONS
from tests.conftest import make_settings
from tests.process import bot_env
from tests.staff import add_person, add_request
from tests.updates import Person
from utils.i18n import Catalogue


async def seeded(db: async_sessionmaker[AsyncSession], catalogue: Catalogue) -> None:
    result = await fill_demo_school(db, Notifier(catalogue, make_settings("").tz))
    assert result.outcome is DemoOutcome.DONE


async def test_the_demo_school_has_every_status_over_the_last_month(
    db: async_sessionmaker[AsyncSession], catalogue: Catalogue
) -> None:
    started = utcnow()
    result = await fill_demo_school(db, Notifier(catalogue, make_settings("").tz))

    assert result.outcome is DemoOutcome.DONE and result.requests == 50
    assert set(result.by_status) == set(RequestStatus)  # every status
    assert result.comments > 0 and result.ratings > 0
    async with db() as session:
        requests = (await session.scalars(select(Request))).all()
        roles = (await session.execute(select(User.role, func.count()).group_by(User.role))).all()
        comments = await session.scalar(select(func.count()).select_from(Comment))
        left_in_outbox = await session.scalar(select(func.count()).select_from(OutboxMessage))
    assert all(started - timedelta(days=31) < r.created_at < started for r in requests)
    assert len({r.location for r in requests}) > 5  # rooms, as the place text
    assert dict(roles)[Role.EXECUTOR] == 3
    assert comments == result.comments
    assert left_in_outbox == 0  # nobody is messaged about demo requests
    rated = [r for r in requests if r.rating is not None]
    assert rated and all(r.status is RequestStatus.CLOSED for r in rated)


async def test_the_history_is_what_the_state_machine_allows(
    db: async_sessionmaker[AsyncSession], catalogue: Catalogue
) -> None:
    await seeded(db, catalogue)
    allowed = {(f, t) for moves in TRANSITIONS.values() for f, t in moves.items()}
    async with db() as session:
        requests = {r.id: r for r in (await session.scalars(select(Request))).all()}
        rows = (
            await session.scalars(
                select(StatusChange).order_by(StatusChange.request_id, StatusChange.at)
            )
        ).all()
    history: dict[int, list[StatusChange]] = {}
    for row in rows:
        history.setdefault(row.request_id, []).append(row)
    for request_id, request in requests.items():
        steps = history[request_id]
        assert steps[0].from_status is None and steps[0].to_status is RequestStatus.NEW
        for before, after in itertools.pairwise(steps):
            assert after.from_status is before.to_status, (request_id, steps)
            assert (after.from_status, after.to_status) in allowed
            assert after.at > before.at
        assert steps[-1].to_status is request.status
        if request.status in FINAL_STATUSES:
            assert request.closed_at is not None


async def test_no_demo_person_counts_as_an_admin(
    db: async_sessionmaker[AsyncSession], catalogue: Catalogue
) -> None:
    await seeded(db, catalogue)
    async with db() as session:
        assert await onboarding.needs_setup(session, frozenset())  # the link still appears


async def test_admin_queues_and_stats_show_the_demo(
    db: async_sessionmaker[AsyncSession], catalogue: Catalogue
) -> None:
    await seeded(db, catalogue)
    async with db() as session:
        counts = await triage.panel_counts(session)
        school = await stats.collect(session, now=utcnow(), tz=make_settings("").tz)
    assert counts[Queue.NEW] == 8
    assert school.total == 50 and school.created_30 == 50
    assert school.rating_count > 0 and school.rating_avg is not None
    assert len(school.executors) == 3
    assert school.backlog_by_category and school.backlog_by_location
    assert school.first_response.median_hours is not None


async def test_a_second_run_refuses_and_changes_nothing(
    db: async_sessionmaker[AsyncSession], catalogue: Catalogue
) -> None:
    await seeded(db, catalogue)
    result = await fill_demo_school(db, Notifier(catalogue, make_settings("").tz))
    assert result.outcome is DemoOutcome.REFUSED
    async with db() as session:
        assert await session.scalar(select(func.count()).select_from(Request)) == 50
        assert await session.scalar(select(func.count()).select_from(User)) == 12


async def test_the_command_refuses_a_database_with_requests(
    db: async_sessionmaker[AsyncSession], database_url: str, tmp_path: Path
) -> None:
    someone = await add_person(db, Person(id=700_001, first_name="Real"))
    await add_request(db, someone)
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "demo",
        env=bot_env(BOT_TOKEN="123:demo", DATABASE_URL=database_url),
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(proc.communicate(), 120)
    assert proc.returncode == 1, out.decode()
    assert "already holds requests" in out.decode()
    async with db() as session:
        assert await session.scalar(select(func.count()).select_from(Request)) == 1
