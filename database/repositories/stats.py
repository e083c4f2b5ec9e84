"""The aggregate queries behind /stats and the metrics gauges. Takes a session, never commits.

On PostgreSQL the percentiles are `percentile_cont` in SQL; on SQLite (the embedded
default) the same linear interpolation runs in Python over the durations of the window,
which stays small (one month of requests). Everything is computed at one `now`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from database.conditions import is_open, overdue
from models import Category, OutboxMessage, OutboxStatus, Place, Request, RequestStatus, User
from models.reports import (
    FEEDBACK_CHARS,
    FEEDBACK_SHOWN,
    WEEKS,
    CategoryCount,
    ExecutorLine,
    Feedback,
    Percentiles,
    Stats,
    WeekCount,
    percentile,
    week_starts,
)

TOP = 10
TOP_EXECUTORS = 15
# Percentiles of time to first response and to done cover this many last days.
TIMES_WINDOW_DAYS = 30
DONE_STATUSES = (RequestStatus.DONE, RequestStatus.CLOSED)


def _count_if(cond: ColumnElement[bool]) -> Any:
    return func.count(Request.id).filter(cond)


def _in(column: Any, start: datetime, end: datetime | None) -> ColumnElement[bool]:
    cond = column >= start
    return and_(cond, column < end) if end is not None else cond


async def requests_by_status(session: AsyncSession) -> dict[RequestStatus, int]:
    """How many requests are in each status (every status present, zeros included)."""
    by_status = dict.fromkeys(RequestStatus, 0)
    for status, count in await session.execute(
        select(Request.status, func.count()).group_by(Request.status)
    ):
        by_status[status] = count
    return by_status


async def overdue_count(session: AsyncSession, now: datetime) -> int:
    """Open requests past their deadline now (`database.conditions.overdue`)."""
    count = await session.scalar(select(func.count()).select_from(Request).where(overdue(now)))
    return int(count or 0)


async def snapshot(session: AsyncSession, *, now: datetime, tz: ZoneInfo) -> Stats:
    """All the numbers of /stats; the caller's transaction makes them one snapshot."""
    is_overdue = overdue(now)
    d7, d30 = now - timedelta(days=7), now - timedelta(days=30)

    starts = week_starts(now, tz)
    bounds = [(s, starts[i + 1] if i + 1 < len(starts) else None) for i, s in enumerate(starts)]
    columns = [
        _count_if(Request.created_at >= d7),
        _count_if(Request.created_at >= d30),
        _count_if(Request.done_at >= d7),
        _count_if(Request.done_at >= d30),
        _count_if(is_overdue),
        func.avg(Request.rating),
        func.count(Request.rating),
        *(_count_if(_in(Request.created_at, s, e)) for s, e in bounds),
        *(_count_if(_in(Request.done_at, s, e)) for s, e in bounds),
        _count_if(and_(Request.planned_job_id.is_not(None), Request.created_at >= d30)),
        _count_if(and_(Request.planned_job_id.is_not(None), is_open())),
        # Per status in the same scan: the counts agree with the rest of the row.
        *(_count_if(Request.status == status) for status in RequestStatus),
    ]
    row = (await session.execute(select(*columns))).one()
    created_7, created_30, done_7, done_30, overdue_n, rating_avg, rating_count = row[:7]
    weekly = row[7 : 7 + 2 * WEEKS]
    planned_30, planned_open = row[7 + 2 * WEEKS : 9 + 2 * WEEKS]
    by_status = dict(zip(RequestStatus, row[9 + 2 * WEEKS :], strict=True))
    weeks = [
        WeekCount(start=s.date(), created=weekly[i], done=weekly[WEEKS + i])
        for i, s in enumerate(starts)
    ]

    first_response, to_done = await _times(session, now - timedelta(days=TIMES_WINDOW_DAYS))

    category_rows = await session.execute(
        select(Category.name_ru, Category.name_en, func.count(Request.id).label("n"))
        .join(Request, Request.category_id == Category.id)
        .where(is_open())
        .group_by(Category.id, Category.name_ru, Category.name_en)
        .order_by(func.count(Request.id).desc(), Category.name_ru)
        .limit(TOP)
    )
    # Open requests by place and by building, from one grouping (the open ones are few).
    place_rows = await session.execute(
        select(Place.building, Request.location, func.count(Request.id))
        .outerjoin(Place, Place.id == Request.place_id)
        .where(is_open())
        .group_by(Place.building, Request.location)
    )
    by_location: Counter[str] = Counter()
    by_building: Counter[str] = Counter()
    for building, location, count in place_rows:
        by_location[location] += count
        if building:
            by_building[building] += count
    location_rows = sorted(by_location.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP]
    building_rows = sorted(by_building.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP]
    open_n = _count_if(is_open())
    executor_rows = await session.execute(
        select(
            User.full_name,
            open_n,
            _count_if(Request.status.in_(DONE_STATUSES)),
            _count_if(is_overdue),
        )
        .join(Request, Request.assignee_id == User.id)
        .group_by(User.id, User.full_name)
        .order_by(open_n.desc(), User.full_name)
        .limit(TOP_EXECUTORS)
    )
    # One character more than shown: the renderer then knows to end the cut with "…".
    feedback_rows = await session.execute(
        select(
            Request.id, Request.rating, func.substr(Request.rating_comment, 1, FEEDBACK_CHARS + 1)
        )
        .where(Request.rating_comment.is_not(None), Request.rating.is_not(None))
        .order_by(Request.closed_at.desc(), Request.id.desc())
        .limit(FEEDBACK_SHOWN)
    )
    return Stats(
        now=now,
        by_status=by_status,
        created_7=created_7,
        created_30=created_30,
        done_7=done_7,
        done_30=done_30,
        overdue=overdue_n,
        rating_avg=float(rating_avg) if rating_avg is not None else None,
        rating_count=rating_count,
        first_response=first_response,
        to_done=to_done,
        backlog_by_category=[CategoryCount(ru, en, n) for ru, en, n in category_rows],
        backlog_by_location=location_rows,
        backlog_by_building=building_rows,
        executors=[ExecutorLine(name, o, d, od) for name, o, d, od in executor_rows],
        weeks=weeks,
        planned_30=planned_30,
        planned_open=planned_open,
        feedback=[Feedback(n, stars, text) for n, stars, text in feedback_rows],
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


async def outbox_by_status(
    session: AsyncSession, statuses: Sequence[OutboxStatus]
) -> dict[OutboxStatus, int]:
    """How many outbox rows are in each of `statuses` (zeros included)."""
    found = dict.fromkeys(statuses, 0)
    rows = await session.execute(
        select(OutboxMessage.status, func.count())
        .where(OutboxMessage.status.in_(list(statuses)))
        .group_by(OutboxMessage.status)
    )
    for status, count in rows:
        found[status] = count
    return found
