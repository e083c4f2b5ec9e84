"""The embedded default (SQLite) runs the same reports and scheduled jobs: the portable
paths (percentiles in Python, RETURNING, ON CONFLICT) give the same answers."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import time, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.scheduler import Scheduler
from bot.services.export import build_export
from bot.services.stats import collect
from database import migrate
from database.engine import create_engine, create_session_pool
from models import OutboxMessage, RequestStatus
from models.reports import ExportPeriod
from tests.conftest import make_settings
from tests.reports_data import add_request, seed_people, seed_random_requests
from tests.test_reports_stats import CATEGORY_RU, NOW, TZ, assert_matches, expected_stats
from utils.i18n import Catalogue


@pytest.fixture
async def sqlite_db(tmp_path: Path) -> AsyncIterator[tuple[str, async_sessionmaker[AsyncSession]]]:
    url = f"sqlite+aiosqlite:///{tmp_path}/reports.sqlite3"
    await migrate.upgrade_async(url)
    engine = create_engine(url)
    yield url, create_session_pool(engine)
    await engine.dispose()


async def test_stats_export_and_jobs_on_sqlite(
    sqlite_db: tuple[str, async_sessionmaker[AsyncSession]], catalogue: Catalogue
) -> None:
    url, db = sqlite_db
    people = await seed_people(db)
    rows = await seed_random_requests(db, people, NOW, n=80, seed=3)
    exp = expected_stats(rows, CATEGORY_RU, NOW)
    names = {u.id: u.full_name for u in (people.admin, people.executor, *people.extra_executors)}
    async with db() as session:
        stats = await collect(session, now=NOW, tz=TZ)
    assert_matches(stats, exp, names)

    async with db() as session:
        file = await build_export(
            session,
            catalogue.translator("en"),
            period=ExportPeriod.ALL_TIME,
            status=RequestStatus.CLOSED,
            now=NOW,
            tz=TZ,
        )
    ws = load_workbook(io.BytesIO(file.data))["Requests"]
    closed = sum(r["status"] is RequestStatus.CLOSED for r in rows)
    assert file.rows == closed and ws.max_row == closed + 1
    assert {r[8] for r in ws.iter_rows(min_row=2, values_only=True)} == {"Closed"}

    overdue = await add_request(
        db, author_id=people.teacher.id, created_at=NOW - timedelta(hours=73)
    )
    settings = make_settings(url, digest_time=time(8, 0))
    scheduler = Scheduler(db, catalogue, settings)
    first = await scheduler.tick(NOW + timedelta(minutes=1))
    assert first.digest and first.reminded == exp["overdue"] + 1
    assert first.auto_closed == sum(
        r["status"] is RequestStatus.DONE and r["done_at"] <= NOW - timedelta(days=7) for r in rows
    )
    second = await scheduler.tick(NOW + timedelta(minutes=2))
    assert not second.enqueued
    async with db() as session:
        reminders = await session.scalar(
            select(func.count(OutboxMessage.id)).where(OutboxMessage.request_id == overdue.id)
        )
    assert reminders == 1  # unassigned: the one admin
