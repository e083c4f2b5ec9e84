"""Claims of scheduled work. Takes a session, never commits.

Every claim is decided by the database, so two bot processes ticking at once never both
win: a job run is a row in `job_runs` (its primary key refuses a second one), and a
deadline reminder is a compare-and-set on the request's `overdue_*_at` column. The caller
writes the outbox rows in the same transaction as the claim, so a crash never sends twice
nor loses a message.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from database.conditions import overdue
from models import JobRun, Request, RequestStatus, User


async def claim_run(session: AsyncSession, job: str, key: str, now: datetime) -> bool:
    """True when this transaction is the first to run (job, key)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = (
        insert(JobRun)
        .values(job=job, key=key, ran_at=now)
        .on_conflict_do_nothing(index_elements=[JobRun.job, JobRun.key])
        .returning(JobRun.job)
    )
    return (await session.scalar(stmt)) is not None


async def claim_overdue(session: AsyncSession, now: datetime, limit: int) -> Sequence[int]:
    """Open requests past their deadline not yet reminded: mark them reminded, return ids."""
    return await _claim(
        session,
        Request.overdue_reminded_at,
        [overdue(now), Request.overdue_reminded_at.is_(None)],
        now,
        limit,
    )


async def claim_escalations(
    session: AsyncSession, now: datetime, reminded_before: datetime, limit: int
) -> Sequence[int]:
    """Still-overdue requests reminded before `reminded_before` and not yet escalated."""
    return await _claim(
        session,
        Request.overdue_escalated_at,
        [
            overdue(now),
            Request.overdue_reminded_at <= reminded_before,
            Request.overdue_escalated_at.is_(None),
        ],
        now,
        limit,
    )


async def _claim(
    session: AsyncSession,
    mark: InstrumentedAttribute[datetime | None],
    conditions: Sequence[ColumnElement[bool]],
    now: datetime,
    limit: int,
) -> Sequence[int]:
    """Lock up to `limit` matching requests (earliest deadline first), set `mark` on those
    where it is still empty (compare-and-set), and return their ids."""
    candidates = (
        select(Request.id)
        .where(*conditions)
        .order_by(Request.due_at, Request.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    ids = (await session.scalars(candidates)).all()
    if not ids:
        return []
    claimed = await session.scalars(
        update(Request)
        .where(Request.id.in_(ids), mark.is_(None))
        .values({mark: now})
        .returning(Request.id)
        .execution_options(synchronize_session=False)
    )
    return sorted(claimed.all())


async def done_before(
    session: AsyncSession, cutoff: datetime, limit: int
) -> Sequence[tuple[int, str | None]]:
    """Done requests whose author has not answered since `cutoff`: (id, author's language)."""
    rows = await session.execute(
        select(Request.id, User.language)
        .join(User, User.id == Request.author_id)
        .where(Request.status == RequestStatus.DONE, Request.done_at <= cutoff)
        .order_by(Request.done_at, Request.id)
        .limit(limit)
    )
    return [(request_id, language) for request_id, language in rows.all()]
