"""Planned maintenance: the scheduler's job, creating the requests of due occurrences.

Each due job is claimed by a compare-and-set on its `next_run_at` (two schedulers never
both win), and the requests of the occurrence carry an idempotency token
(`client_token`), so an occurrence is created once across processes. After downtime only
the latest missed occurrence is created; the job then moves on to its next one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import structlog
from aiogram.methods import SendMessage
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.notifications import Notifier, viewer_actor
from bot.services.outbox import enqueue
from bot.services.planned import load_schedule, may_be_assigned
from database.repositories import places as places_repo
from database.repositories import planned as planned_repo
from database.repositories import requests as requests_repo
from database.repositories import users as users_repo
from models import (
    OutboxKind,
    Place,
    PlannedJob,
    PlannedStatus,
    RequestStatus,
    Role,
    StatusChange,
    User,
)
from models.place_match import normalize
from models.sla import due_at
from models.views import RequestView
from utils.keyboards.planned import checklist_keyboard
from utils.planned_cards import render_checklist

log = structlog.get_logger(__name__)

BATCH = 50


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
        if not may_be_assigned(assignee):
            assignee = None  # blocked or demoted meanwhile: to the admins' queue
        created = 0
        # A job's places are text; those that name a room of the catalogue belong to it.
        catalogued = _catalogued(await places_repo.visible(session))
        for index, place in enumerate(job.places):
            token = f"planned:{job.id}:{occurrence:%Y%m%dT%H%M}:{index}"
            request_id = await _insert_request(
                session,
                job=job,
                place=place,
                place_id=catalogued.get(normalize(place)),
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
                [_Chat(assignee.telegram_id, assignee.language, assignee)],
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


def _catalogued(places: Sequence[Place]) -> dict[str, int]:
    """Room names (alone, or after their building) to their place; a name that two
    buildings share is left out (the job's text cannot say which)."""
    found: dict[str, int] = {}
    shared: set[str] = set()
    for place in places:
        for name in {normalize(place.name), normalize(f"{place.building or ''} {place.name}")}:
            if name in found and found[name] != place.id:
                shared.add(name)
            found[name] = place.id
    return {name: place_id for name, place_id in found.items() if name not in shared}


async def _insert_request(
    session: AsyncSession,
    *,
    job: PlannedJob,
    place: str,
    place_id: int | None,
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
            "place_id": place_id,
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
        actor_id=None,
        now=now,
    )
    if request_id is None:
        return None
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
    """Every admin and the staff group (ADMIN_CHAT_ID, else the group bound by /here) get
    the card with the triage buttons."""
    admins = await users_repo.with_roles(session, [Role.ADMIN])
    chats: list[_Chat] = [_Chat(a.telegram_id, a.language, a) for a in admins if not a.bot_blocked]
    staff = notifier.staff_chat(staff_chat_id)
    if staff is not None and staff.chat_id not in {c.chat_id for c in chats}:
        chats.append(_Chat(staff.chat_id, None, None, staff.thread_id))
    await _send_card(session, notifier, view, chats, heading, now)


@dataclass(frozen=True, slots=True)
class _Chat:
    """Where a card goes: a person's private chat, or the staff group (person None)."""

    chat_id: int
    language: str | None
    person: User | None
    thread_id: int | None = None  # a forum topic of the staff group


async def _send_card(
    session: AsyncSession,
    notifier: Notifier,
    view: RequestView,
    chats: Sequence[_Chat],
    heading: str,
    now: datetime,
) -> None:
    for chat in chats:
        t = notifier.catalogue.translator(chat.language)
        person = chat.person
        if person is not None:
            text, keyboard = notifier.staff_card(
                t, view, now, viewer=viewer_actor(person.id, person.role, view)
            )
        else:
            text, keyboard = notifier.staff_card(t, view, now)
        enqueue(
            session,
            SendMessage(
                chat_id=chat.chat_id,
                text=t(heading, number=view.id) + "\n\n" + text,
                reply_markup=keyboard,
                message_thread_id=chat.thread_id,
            ),
            kind=OutboxKind.CARD,
            request_id=view.id,
        )
