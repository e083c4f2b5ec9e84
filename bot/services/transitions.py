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
from typing import Any, Required, TypedDict, Unpack

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.notifications import Notifier
from database.repositories import requests as requests_repo
from database.repositories import users as users_repo
from models import StatusChange, User, utcnow
from models.enums import Action, RequestStatus
from models.planned import checklist_blocks_finish
from models.views import Person, RequestView
from models.workflow import STAFF_ROLES, Actor, Decision, Denial, Subject, Viewer, decide
from utils.validation import normalize

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
    needs_reason: bool = False  # from `check_action`: the action will want a reason

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.DONE


_DENIAL_OUTCOME = {
    Denial.NOT_FOUND: Outcome.NOT_FOUND,
    Denial.FORBIDDEN: Outcome.FORBIDDEN,
    Denial.WRONG_STATUS: Outcome.WRONG_STATUS,
    Denial.REASON_REQUIRED: Outcome.REASON_REQUIRED,
}


def denial_outcome(denial: Denial) -> Outcome:
    return _DENIAL_OUTCOME[denial]


# Runs inside the transaction right after a successful change, before anyone is told:
# e.g. saving the executor's "after" photos, which the author must receive first.
OnApplied = Callable[[AsyncSession, RequestView], Awaitable[None]]


def viewer_of(user: User | None) -> Viewer | None:
    """The person as the rules see them (None: the system)."""
    return None if user is None else Viewer(user.id, user.role)


def subject_of(view: RequestView) -> Subject:
    """The request as the rules see it."""
    return Subject(view.status, view.author.id, view.assignee.id if view.assignee else None)


def actor_for(user: User, author_id: int, assignee_id: int | None) -> Actor:
    """Who `user` is to a request (kept for older callers: ask `decide_for` instead)."""
    return Actor(role=user.role, is_author=user.id == author_id, is_assignee=user.id == assignee_id)


def decide_for(view: RequestView, user: User | None, action: Action) -> Decision:
    """`models.workflow.decide` for a request view and a user row."""
    return decide(subject_of(view), viewer_of(user), action)


def _changes(
    before: RequestView, action: Action, target: RequestStatus, now: datetime, *, responded: bool
) -> dict[str, Any]:
    """The columns the change sets besides the assignee: status and its timestamps."""
    values: dict[str, Any] = {"status": target, "updated_at": now}
    if before.first_response_at is None and responded:
        values["first_response_at"] = now
    if target is RequestStatus.DONE:
        values["done_at"] = now
    elif target in (RequestStatus.CLOSED, RequestStatus.REJECTED, RequestStatus.CANCELLED):
        values["closed_at"] = now
    elif action is Action.REOPEN:
        values["done_at"] = None
    return values


def check_action(view: RequestView | None, user: User | None, action: Action) -> TransitionResult:
    """What `apply` will decide, before anything changes (and before a reason is asked
    for): a dialog is not opened for an action certain to be refused."""
    if view is None:
        return TransitionResult(Outcome.NOT_FOUND)
    decision = decide_for(view, user, action)
    refused = _refusal(view, action, decision)
    if refused is not None:
        return refused
    return TransitionResult(Outcome.DONE, view, needs_reason=decision.needs_reason)


def _refusal(view: RequestView, action: Action, decision: Decision) -> TransitionResult | None:
    """Why the action is refused (None: it is not), for `check_action` and `apply` alike."""
    if decision.denial is Denial.NOT_FOUND:  # not revealed to someone who may not see it
        return TransitionResult(Outcome.NOT_FOUND)
    if decision.denial is not None:
        return TransitionResult(denial_outcome(decision.denial), view)
    # A planned request is done only when its checklist is settled (models/planned.py).
    if action is Action.FINISH and checklist_blocks_finish(view.open_items):
        return TransitionResult(Outcome.CHECKLIST_OPEN, view)
    return None


class Change(TypedDict, total=False):
    """What a status change is asked to do: the keyword arguments of `perform`/`apply`."""

    request_id: Required[int]
    action: Required[Action]
    user: Required[User | None]  # None: the system
    reason: str | None
    assignee_id: int | None  # for ASSIGN
    now: datetime | None
    on_applied: OnApplied | None


async def perform(
    session: AsyncSession, notifier: Notifier, **change: Unpack[Change]
) -> TransitionResult:
    """Apply `action` by `user` (None: the system) to request `request_id`, in a
    transaction of its own."""
    async with session.begin():
        return await apply(session, notifier, **change)


async def apply(
    session: AsyncSession, notifier: Notifier, **change: Unpack[Change]
) -> TransitionResult:
    """`perform` inside the caller's transaction (so it can read what to show after)."""
    request_id, action, user = change["request_id"], change["action"], change["user"]
    assignee_id, on_applied = change.get("assignee_id"), change.get("on_applied")
    now = change.get("now") or utcnow()
    reason = normalize(change.get("reason")) or None
    # One read: the view has what the rules need (status, author, assignee) and, with
    # the change applied in hand, is what the notifications and the caller show after.
    before = await requests_repo.get_view(session, request_id)
    if before is None:
        return TransitionResult(Outcome.NOT_FOUND)
    decision = decide_for(before, user, action)
    refused = _refusal(before, action, decision)  # as the pre-check says it
    if refused is not None:
        return refused
    if decision.needs_reason and not reason:
        return TransitionResult(Outcome.REASON_REQUIRED, before)
    target = decision.target
    assert target is not None  # allowed decisions have one
    old_assignee = before.assignee.id if before.assignee else None
    is_author = user is not None and user.id == before.author.id

    new_assignee = before.assignee
    if action is Action.TAKE:
        assert user is not None
        new_assignee = Person.of(user)
    elif action is Action.ASSIGN:
        target_user = await users_repo.by_id(session, assignee_id) if assignee_id else None
        if target_user is None or target_user.role not in STAFF_ROLES or target_user.is_blocked:
            return TransitionResult(Outcome.BAD_ASSIGNEE, before)
        new_assignee = Person.of(target_user)
    new_assignee_id = new_assignee.id if new_assignee else None
    values = _changes(before, action, target, now, responded=user is not None and not is_author)
    if new_assignee_id != old_assignee:
        values["assignee_id"] = new_assignee_id

    won = await requests_repo.compare_and_set(
        session,
        request_id,
        expected_status=before.status,
        expected_assignee_id=old_assignee,
        values=values,
    )
    if not won:
        return TransitionResult(Outcome.CONFLICT, await requests_repo.get_view(session, request_id))
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
    if on_applied is not None:
        await on_applied(session, view)
    await _announce(session, notifier, view, action, user, reason, old_assignee, now)
    log.info("request_status_changed", request_id=request_id, action=action, to=target)
    return TransitionResult(Outcome.DONE, view)


async def _announce(
    session: AsyncSession,
    notifier: Notifier,
    view: RequestView,
    action: Action,
    user: User | None,
    reason: str | None,
    old_assignee: int | None,
    now: datetime,
) -> None:
    """Queue what the other parties receive about the change, in its transaction."""
    actor = Person.of(user) if user else None
    await notifier.status_changed(session, view, actor=actor, reason=reason)
    if action is Action.ASSIGN:
        await notifier.assigned(session, view, now, actor=actor, previous_assignee_id=old_assignee)
    elif action is Action.REOPEN:
        notifier.reopened(session, view, actor=actor, reason=reason)
    await notifier.sync_cards(session, view, now, actor=actor, action=action)
