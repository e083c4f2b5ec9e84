"""Planned maintenance: the admins' recurring jobs, and the digest's "planned today".

One user action = one function = one transaction. The occurrences are created by
bot/services/planned_runner.py, the checklists worked in bot/services/checklist.py.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

import structlog
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from database.repositories import categories as categories_repo
from database.repositories import planned as planned_repo
from database.repositories import users as users_repo
from models import (
    Category,
    PlannedJob,
    PlannedStatus,
    Priority,
    RequestStatus,
    User,
    utcnow,
)
from models.planned import may_manage_jobs
from models.schedule import Schedule
from models.workflow import STAFF_ROLES
from utils.i18n import Translator

log = structlog.get_logger(__name__)

PAGE_SIZE = 10
ASSIGNEES_MAX = 30


# ----------------------------------------------------------------------- the jobs
@dataclass(frozen=True, slots=True)
class JobDraft:
    """A completed wizard."""

    title: str
    category_id: int
    places: Sequence[str]
    checklist: Sequence[str]
    assignee_id: int | None  # None: the admins' queue
    priority: Priority
    schedule: Schedule


class JobOutcome(StrEnum):
    DONE = "done"
    NOT_FOUND = "not_found"  # no such live job
    FORBIDDEN = "forbidden"
    UNCHANGED = "unchanged"  # already paused / already active
    BAD_CATEGORY = "bad_category"
    BAD_ASSIGNEE = "bad_assignee"
    NO_OCCURRENCE = "no_occurrence"  # the schedule never happens again


@dataclass(frozen=True, slots=True)
class JobLine:
    id: int
    title: str
    status: PlannedStatus
    next_run_at: datetime | None
    assignee: str | None
    places: list[str]
    items: int


@dataclass(frozen=True, slots=True)
class JobResult:
    outcome: JobOutcome
    job: JobLine | None = None

    @property
    def ok(self) -> bool:
        return self.outcome is JobOutcome.DONE


@dataclass(frozen=True, slots=True)
class JobsPage:
    items: list[JobLine]
    has_more: bool


def _line(job: PlannedJob, assignee: str | None) -> JobLine:
    return JobLine(
        id=job.id,
        title=job.title,
        status=job.status,
        next_run_at=job.next_run_at,
        assignee=assignee,
        places=list(job.places),
        items=len(job.checklist),
    )


def load_schedule(raw: Mapping[str, Any]) -> Schedule | None:
    try:
        return Schedule.model_validate(raw)
    except ValidationError:
        return None


async def wizard_choices(session: AsyncSession) -> tuple[list[Category], list[User]]:
    """What the wizard offers: the visible categories and who may be assigned."""
    async with session.begin():
        categories = list(await categories_repo.visible(session))
        people = list(await planned_repo.assignable(session, ASSIGNEES_MAX))
    return categories, people


async def create_job(
    session: AsyncSession, *, user: User, draft: JobDraft, tz: ZoneInfo, now: datetime | None = None
) -> JobResult:
    now = now or utcnow()
    if not may_manage_jobs(user.role):
        return JobResult(JobOutcome.FORBIDDEN)
    next_run = draft.schedule.next_occurrence(now, tz)
    if next_run is None:
        return JobResult(JobOutcome.NO_OCCURRENCE)
    async with session.begin():
        if await categories_repo.visible_one(session, draft.category_id) is None:
            return JobResult(JobOutcome.BAD_CATEGORY)
        assignee = None
        if draft.assignee_id is not None:
            assignee = await users_repo.by_id(session, draft.assignee_id)
            if not may_be_assigned(assignee):
                return JobResult(JobOutcome.BAD_ASSIGNEE)
        job = PlannedJob(
            title=draft.title,
            category_id=draft.category_id,
            places=list(draft.places),
            checklist=list(draft.checklist),
            assignee_id=draft.assignee_id,
            priority=draft.priority,
            schedule=draft.schedule.model_dump(mode="json"),
            status=PlannedStatus.ACTIVE,
            next_run_at=next_run,
            created_by_id=user.id,
            created_at=now,
            updated_at=now,
        )
        await planned_repo.add_job(session, job)
        line = _line(job, assignee.full_name if assignee else None)
    log.info("planned_job_created", job_id=line.id, places=len(line.places), items=line.items)
    return JobResult(JobOutcome.DONE, line)


def may_be_assigned(user: User | None) -> bool:
    """A planned job's assignee: staff, not blocked (else the admins' queue)."""
    return user is not None and user.role in STAFF_ROLES and not user.is_blocked


async def list_jobs(
    session: AsyncSession, *, user: User, after_id: int = 0, limit: int = PAGE_SIZE
) -> JobsPage | None:
    """One keyset page of the live jobs; None for someone who may not see them."""
    if not may_manage_jobs(user.role):
        return None
    async with session.begin():
        rows = await planned_repo.jobs_page(session, after_id=max(0, after_id), limit=limit + 1)
    lines = [_line(job, name) for job, name in rows]
    return JobsPage(items=lines[:limit], has_more=len(lines) > limit)


async def get_job(session: AsyncSession, *, user: User, job_id: int) -> JobLine | None:
    if not may_manage_jobs(user.role):
        return None
    async with session.begin():
        job = await planned_repo.get_job(session, job_id)
        if job is None:
            return None
        assignee = await users_repo.by_id(session, job.assignee_id) if job.assignee_id else None
        return _line(job, assignee.full_name if assignee else None)


async def job_schedule(session: AsyncSession, *, user: User, job_id: int) -> Schedule | None:
    if not may_manage_jobs(user.role):
        return None
    async with session.begin():
        job = await planned_repo.get_job(session, job_id)
        return load_schedule(job.schedule) if job is not None else None


async def pause_job(
    session: AsyncSession, *, user: User, job_id: int, now: datetime | None = None
) -> JobResult:
    """No occurrences until resumed; the requests it made stay as they are."""
    return await _change(
        session,
        user=user,
        job_id=job_id,
        expected=(PlannedStatus.ACTIVE,),
        values={"status": PlannedStatus.PAUSED, "next_run_at": None},
        now=now or utcnow(),
    )


async def resume_job(
    session: AsyncSession, *, user: User, job_id: int, tz: ZoneInfo, now: datetime | None = None
) -> JobResult:
    """Active again from now on: the occurrences missed while paused are not made."""
    now = now or utcnow()

    def values(job: PlannedJob) -> dict[str, Any] | JobOutcome:
        schedule = load_schedule(job.schedule)
        next_run = schedule.next_occurrence(now, tz) if schedule else None
        if next_run is None:
            return JobOutcome.NO_OCCURRENCE
        return {"status": PlannedStatus.ACTIVE, "next_run_at": next_run}

    return await _change(
        session,
        user=user,
        job_id=job_id,
        expected=(PlannedStatus.PAUSED,),
        values=values,
        now=now,
    )


async def delete_job(
    session: AsyncSession, *, user: User, job_id: int, now: datetime | None = None
) -> JobResult:
    """Marked deleted, never removed: its requests keep their link and their history."""
    now = now or utcnow()
    return await _change(
        session,
        user=user,
        job_id=job_id,
        expected=planned_repo.LIVE,
        values={"status": PlannedStatus.DELETED, "next_run_at": None, "deleted_at": now},
        now=now,
    )


async def _change(
    session: AsyncSession,
    *,
    user: User,
    job_id: int,
    expected: Sequence[PlannedStatus],
    values: dict[str, Any] | Callable[[PlannedJob], dict[str, Any] | JobOutcome],
    now: datetime,
) -> JobResult:
    """A compare-and-set of the job's status from `expected`; `values` may be worked out
    from the job as it is (or refuse with an outcome)."""
    if not may_manage_jobs(user.role):
        return JobResult(JobOutcome.FORBIDDEN)
    async with session.begin():
        job = await planned_repo.get_job(session, job_id)
        if job is None:
            return JobResult(JobOutcome.NOT_FOUND)
        changes = values(job) if callable(values) else values
        if isinstance(changes, JobOutcome):
            return JobResult(changes)
        won = await planned_repo.set_status(
            session, job_id, expected=expected, values={**changes, "updated_at": now}
        )
        if not won:
            return JobResult(JobOutcome.UNCHANGED)
        job = await planned_repo.get_job(session, job_id)
        line = _line(job, None) if job is not None else None
    log.info("planned_job_changed", job_id=job_id, status=changes["status"])
    return JobResult(JobOutcome.DONE, line)


# --------------------------------------------------------------------- the digest
async def today(
    session: AsyncSession, *, day_start: datetime, now: datetime
) -> tuple[list[tuple[int, str, str, RequestStatus]], list[tuple[str, datetime]]]:
    """Today's planned work: requests created since `day_start`, and jobs still due today."""
    created = await planned_repo.created_between(session, day_start, now + timedelta(seconds=1))
    upcoming = await planned_repo.due_between(session, now, day_start + timedelta(days=1))
    return created, upcoming


def digest_text(
    t: Translator,
    created: Sequence[tuple[int, str, str, RequestStatus]],
    upcoming: Sequence[tuple[str, datetime]],
    tz: ZoneInfo,
) -> str:
    """The digest's "planned today" section ("" when there is none)."""
    if not created and not upcoming:
        return ""
    lines = [t("planned-digest-heading")]
    lines += [
        t("planned-digest-created", number=i, title=title, place=place)
        for i, title, place, _ in created
    ]
    lines += [
        t("planned-digest-upcoming", title=title, at=t.datetime(at, tz)) for title, at in upcoming
    ]
    return "\n".join(lines)
