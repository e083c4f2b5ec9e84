"""Queries on planned jobs and checklist items. Takes a session, never commits.

Claims are decided by the database: an occurrence is claimed by a compare-and-set on the
job's `next_run_at`, a tick by a compare-and-set on the item's `state`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    ChecklistItem,
    ItemState,
    PlannedJob,
    PlannedStatus,
    Request,
    RequestStatus,
    Role,
    User,
)

LIVE = (PlannedStatus.ACTIVE, PlannedStatus.PAUSED)


# ------------------------------------------------------------------------------ jobs
async def add_job(session: AsyncSession, job: PlannedJob) -> int:
    session.add(job)
    await session.flush()
    return job.id


async def get_job(session: AsyncSession, job_id: int) -> PlannedJob | None:
    return await session.scalar(
        select(PlannedJob)
        .where(PlannedJob.id == job_id, PlannedJob.status.in_(LIVE))
        .execution_options(populate_existing=True)
    )


async def jobs_page(
    session: AsyncSession, *, after_id: int, limit: int
) -> list[tuple[PlannedJob, str | None]]:
    """Live jobs by id (keyset), with the assignee's name."""
    rows = await session.execute(
        select(PlannedJob, User.full_name)
        .outerjoin(User, User.id == PlannedJob.assignee_id)
        .where(PlannedJob.status.in_(LIVE), PlannedJob.id > after_id)
        .order_by(PlannedJob.id)
        .limit(limit)
    )
    return [(job, name) for job, name in rows.all()]


async def set_status(
    session: AsyncSession,
    job_id: int,
    *,
    expected: Sequence[PlannedStatus],
    values: dict[str, Any],
) -> bool:
    result = await session.execute(
        update(PlannedJob)
        .where(PlannedJob.id == job_id, PlannedJob.status.in_(expected))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def due_jobs(session: AsyncSession, now: datetime, limit: int) -> Sequence[PlannedJob]:
    """Active jobs whose next occurrence has come; rows another scheduler holds are skipped."""
    result = await session.scalars(
        select(PlannedJob)
        .where(PlannedJob.status == PlannedStatus.ACTIVE, PlannedJob.next_run_at <= now)
        .order_by(PlannedJob.next_run_at, PlannedJob.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .execution_options(populate_existing=True)
    )
    return result.all()


async def claim_occurrence(
    session: AsyncSession,
    job_id: int,
    *,
    expected_next: datetime,
    next_run_at: datetime | None,
    ran_at: datetime,
) -> bool:
    """Move the job past its due occurrence; True for the one scheduler that did it."""
    result = await session.execute(
        update(PlannedJob)
        .where(
            PlannedJob.id == job_id,
            PlannedJob.status == PlannedStatus.ACTIVE,
            PlannedJob.next_run_at == expected_next,
        )
        .values(next_run_at=next_run_at, last_run_at=ran_at, updated_at=ran_at)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def assignable(session: AsyncSession, limit: int) -> Sequence[User]:
    """Who a job may be given to: executors and admins, not blocked."""
    result = await session.scalars(
        select(User)
        .where(User.role.in_([Role.EXECUTOR, Role.ADMIN]), User.is_blocked.is_(False))
        .order_by(User.role.desc(), User.full_name, User.id)
        .limit(limit)
    )
    return result.all()


async def created_between(
    session: AsyncSession, since: datetime, until: datetime
) -> list[tuple[int, str, str, RequestStatus]]:
    """Planned requests created in [since, until): (id, title, place, status)."""
    rows = await session.execute(
        select(Request.id, Request.description, Request.location, Request.status)
        .where(
            Request.planned_job_id.is_not(None),
            Request.created_at >= since,
            Request.created_at < until,
        )
        .order_by(Request.created_at, Request.id)
    )
    return [(i, d, loc, s) for i, d, loc, s in rows.all()]


async def due_between(
    session: AsyncSession, since: datetime, until: datetime
) -> list[tuple[str, datetime]]:
    """Active jobs whose next occurrence falls in [since, until): (title, when)."""
    rows = await session.execute(
        select(PlannedJob.title, PlannedJob.next_run_at)
        .where(
            PlannedJob.status == PlannedStatus.ACTIVE,
            PlannedJob.next_run_at >= since,
            PlannedJob.next_run_at < until,
        )
        .order_by(PlannedJob.next_run_at, PlannedJob.id)
    )
    return [(title, at) for title, at in rows.all() if at is not None]


# ------------------------------------------------------------------------ checklist
async def add_items(session: AsyncSession, request_id: int, texts: Sequence[str]) -> None:
    session.add_all(
        ChecklistItem(request_id=request_id, position=i, text=text, state=ItemState.OPEN)
        for i, text in enumerate(texts)
    )


async def items(session: AsyncSession, request_id: int) -> Sequence[ChecklistItem]:
    result = await session.scalars(
        select(ChecklistItem)
        .where(ChecklistItem.request_id == request_id)
        .order_by(ChecklistItem.position)
        .execution_options(populate_existing=True)
    )
    return result.all()


async def item(
    session: AsyncSession, item_id: int, *, for_update: bool = False
) -> ChecklistItem | None:
    stmt = select(ChecklistItem).where(ChecklistItem.id == item_id)
    if for_update:
        stmt = stmt.with_for_update()
    return await session.scalar(stmt.execution_options(populate_existing=True))


async def count_open(session: AsyncSession, request_id: int) -> int:
    count = await session.scalar(
        select(func.count(ChecklistItem.id)).where(
            ChecklistItem.request_id == request_id, ChecklistItem.state == ItemState.OPEN
        )
    )
    return int(count or 0)


async def set_item_state(
    session: AsyncSession,
    item_id: int,
    *,
    expected: ItemState,
    state: ItemState,
    note: str | None,
    user_id: int,
    now: datetime,
) -> bool:
    """Compare-and-set on one item: only if it is still in the state the user saw."""
    result = await session.execute(
        update(ChecklistItem)
        .where(ChecklistItem.id == item_id, ChecklistItem.state == expected)
        .values(
            state=state,
            note=note,
            checked_by_id=None if state is ItemState.OPEN else user_id,
            checked_at=None if state is ItemState.OPEN else now,
        )
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def link_followup(session: AsyncSession, item_id: int, request_id: int) -> None:
    """The repair request filed for a failed item (the caller holds the item's row lock)."""
    await session.execute(
        update(ChecklistItem)
        .where(ChecklistItem.id == item_id)
        .values(followup_request_id=request_id)
        .execution_options(synchronize_session=False)
    )
