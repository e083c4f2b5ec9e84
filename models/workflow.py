"""The request state machine and who may see or do what: pure rules, no database.

`decide()` is the one permission decision: every path that changes a request, checks an
action before a dialog, or shows a button asks it (the keyboard builders too, through
`allowed_actions`, so a button exists only for a legal action). `may_see()` is the one
visibility rule: an executor sees the unassigned new requests (to take them) and the ones
assigned to them, a requester their own, an admin everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from models.enums import FINAL_STATUSES, Action, RequestStatus, Role

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

# The actions staff trigger from a staff card (the requester's are on their own card).
STAFF_ACTIONS: frozenset[Action] = frozenset(
    {Action.TAKE, Action.ASSIGN, Action.REJECT, Action.HOLD, Action.RESUME, Action.FINISH}
)


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
    NOT_FOUND = "not_found"  # not a request this person may see: it does not exist for them
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


# ------------------------------------------------------------ who sees, who decides
@dataclass(frozen=True, slots=True)
class Subject:
    """A request as the rules need it: its status and the people it belongs to."""

    status: RequestStatus
    author_id: int
    assignee_id: int | None = None


@dataclass(frozen=True, slots=True)
class Viewer:
    """A person asking; `None` in place of a Viewer is the system (scheduled jobs)."""

    id: int
    role: Role

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES


STAFF_ROLES: frozenset[Role] = frozenset({Role.ADMIN, Role.EXECUTOR})


def actor_of(subject: Subject, viewer: Viewer | None) -> Actor:
    """Who `viewer` is to this request (the system when None)."""
    if viewer is None:
        return SYSTEM
    return Actor(
        role=viewer.role,
        is_author=viewer.id == subject.author_id,
        is_assignee=subject.assignee_id is not None and viewer.id == subject.assignee_id,
    )


def may_see(subject: Subject, viewer: Viewer | None) -> bool:
    """The one visibility rule: card, history, comments, notes, files, buttons."""
    if viewer is None or viewer.is_admin or viewer.id == subject.author_id:
        return True
    if viewer.role is not Role.EXECUTOR:
        return False
    if subject.assignee_id is None:
        return subject.status is RequestStatus.NEW  # to take it
    return subject.assignee_id == viewer.id


def may_comment(subject: Subject, viewer: Viewer, *, internal: bool) -> bool:
    """Staff comment (and write internal notes) on a request that is still open:
    an admin on any, an executor on their own; the author comments publicly."""
    if subject.status in FINAL_STATUSES:
        return False
    if viewer.is_admin or (viewer.is_staff and subject.assignee_id == viewer.id):
        return True
    return not internal and viewer.id == subject.author_id


def may_delete_comments(viewer: Viewer) -> bool:
    """Only an admin deletes comments (softly: the card says "deleted by an admin")."""
    return viewer.is_admin


@dataclass(frozen=True, slots=True)
class Decision:
    """The answer to "may this person do this to this request now?"."""

    denial: Denial | None
    target: RequestStatus | None = None  # where the request goes, when allowed
    needs_reason: bool = False

    @property
    def allowed(self) -> bool:
        return self.denial is None


def decide(subject: Subject, viewer: Viewer | None, action: Action) -> Decision:
    """The one permission decision. A request the viewer may not see is NOT_FOUND
    (its existence is not revealed), then the status is checked, then the role."""
    if not may_see(subject, viewer):
        return Decision(Denial.NOT_FOUND)
    actor = actor_of(subject, viewer)
    try:
        target = target_status(subject.status, action, actor)
    except TransitionError as exc:
        return Decision(exc.denial)
    return Decision(None, target, needs_reason=reason_required(action, actor))


def actions_for(subject: Subject, viewer: Viewer | None) -> list[Action]:
    """What `viewer` may do to this request now, in a stable order (for keyboards)."""
    return [a for a in Action if decide(subject, viewer, a).allowed]
