"""The numbers behind /stats: a handful of aggregate queries, no rows in Python.

On PostgreSQL the percentiles are `percentile_cont` in SQL; on SQLite (the embedded
default) the same linear interpolation runs in Python over the durations of the window,
which stays small (one month of requests). Everything is computed at one `now`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import OPEN_STATUSES, Category, Request, RequestStatus, User

WEEKS = 12
TOP = 10
TOP_EXECUTORS = 15
# Percentiles of time to first response and to done cover this many last days.
TIMES_WINDOW_DAYS = 30
DONE_STATUSES = (RequestStatus.DONE, RequestStatus.CLOSED)


@dataclass(frozen=True, slots=True)
class Percentiles:
    count: int
    median_hours: float | None
    p90_hours: float | None


@dataclass(frozen=True, slots=True)
class CategoryCount:
    name_ru: str
    name_en: str
    count: int

    def name(self, language: str) -> str:
        return self.name_en if language == "en" else self.name_ru


@dataclass(frozen=True, slots=True)
class ExecutorLine:
    name: str
    open: int
    done: int
    overdue: int


@dataclass(frozen=True, slots=True)
class WeekCount:
    start: date  # Monday, local time
    created: int
    done: int


@dataclass(frozen=True, slots=True)
class Stats:
    now: datetime
    by_status: dict[RequestStatus, int]
    created_7: int
    created_30: int
    done_7: int
    done_30: int
    overdue: int
    rating_avg: float | None
    rating_count: int
    first_response: Percentiles
    to_done: Percentiles
    backlog_by_category: list[CategoryCount]
    backlog_by_location: list[tuple[str, int]]
    executors: list[ExecutorLine]
    weeks: list[WeekCount]
    # Planned maintenance (🗓) apart from reported work: created in 30 days, open now.
    planned_30: int = 0
    planned_open: int = 0

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


def percentile(values: Sequence[float], p: float) -> float | None:
    """PostgreSQL's percentile_cont: linear interpolation between the closest ranks."""
    if not values:
        return None
    ordered = sorted(values)
    rank = p * (len(ordered) - 1)
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def week_starts(now: datetime, tz: ZoneInfo, weeks: int = WEEKS) -> list[datetime]:
    """Local midnights of the Mondays of the last `weeks` weeks (this one last), aware."""
    today = now.astimezone(tz).date()
    monday = today - timedelta(days=today.weekday())
    return [
        datetime.combine(monday - timedelta(weeks=weeks - 1 - i), datetime.min.time(), tz)
        for i in range(weeks)
    ]


def count_if(cond: ColumnElement[bool]) -> Any:
    return func.count(Request.id).filter(cond)


def _in(column: Any, start: datetime, end: datetime | None) -> ColumnElement[bool]:
    cond = column >= start
    return and_(cond, column < end) if end is not None else cond


async def collect(session: AsyncSession, *, now: datetime, tz: ZoneInfo) -> Stats:
    """All the numbers, read in one transaction (a consistent snapshot)."""
    async with session.begin():
        return await _collect(session, now, tz)


