"""Changing a request's status: the one place where the state machine meets the database.

`perform()` owns its transaction: it checks the rules for this actor, applies the change as
a compare-and-set (`UPDATE ... WHERE status = :expected AND assignee = :expected`), writes
the history row and queues the notifications, all or nothing. When two people act at once,
exactly one wins; the other gets `Outcome.CONFLICT` with the request as it now is.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.notifications import Notifier
from database.repositories import planned as planned_repo
from database.repositories import requests as requests_repo
from database.repositories import users as users_repo
from database.repositories.requests import Person, RequestView
from models import Role, StatusChange, User, utcnow
from models.enums import Action, RequestStatus
from models.planned import checklist_blocks_finish
from models.workflow import SYSTEM, Actor, Denial, TransitionError, check

log = structlog.get_logger(__name__)


class Outcome(StrEnum):
    DONE = "done"
    NOT_FOUND = "not_found"  # no such request, or not one this user may see
    FORBIDDEN = "forbidden"
    WRONG_STATUS = "wrong_status"
    REASON_REQUIRED = "reason_required"
    BAD_ASSIGNEE = "bad_assignee"
    CONFLICT = "conflict"  # somebody else changed it a moment ago
    CHECKLIST_OPEN = "checklist_open"  # a planned request's checklist has unticked items


@dataclass(frozen=True, slots=True)
class TransitionResult:
    outcome: Outcome
    view: RequestView | None = None  # the request after the change (or as it is now)

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.DONE


_DENIAL_OUTCOME = {
    Denial.FORBIDDEN: Outcome.FORBIDDEN,
    Denial.WRONG_STATUS: Outcome.WRONG_STATUS,
    Denial.REASON_REQUIRED: Outcome.REASON_REQUIRED,
}


# Runs inside the transaction right after a successful change, before anyone is told:
# e.g. saving the executor's "after" photos, which the author must receive first.
OnApplied = Callable[[AsyncSession, RequestView], Awaitable[None]]


async def checklist_open(session: AsyncSession, view: RequestView) -> bool:
    """A planned request is done only when its checklist is settled (models/planned.py)."""
    if view.planned_job_id is None:
        return False
    return checklist_blocks_finish(await planned_repo.count_open(session, view.id))


def actor_for(user: User, author_id: int, assignee_id: int | None) -> Actor:
    return Actor(role=user.role, is_author=user.id == author_id, is_assignee=user.id == assignee_id)


async def perform(
    session: AsyncSession,
    notifier: Notifier,
    *,
    request_id: int,
    action: Action,
    user: User | None,
    reason: str | None = None,
    assignee_id: int | None = None,
    now: datetime | None = None,
    on_applied: OnApplied | None = None,
) -> TransitionResult:
    """Apply `action` by `user` (None: the system) to request `request_id`."""
    now = now or utcnow()
    reason = reason.strip() if reason else None
    async with session.begin():
        # One read: the view has what the rules need (status, author, assignee) and, with
        # the change applied in hand, is what the notifications and the caller show after.
        before = await requests_repo.get_view(session, request_id)
        if before is None:
            return TransitionResult(Outcome.NOT_FOUND)
        old_assignee = before.assignee.id if before.assignee else None
        actor = SYSTEM if user is None else actor_for(user, before.author.id, old_assignee)
        # Someone else's request does not exist for a requester.
        if user is not None and user.role is Role.USER and not actor.is_author:
            return TransitionResult(Outcome.NOT_FOUND)
        try:
            target = check(before.status, action, actor, reason)
        except TransitionError as exc:
            return TransitionResult(_DENIAL_OUTCOME[exc.denial], before)
        if action is Action.FINISH and await checklist_open(session, before):
            return TransitionResult(Outcome.CHECKLIST_OPEN, before)

        values: dict[str, Any] = {"status": target, "updated_at": now}
        new_assignee = before.assignee
        if action is Action.TAKE:
            assert user is not None
            new_assignee = Person.of(user)
        elif action is Action.ASSIGN:
            target_user = await users_repo.by_id(session, assignee_id) if assignee_id else None
            if (
                target_user is None
                or target_user.role not in (Role.EXECUTOR, Role.ADMIN)
                or target_user.is_blocked
            ):
                return TransitionResult(Outcome.BAD_ASSIGNEE, before)
            new_assignee = Person.of(target_user)
        new_assignee_id = new_assignee.id if new_assignee else None
        if new_assignee_id != old_assignee:
            values["assignee_id"] = new_assignee_id
        if before.first_response_at is None and user is not None and not actor.is_author:
            values["first_response_at"] = now
        if target is RequestStatus.DONE:
            values["done_at"] = now
        elif target is RequestStatus.CLOSED or target in (
            RequestStatus.REJECTED,
            RequestStatus.CANCELLED,
        ):
            values["closed_at"] = now
        elif action is Action.REOPEN:
            values["done_at"] = None

        won = await requests_repo.compare_and_set(
            session,
            request_id,
            expected_status=before.status,
            expected_assignee_id=old_assignee,
            values=values,
        )
        if not won:
            return TransitionResult(
                Outcome.CONFLICT, await requests_repo.get_view(session, request_id)
            )
        session.add(
            StatusChange(
                request_id=request_id,
                from_status=before.status,
                to_status=target,
                actor_id=user.id if user else None,
                assignee_id=new_assignee_id,
                reason=reason,
                at=now,
            )
        )
        await session.flush()
        # The row as the compare-and-set left it: the view read above with `values` applied
        # (no other column changes), so it is not read a second time.
        changes = {k: v for k, v in values.items() if k != "assignee_id"}
        view = replace(before, assignee=new_assignee, **changes)
        actor_person = Person.of(user) if user else None
        if on_applied is not None:
            await on_applied(session, view)
        notifier.status_changed(session, view, actor=actor_person, reason=reason)
        if action is Action.ASSIGN:
            await notifier.assigned(
                session, view, now, actor=actor_person, previous_assignee_id=old_assignee
            )
        elif action is Action.REOPEN:
            notifier.reopened(session, view, actor=actor_person, reason=reason)
        await notifier.sync_cards(session, view, now, actor=actor_person, action=action)
    log.info("request_status_changed", request_id=request_id, action=action, to=target)
    return TransitionResult(Outcome.DONE, view)
