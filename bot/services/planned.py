"""Planned maintenance: the admins' recurring jobs, their occurrences, the checklists.

One user action = one function = one transaction. The scheduler calls `PlannedRunner`:
each due job is claimed by a compare-and-set on its `next_run_at` (two schedulers never
both win), and the requests of the occurrence carry an idempotency token
(`client_token`), so an occurrence is created once across processes. After downtime only
the latest missed occurrence is created; the job then moves on to its next one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

import structlog
from aiogram.methods import SendMessage
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.notifications import Notifier, viewer_actor
from bot.services.outbox import enqueue
from database.repositories import categories as categories_repo
from database.repositories import planned as planned_repo
from database.repositories import requests as requests_repo
from database.repositories import users as users_repo
from database.repositories.requests import RequestView
from models import (
    Category,
    ChecklistItem,
    ItemState,
    OutboxKind,
    PlannedJob,
    PlannedStatus,
    Priority,
    RequestStatus,
    Role,
    StatusChange,
    User,
    utcnow,
)
from models.planned import may_manage_jobs, may_work_checklist
from models.schedule import Schedule
from models.sla import due_at
from utils.i18n import Translator
from utils.keyboards.planned import checklist_keyboard
from utils.planned_cards import render_checklist

log = structlog.get_logger(__name__)

BATCH = 50
PAGE_SIZE = 10
ASSIGNEES_MAX = 30
NOTE_MAX = 500


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
            if not _may_be_assigned(assignee):
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


def _may_be_assigned(user: User | None) -> bool:
    return user is not None and user.role in (Role.EXECUTOR, Role.ADMIN) and not user.is_blocked


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
    if not may_manage_jobs(user.role):
        return JobResult(JobOutcome.FORBIDDEN)
    async with session.begin():
        job = await planned_repo.get_job(session, job_id)
        if job is None:
            return JobResult(JobOutcome.NOT_FOUND)
        schedule = load_schedule(job.schedule)
        next_run = schedule.next_occurrence(now, tz) if schedule else None
        if next_run is None:
            return JobResult(JobOutcome.NO_OCCURRENCE)
    return await _change(
        session,
        user=user,
        job_id=job_id,
        expected=(PlannedStatus.PAUSED,),
        values={"status": PlannedStatus.ACTIVE, "next_run_at": next_run},
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
    values: dict[str, Any],
    now: datetime,
) -> JobResult:
    if not may_manage_jobs(user.role):
        return JobResult(JobOutcome.FORBIDDEN)
    async with session.begin():
        if await planned_repo.get_job(session, job_id) is None:
            return JobResult(JobOutcome.NOT_FOUND)
        won = await planned_repo.set_status(
            session, job_id, expected=expected, values={**values, "updated_at": now}
        )
        if not won:
            return JobResult(JobOutcome.UNCHANGED)
        job = await planned_repo.get_job(session, job_id)
        line = _line(job, None) if job is not None else None
    log.info("planned_job_changed", job_id=job_id, status=values["status"])
    return JobResult(JobOutcome.DONE, line)


# ---------------------------------------------------------------- the occurrences
@dataclass(frozen=True, slots=True)
class PlannedRunner:
    """The scheduler's job: create the requests of every due occurrence, once."""

    session_pool: async_sessionmaker[AsyncSession]
    notifier: Notifier
    sla_hours: Mapping[str, int]
    staff_chat_id: int | None = None

    async def run_due(self, now: datetime) -> int:
        """Requests created at `now` (one per place of each due job)."""
        created = 0
        while True:
            async with self.session_pool() as session, session.begin():
                jobs = await planned_repo.due_jobs(session, now, BATCH)
                for job in jobs:
                    created += await self._occur(session, job, now)
            if len(jobs) < BATCH:
                break
        if created:
            log.info("planned_requests_created", count=created)
        return created

    async def _occur(self, session: AsyncSession, job: PlannedJob, now: datetime) -> int:
        tz = self.notifier.tz
        expected = job.next_run_at
        assert expected is not None
        schedule = load_schedule(job.schedule)
        occurrence = schedule.latest_missed(expected, now, tz) if schedule else None
        next_run = schedule.next_occurrence(now, tz) if schedule else None
        won = await planned_repo.claim_occurrence(
            session, job.id, expected_next=expected, next_run_at=next_run, ran_at=now
        )
        if not won or occurrence is None:
            return 0
        if next_run is None:  # the schedule has ended: nothing more will come
            await planned_repo.set_status(
                session,
                job.id,
                expected=(PlannedStatus.ACTIVE,),
                values={"status": PlannedStatus.PAUSED},
            )
        assignee = await users_repo.by_id(session, job.assignee_id) if job.assignee_id else None
        if not _may_be_assigned(assignee):
            assignee = None  # blocked or demoted meanwhile: to the admins' queue
        created = 0
        for index, place in enumerate(job.places):
            token = f"planned:{job.id}:{occurrence:%Y%m%dT%H%M}:{index}"
            request_id = await _insert_request(
                session,
                job=job,
                place=place,
                assignee=assignee,
                token=token,
                due=due_at(occurrence, job.priority, self.sla_hours),
                now=now,
            )
            if request_id is None:  # this occurrence was created already
                continue
            await planned_repo.add_items(session, request_id, job.checklist)
            await session.flush()
            view = await requests_repo.get_view(session, request_id)
            assert view is not None
            await self._notify(session, view, assignee, now)
            created += 1
        return created

    async def _notify(
        self, session: AsyncSession, view: RequestView, assignee: User | None, now: datetime
    ) -> None:
        if assignee is not None:
            await _send_card(
                session,
                self.notifier,
                view,
                [(assignee.telegram_id, assignee.language, assignee)],
                "planned-notify-assigned",
                now,
            )
            items = await planned_repo.items(session, view.id)
            t = self.notifier.catalogue.translator(assignee.language)
            enqueue(
                session,
                SendMessage(
                    chat_id=assignee.telegram_id,
                    text=render_checklist(t, view, items),
                    reply_markup=checklist_keyboard(t, view.id, items, editable=True),
                ),
                request_id=view.id,
            )
            return
        await notify_staff(
            session, self.notifier, view, "planned-notify-queue", now, self.staff_chat_id
        )