async def _collect(session: AsyncSession, now: datetime, tz: ZoneInfo) -> Stats:
    is_open = Request.status.in_(OPEN_STATUSES)
    is_overdue = and_(is_open, Request.due_at < now)
    d7, d30 = now - timedelta(days=7), now - timedelta(days=30)

    by_status = dict.fromkeys(RequestStatus, 0)
    for status, count in await session.execute(
        select(Request.status, func.count()).group_by(Request.status)
    ):
        by_status[status] = count

    starts = week_starts(now, tz)
    bounds = [(s, starts[i + 1] if i + 1 < len(starts) else None) for i, s in enumerate(starts)]
    columns = [
        count_if(Request.created_at >= d7),
        count_if(Request.created_at >= d30),
        count_if(Request.done_at >= d7),
        count_if(Request.done_at >= d30),
        count_if(is_overdue),
        func.avg(Request.rating),
        func.count(Request.rating),
        *(count_if(_in(Request.created_at, s, e)) for s, e in bounds),
        *(count_if(_in(Request.done_at, s, e)) for s, e in bounds),
        count_if(and_(Request.planned_job_id.is_not(None), Request.created_at >= d30)),
        count_if(and_(Request.planned_job_id.is_not(None), is_open)),
    ]
    row = (await session.execute(select(*columns))).one()
    created_7, created_30, done_7, done_30, overdue, rating_avg, rating_count = row[:7]
    weekly = row[7 : 7 + 2 * WEEKS]
    planned_30, planned_open = row[7 + 2 * WEEKS :]
    weeks = [
        WeekCount(start=s.date(), created=weekly[i], done=weekly[WEEKS + i])
        for i, s in enumerate(starts)
    ]

    first_response, to_done = await _times(session, now - timedelta(days=TIMES_WINDOW_DAYS))

    category_rows = await session.execute(
        select(Category.name_ru, Category.name_en, func.count(Request.id).label("n"))
        .join(Request, Request.category_id == Category.id)
        .where(is_open)
        .group_by(Category.id, Category.name_ru, Category.name_en)
        .order_by(func.count(Request.id).desc(), Category.name_ru)
        .limit(TOP)
    )
    location_rows = await session.execute(
        select(Request.location, func.count(Request.id))
        .where(is_open)
        .group_by(Request.location)
        .order_by(func.count(Request.id).desc(), Request.location)
        .limit(TOP)
    )
    open_n = count_if(is_open)
    executor_rows = await session.execute(
        select(
            User.full_name,
            open_n,
            count_if(Request.status.in_(DONE_STATUSES)),
            count_if(is_overdue),
        )
        .join(Request, Request.assignee_id == User.id)
        .group_by(User.id, User.full_name)
        .order_by(open_n.desc(), User.full_name)
        .limit(TOP_EXECUTORS)
    )
    return Stats(
        now=now,
        by_status=by_status,
        created_7=created_7,
        created_30=created_30,
        done_7=done_7,
        done_30=done_30,
        overdue=overdue,
        rating_avg=float(rating_avg) if rating_avg is not None else None,
        rating_count=rating_count,
        first_response=first_response,
        to_done=to_done,
        backlog_by_category=[CategoryCount(ru, en, n) for ru, en, n in category_rows],
        backlog_by_location=[(loc, n) for loc, n in location_rows],
        executors=[ExecutorLine(name, o, d, od) for name, o, d, od in executor_rows],
        weeks=weeks,
        planned_30=planned_30,
        planned_open=planned_open,
    )


async def _times(session: AsyncSession, since: datetime) -> tuple[Percentiles, Percentiles]:
    """Hours from creation to the first response and to done, for events since `since`."""
    responded = Request.first_response_at >= since
    finished = Request.done_at >= since
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        response_s = case(
            (responded, func.extract("epoch", Request.first_response_at - Request.created_at))
        )
        done_s = case((finished, func.extract("epoch", Request.done_at - Request.created_at)))
        row = (
            await session.execute(
                select(
                    func.count(response_s),
                    func.percentile_cont(0.5).within_group(response_s),
                    func.percentile_cont(0.9).within_group(response_s),
                    func.count(done_s),
                    func.percentile_cont(0.5).within_group(done_s),
                    func.percentile_cont(0.9).within_group(done_s),
                ).where(responded | finished)
            )
        ).one()
        return (
            Percentiles(row[0], _hours(row[1]), _hours(row[2])),
            Percentiles(row[3], _hours(row[4]), _hours(row[5])),
        )
    rows = (
        await session.execute(
            select(Request.created_at, Request.first_response_at, Request.done_at).where(
                responded | finished
            )
        )
    ).all()
    response = [(r - c).total_seconds() for c, r, _ in rows if r is not None and r >= since]
    done = [(d - c).total_seconds() for c, _, d in rows if d is not None and d >= since]
    return (
        Percentiles(
            len(response), _hours(percentile(response, 0.5)), _hours(percentile(response, 0.9))
        ),
        Percentiles(len(done), _hours(percentile(done, 0.5)), _hours(percentile(done, 0.9))),
    )


def _hours(seconds: Any) -> float | None:
    return None if seconds is None else float(seconds) / 3600
