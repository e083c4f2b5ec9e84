"""The request state machine: pure rules, no database.

Who may do what to a request, and where the request goes. Every handler and service asks
this module; the keyboard builders ask it too, so a button exists only for a legal action.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from models.enums import Action, RequestStatus, Role

S = RequestStatus

# action -> {from status: to status}
TRANSITIONS: dict[Action, dict[RequestStatus, RequestStatus]] = {
    Action.TAKE: {S.NEW: S.IN_PROGRESS},
    Action.ASSIGN: {S.NEW: S.IN_PROGRESS, S.IN_PROGRESS: S.IN_PROGRESS, S.ON_HOLD: S.ON_HOLD},
    Action.REJECT: {S.NEW: S.REJECTED},
    Action.CANCEL: {S.NEW: S.CANCELLED, S.IN_PROGRESS: S.CANCELLED, S.ON_HOLD: S.CANCELLED},
    Action.HOLD: {S.IN_PROGRESS: S.ON_HOLD},
    Action.RESUME: {S.ON_HOLD: S.IN_PROGRESS},
    Action.FINISH: {S.IN_PROGRESS: S.DONE},
    Action.CONFIRM: {S.DONE: S.CLOSED},
    Action.AUTO_CLOSE: {S.DONE: S.CLOSED},
    Action.REOPEN: {S.DONE: S.IN_PROGRESS},
}

REASON_REQUIRED: frozenset[Action] = frozenset({Action.REJECT, Action.HOLD})


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts, relative to one request. `role=None` is the system (scheduled jobs)."""

    role: Role | None
    is_author: bool = False
    is_assignee: bool = False

    @property
    def is_system(self) -> bool:
        return self.role is None


SYSTEM = Actor(role=None)


class Denial(StrEnum):
    WRONG_STATUS = "wrong_status"
    FORBIDDEN = "forbidden"
    REASON_REQUIRED = "reason_required"


class TransitionError(Exception):
    def __init__(self, denial: Denial, action: Action, status: RequestStatus) -> None:
        super().__init__(f"{action} from {status}: {denial}")
        self.denial = denial
        self.action = action
        self.status = status


def _role_allows(action: Action, actor: Actor) -> bool:
    if actor.is_system:
        return action is Action.AUTO_CLOSE
    role = actor.role
    is_admin = role is Role.ADMIN
    is_staff = role in (Role.ADMIN, Role.EXECUTOR)
    match action:
        case Action.TAKE:
            return is_staff
        case Action.ASSIGN | Action.REJECT:
            return is_admin
        case Action.CANCEL:
            return actor.is_author or is_admin
        case Action.HOLD | Action.RESUME | Action.FINISH:
            return is_admin or (is_staff and actor.is_assignee)
        case Action.CONFIRM:
            return actor.is_author
        case Action.REOPEN:
            return actor.is_author or is_admin
        case Action.AUTO_CLOSE:
            return False
    return False  # pragma: no cover - exhaustive match above


def reason_required(action: Action, actor: Actor) -> bool:
    """REJECT and HOLD always need a reason; the author reopening must say what is wrong."""
    if action in REASON_REQUIRED:
        return True
    return action is Action.REOPEN and actor.is_author and actor.role is not Role.ADMIN


def target_status(status: RequestStatus, action: Action, actor: Actor) -> RequestStatus:
    """Where `action` by `actor` takes a request in `status`; raises TransitionError."""
    targets = TRANSITIONS[action]
    if status not in targets:
        raise TransitionError(Denial.WRONG_STATUS, action, status)
    if not _role_allows(action, actor):
        raise TransitionError(Denial.FORBIDDEN, action, status)
    return targets[status]


def check(
    status: RequestStatus, action: Action, actor: Actor, reason: str | None = None
) -> RequestStatus:
    """Like `target_status`, also enforcing the reason rule."""
    target = target_status(status, action, actor)
    if reason_required(action, actor) and not (reason and reason.strip()):
        raise TransitionError(Denial.REASON_REQUIRED, action, status)
    return target


def is_allowed(status: RequestStatus, action: Action, actor: Actor) -> bool:
    try:
        target_status(status, action, actor)
    except TransitionError:
        return False
    return True


def allowed_actions(status: RequestStatus, actor: Actor) -> list[Action]:
    """The actions this actor may take now, in a stable order (for keyboards)."""
    return [a for a in Action if is_allowed(status, a, actor)]