async def _insert_request(
    session: AsyncSession,
    *,
    job: PlannedJob,
    place: str,
    assignee: User | None,
    token: str,
    due: datetime,
    now: datetime,
) -> int | None:
    status = RequestStatus.IN_PROGRESS if assignee is not None else RequestStatus.NEW
    request_id = await requests_repo.insert_if_new_token(
        session,
        {
            "author_id": job.created_by_id,
            "category_id": job.category_id,
            "location": place,
            "description": job.title,
            "priority": job.priority,
            "status": status,
            "assignee_id": assignee.id if assignee else None,
            "due_at": due,
            "client_token": token,
            "planned_job_id": job.id,
            "created_at": now,
            "updated_at": now,
        },
    )
    if request_id is None:
        return None
    session.add(
        StatusChange(
            request_id=request_id,
            from_status=None,
            to_status=RequestStatus.NEW,
            actor_id=None,
            at=now,
        )
    )
    if assignee is not None:
        session.add(
            StatusChange(
                request_id=request_id,
                from_status=RequestStatus.NEW,
                to_status=RequestStatus.IN_PROGRESS,
                actor_id=None,
                assignee_id=assignee.id,
                at=now,
            )
        )
    return request_id


async def notify_staff(
    session: AsyncSession,
    notifier: Notifier,
    view: RequestView,
    heading: str,
    now: datetime,
    staff_chat_id: int | None,
) -> None:
    """Every admin and the staff group get the card with the triage buttons."""
    admins = await users_repo.with_roles(session, [Role.ADMIN])
    chats: list[tuple[int, str | None, User | None]] = [
        (a.telegram_id, a.language, a) for a in admins if not a.bot_blocked
    ]
    if staff_chat_id is not None and staff_chat_id not in {c for c, _, _ in chats}:
        chats.append((staff_chat_id, None, None))
    await _send_card(session, notifier, view, chats, heading, now)


async def _send_card(
    session: AsyncSession,
    notifier: Notifier,
    view: RequestView,
    chats: Sequence[tuple[int, str | None, User | None]],
    heading: str,
    now: datetime,
) -> None:
    for chat_id, language, person in chats:
        t = notifier.catalogue.translator(language)
        if person is not None:
            text, keyboard = notifier.staff_card(
                t, view, now, viewer=viewer_actor(person.id, person.role, view)
            )
        else:
            text, keyboard = notifier.staff_card(t, view, now)
        enqueue(
            session,
            SendMessage(
                chat_id=chat_id,
                text=t(heading, number=view.id) + "\n\n" + text,
                reply_markup=keyboard,
            ),
            kind=OutboxKind.CARD,
            request_id=view.id,
        )


# ------------------------------------------------------------------ the checklist
class ItemOutcome(StrEnum):
    DONE = "done"
    NOT_FOUND = "not_found"  # no such item, or not one this user may see
    FORBIDDEN = "forbidden"  # may see it, may not change it now (not theirs, not in work)
    STALE = "stale"  # somebody changed it a moment ago: shown as it is now
    NOTE_REQUIRED = "note_required"
    NOT_FAILED = "not_failed"


@dataclass(frozen=True, slots=True)
class ChecklistCard:
    view: RequestView
    items: list[ChecklistItem] = field(default_factory=list)
    editable: bool = False


@dataclass(frozen=True, slots=True)
class ItemResult:
    outcome: ItemOutcome
    card: ChecklistCard | None = None
    followup_id: int | None = None
    created: bool = False

    @property
    def ok(self) -> bool:
        return self.outcome is ItemOutcome.DONE


def _may_see(user: User, view: RequestView) -> bool:
    if user.role is Role.ADMIN:
        return True
    return user.role is Role.EXECUTOR and view.assignee is not None and view.assignee.id == user.id


