"""Scheduled work: deadline reminders, the daily digest, auto-close.

Each job claims its work in the database and writes the messages to the outbox in the
same transaction as the claim (see database/repositories/jobs.py), so however many bot
processes run them at once, each reminder and each digest goes out exactly once; a crash
between claim and commit leaves nothing claimed and nothing queued.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta

import structlog
from aiogram.methods import SendMessage
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services import digest, outbox, planned
from bot.services.notifications import STAFF_VIEWER, Notifier, viewer_actor
from bot.services.outbox import enqueue
from bot.services.transitions import perform
from database.repositories import jobs as jobs_repo
from database.repositories import requests as requests_repo
from database.repositories import users as users_repo
from models import Action, OutboxKind, Role, User
from models.reports import DigestQueue
from models.views import Person, RequestView
from models.workflow import Actor
from utils.keyboards.reports import digest_keyboard
from utils.reports import render_digest

log = structlog.get_logger(__name__)

BATCH = 100
ESCALATE_AFTER = timedelta(hours=24)
DIGEST_JOB = "digest"
OUTBOX_KEEP = timedelta(days=14)


@dataclass(frozen=True, slots=True)
class Jobs:
    """The scheduled jobs, bound to their dependencies. Each takes the current time."""

    session_pool: async_sessionmaker[AsyncSession]
    notifier: Notifier
    digest_time: time | None
    auto_close_days: int

    # ------------------------------------------------------------------ reminders
    async def remind_overdue(self, now: datetime) -> int:
        """Remind the assignee (the admins, when nobody is assigned) once per request.

        Each request is drawn and queued in a savepoint of its own: one that cannot be
        drawn is logged and skipped (it stays claimed, so it is not first in line again on
        every tick) and the others of the batch are reminded all the same.
        """

        async def remind(session: AsyncSession, view: RequestView, admins: list[Person]) -> None:
            if view.assignee is None:
                for person in admins:
                    self._send_card(session, person, view, "reminder-overdue-unassigned", now)
                return
            # The assignee gets the buttons of their own role (an executor's).
            assignee = await users_repo.by_id(session, view.assignee.id)
            role = assignee.role if assignee is not None else Role.EXECUTOR
            viewer = viewer_actor(view.assignee.id, role, view)
            self._send_card(session, view.assignee, view, "reminder-overdue", now, viewer=viewer)

        total = await self._each_claimed(
            lambda session: jobs_repo.claim_overdue(session, now, BATCH),
            "overdue_reminder_failed",
            remind,
        )
        if total:
            log.info("overdue_reminded", count=total)
        return total

    async def escalate_overdue(self, now: datetime) -> int:
        """Still overdue 24 hours after the reminder: tell the admins, once (each request
        in a savepoint of its own, as in `remind_overdue`)."""

        async def escalate(session: AsyncSession, view: RequestView, admins: list[Person]) -> None:
            for person in admins:
                self._send_card(session, person, view, "reminder-escalated", now)

        total = await self._each_claimed(
            lambda session: jobs_repo.claim_escalations(session, now, now - ESCALATE_AFTER, BATCH),
            "overdue_escalation_failed",
            escalate,
        )
        if total:
            log.info("overdue_escalated", count=total)
        return total

    async def _each_claimed(
        self,
        claim: Callable[[AsyncSession], Awaitable[Sequence[int]]],
        failure: str,
        work: Callable[[AsyncSession, RequestView, list[Person]], Awaitable[None]],
    ) -> int:
        """Claim a batch (up to BATCH ids) and work each claimed request in a savepoint of
        its own, one transaction a batch, until a batch comes short; how many were done."""
        total = 0
        while True:
            async with self.session_pool() as session, session.begin():
                ids = await claim(session)
                admins = list(await _admins(session)) if ids else []
                for request_id in ids:
                    total += await _isolated(session, request_id, failure, work, admins)
            if len(ids) < BATCH:
                return total

    def _send_card(
        self,
        session: AsyncSession,
        person: Person,
        view: RequestView,
        key: str,
        now: datetime,
        *,
        viewer: Actor = STAFF_VIEWER,
    ) -> None:
        tz = self.notifier.tz
        t = self.notifier.t(person)
        heading = t(key, number=view.id, due=t.datetime(view.due_at, tz))
        card, keyboard = self.notifier.staff_card(t, view, now, viewer=viewer)
        enqueue(
            session,
            SendMessage(
                chat_id=person.telegram_id,
                text=f"{heading}\n\n{card}",
                reply_markup=keyboard,
            ),
            kind=OutboxKind.CARD,
            request_id=view.id,
        )

    # --------------------------------------------------------------------- digest
    async def send_digest(self, now: datetime) -> bool:
        """Once per local day, at or after DIGEST_TIME (so a missed one goes out at start)."""
        if self.digest_time is None:
            return False
        tz = self.notifier.tz
        local = now.astimezone(tz)
        if local.time() < self.digest_time:
            return False
        day = local.date()
        since = datetime.combine(day - timedelta(days=1), self.digest_time, tz)
        async with self.session_pool() as session, session.begin():
            if not await jobs_repo.claim_run(session, DIGEST_JOB, day.isoformat(), now):
                return False
            counts = await digest.counts(session, now=now, since=since)
            planned_created, planned_due = await planned.today(
                session, day_start=datetime.combine(day, time.min, tz), now=now
            )
            admins = await _admins(session)
            for person in admins:
                t = self.notifier.t(person)
                keyboard = digest_keyboard(t, {q.value: counts.queue(q) for q in DigestQueue})
                enqueue(
                    session,
                    SendMessage(
                        chat_id=person.telegram_id,
                        text=_with_planned(
                            render_digest(t, counts, day),
                            planned.digest_text(t, planned_created, planned_due, tz),
                        ),
                        reply_markup=keyboard,
                    ),
                )
        log.info("digest_sent", day=day.isoformat(), admins=len(admins))
        return True

    # ----------------------------------------------------------------- auto-close
    async def auto_close(self, now: datetime) -> int:
        """Close done requests whose author has not answered for AUTO_CLOSE_DAYS."""
        cutoff = now - timedelta(days=self.auto_close_days)
        closed = 0
        async with self.session_pool() as session:
            async with session.begin():
                due = await jobs_repo.done_before(session, cutoff, BATCH)
            for request_id, language in due:
                t = self.notifier.catalogue.translator(language)
                result = await perform(
                    session,
                    self.notifier,
                    request_id=request_id,
                    action=Action.AUTO_CLOSE,
                    user=None,
                    reason=t("auto-close-reason", days=self.auto_close_days),
                    now=now,
                )
                closed += result.ok  # a concurrent scheduler or the author got there first
        if closed:
            log.info("auto_closed", count=closed)
        return closed

    # ---------------------------------------------------------------- housekeeping
    async def purge_outbox(self, now: datetime) -> int:
        """Forget notifications delivered more than OUTBOX_KEEP ago (the table stays small)."""
        async with self.session_pool() as session, session.begin():
            purged = await outbox.purge_delivered(session, before=now - OUTBOX_KEEP)
        if purged:
            log.info("outbox_purged", count=purged)
        return purged


async def _isolated(
    session: AsyncSession,
    request_id: int,
    failure: str,
    work: Callable[[AsyncSession, RequestView, list[Person]], Awaitable[None]],
    admins: list[Person],
) -> int:
    """Run `work` for one request in a savepoint; 1 when done, 0 when it failed (logged)."""
    try:
        async with session.begin_nested():
            view = await requests_repo.get_view(session, request_id)
            if view is None:
                raise LookupError(f"request {request_id} vanished")
            await work(session, view, admins)
    except Exception:
        log.exception(failure, request_id=request_id)
        return 0
    return 1


def _with_planned(text: str, planned_today: str) -> str:
    """The digest lists today's planned work under its numbers (when there is some)."""
    return f"{text}\n\n{planned_today}" if planned_today else text


async def _admins(session: AsyncSession) -> Sequence[Person]:
    users: Sequence[User] = await users_repo.with_roles(session, [Role.ADMIN])
    return [Person.of(u) for u in users]