def _editable(user: User, view: RequestView) -> bool:
    is_assignee = view.assignee is not None and view.assignee.id == user.id
    return may_work_checklist(user.role, is_assignee=is_assignee, status=view.status)


async def _card(session: AsyncSession, request_id: int, user: User) -> ChecklistCard | None:
    view = await requests_repo.get_view(session, request_id)
    if view is None or not _may_see(user, view):
        return None
    items = list(await planned_repo.items(session, request_id))
    if not items:
        return None
    return ChecklistCard(view, items, _editable(user, view))


async def checklist(session: AsyncSession, *, request_id: int, user: User) -> ChecklistCard | None:
    async with session.begin():
        return await _card(session, request_id, user)


async def _guarded(
    session: AsyncSession, item_id: int, user: User
) -> tuple[ChecklistItem | None, ChecklistCard | None, ItemOutcome | None]:
    item = await planned_repo.item(session, item_id)
    if item is None:
        return None, None, ItemOutcome.NOT_FOUND
    card = await _card(session, item.request_id, user)
    if card is None:
        return item, None, ItemOutcome.NOT_FOUND
    if not card.editable:
        return item, card, ItemOutcome.FORBIDDEN
    return item, card, None


async def item_context(
    session: AsyncSession, *, item_id: int, user: User
) -> tuple[RequestView, ChecklistItem] | None:
    """The item and its request, if `user` may change it now."""
    async with session.begin():
        item, card, denied = await _guarded(session, item_id, user)
    if denied is not None or item is None or card is None:
        return None
    return card.view, item


async def set_item(
    session: AsyncSession,
    *,
    item_id: int,
    expected: ItemState,
    state: ItemState,
    user: User,
    note: str | None = None,
    now: datetime | None = None,
) -> ItemResult:
    """Tick, untick or fail one item: a compare-and-set against the state the user saw."""
    now = now or utcnow()
    note = note.strip()[:NOTE_MAX] if note else None
    if state is ItemState.FAILED and not note:
        return ItemResult(ItemOutcome.NOTE_REQUIRED)
    async with session.begin():
        item, card, denied = await _guarded(session, item_id, user)
        if denied is not None:
            return ItemResult(denied, card)
        assert item is not None and card is not None
        won = expected is not state and await planned_repo.set_item_state(
            session,
            item_id,
            expected=expected,
            state=state,
            note=note if state is ItemState.FAILED else None,
            user_id=user.id,
            now=now,
        )
        fresh = await _card(session, item.request_id, user)
    if not won:
        return ItemResult(ItemOutcome.STALE, fresh)
    log.info("checklist_item_set", request_id=item.request_id, item_id=item_id, state=state)
    return ItemResult(ItemOutcome.DONE, fresh)


async def file_followup(
    session: AsyncSession,
    notifier: Notifier,
    *,
    item_id: int,
    user: User,
    description: str,
    sla_hours: Mapping[str, int],
    staff_chat_id: int | None = None,
    now: datetime | None = None,
) -> ItemResult:
    """A repair request for the same place as the failed item's request; one per item.

    The item's row is locked, so two taps file one request; a repeated tap finds it.
    """
    now = now or utcnow()
    async with session.begin():
        item, card, denied = await _guarded(session, item_id, user)
        if denied is not None:
            return ItemResult(denied, card)
        assert item is not None and card is not None
        item = await planned_repo.item(session, item_id, for_update=True)
        assert item is not None
        if item.followup_request_id is not None:
            return ItemResult(ItemOutcome.DONE, card, followup_id=item.followup_request_id)
        if item.state is not ItemState.FAILED:
            return ItemResult(ItemOutcome.NOT_FAILED, card)
        source = card.view
        row = await requests_repo.get(session, source.id)
        assert row is not None
        request_id = await requests_repo.insert_if_new_token(
            session,
            {
                "author_id": user.id,
                "category_id": row.category_id,
                "location": source.location,
                "description": description,
                "priority": source.priority,
                "status": RequestStatus.NEW,
                "due_at": due_at(now, source.priority, sla_hours),
                "client_token": f"followup:{item_id}",
                "created_at": now,
                "updated_at": now,
            },
        )
        assert request_id is not None  # the row lock above serialises the taps
        session.add(
            StatusChange(
                request_id=request_id,
                from_status=None,
                to_status=RequestStatus.NEW,
                actor_id=user.id,
                at=now,
            )
        )
        await planned_repo.link_followup(session, item_id, request_id)
        await session.flush()
        view = await requests_repo.get_view(session, request_id)
        assert view is not None
        await notify_staff(session, notifier, view, "planned-notify-followup", now, staff_chat_id)
        fresh = await _card(session, source.id, user)
    log.info("checklist_followup_filed", request_id=request_id, item_id=item_id)
    return ItemResult(ItemOutcome.DONE, fresh, followup_id=request_id, created=True)


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
