"""The state machine, exhaustively: every (status, action, actor) combination."""

from __future__ import annotations

import itertools

import pytest

from models.enums import Action, RequestStatus, Role
from models.workflow import (
    SYSTEM,
    Actor,
    Denial,
    Subject,
    TransitionError,
    Viewer,
    actions_for,
    allowed_actions,
    check,
    decide,
    is_allowed,
    may_comment,
    may_see,
    reason_required,
    target_status,
)

S = RequestStatus
A = Action

# Every actor shape that matters: role x (author?) x (assignee?), plus the system.
ACTORS = [
    Actor(role=role, is_author=author, is_assignee=assignee)
    for role, author, assignee in itertools.product(Role, (False, True), (False, True))
] + [SYSTEM]


def expected(status: S, action: A, actor: Actor) -> S | None:
    """The rules, written once more independently as a table of who may do what."""
    admin = actor.role is Role.ADMIN
    staff = actor.role in (Role.ADMIN, Role.EXECUTOR)
    rules: dict[tuple[A, S], tuple[bool, S]] = {
        (A.TAKE, S.NEW): (staff, S.IN_PROGRESS),
        (A.ASSIGN, S.NEW): (admin, S.IN_PROGRESS),
        (A.ASSIGN, S.IN_PROGRESS): (admin, S.IN_PROGRESS),
        (A.ASSIGN, S.ON_HOLD): (admin, S.ON_HOLD),
        (A.REJECT, S.NEW): (admin, S.REJECTED),
        (A.HOLD, S.IN_PROGRESS): (admin or (staff and actor.is_assignee), S.ON_HOLD),
        (A.RESUME, S.ON_HOLD): (admin or (staff and actor.is_assignee), S.IN_PROGRESS),
        (A.FINISH, S.IN_PROGRESS): (admin or (staff and actor.is_assignee), S.DONE),
        (A.CONFIRM, S.DONE): (actor.is_author and not actor.is_system, S.CLOSED),
        (A.AUTO_CLOSE, S.DONE): (actor.is_system, S.CLOSED),
        (A.REOPEN, S.DONE): ((actor.is_author or admin) and not actor.is_system, S.IN_PROGRESS),
    }
    for st in (S.NEW, S.IN_PROGRESS, S.ON_HOLD):
        rules[(A.CANCEL, st)] = ((actor.is_author or admin) and not actor.is_system, S.CANCELLED)
    allowed, target = rules.get((action, status), (False, status))
    if actor.is_system and action is not A.AUTO_CLOSE:
        allowed = False
    return target if allowed else None


@pytest.mark.parametrize("status", list(S))
@pytest.mark.parametrize("action", list(A))
@pytest.mark.parametrize("actor", ACTORS, ids=repr)
def test_every_combination(status: S, action: A, actor: Actor) -> None:
    want = expected(status, action, actor)
    if want is None:
        with pytest.raises(TransitionError) as info:
            target_status(status, action, actor)
        assert info.value.denial in (Denial.WRONG_STATUS, Denial.FORBIDDEN)
        assert not is_allowed(status, action, actor)
        assert action not in allowed_actions(status, actor)
    else:
        assert target_status(status, action, actor) is want
        assert action in allowed_actions(status, actor)


@pytest.mark.parametrize("status", [S.CLOSED, S.REJECTED, S.CANCELLED])
def test_final_statuses_allow_nothing(status: S) -> None:
    for actor in ACTORS:
        assert allowed_actions(status, actor) == []


def test_wrong_status_is_reported_before_role() -> None:
    with pytest.raises(TransitionError) as info:
        target_status(S.DONE, A.TAKE, Actor(role=Role.USER))
    assert info.value.denial is Denial.WRONG_STATUS


@pytest.mark.parametrize(
    ("action", "status", "actor"),
    [
        (A.REJECT, S.NEW, Actor(role=Role.ADMIN)),
        (A.HOLD, S.IN_PROGRESS, Actor(role=Role.EXECUTOR, is_assignee=True)),
        (A.REOPEN, S.DONE, Actor(role=Role.USER, is_author=True)),
    ],
)
def test_reason_is_required(action: A, status: S, actor: Actor) -> None:
    assert reason_required(action, actor)
    for empty in (None, "", "   "):
        with pytest.raises(TransitionError) as info:
            check(status, action, actor, empty)
        assert info.value.denial is Denial.REASON_REQUIRED
    assert check(status, action, actor, "no spare part")


def test_admin_reopens_without_reason_and_author_confirms_without_one() -> None:
    assert check(S.DONE, A.REOPEN, Actor(role=Role.ADMIN)) is S.IN_PROGRESS
    assert check(S.DONE, A.CONFIRM, Actor(role=Role.USER, is_author=True)) is S.CLOSED


def test_executor_cannot_touch_someone_elses_task() -> None:
    stranger = Actor(role=Role.EXECUTOR, is_assignee=False)
    assert allowed_actions(S.IN_PROGRESS, stranger) == []
    assert allowed_actions(S.NEW, stranger) == [A.TAKE]


# ----------------------------------------------------------- decide() and may_see()
ME = 1
OTHER = 2

# How the viewer stands to the request: (is author, is assignee, assigned to someone else).
RELATIONS = {
    "stranger-unassigned": (False, False, False),
    "stranger-assigned-elsewhere": (False, False, True),
    "author-unassigned": (True, False, False),
    "author-assigned-elsewhere": (True, False, True),
    "assignee": (False, True, False),
    "author-and-assignee": (True, True, False),
}


def subject_for(status: S, relation: str) -> Subject:
    author, assignee, elsewhere = RELATIONS[relation]
    assignee_id = ME if assignee else OTHER + 1 if elsewhere else None
    return Subject(status=status, author_id=ME if author else OTHER, assignee_id=assignee_id)


def expected_visible(status: S, role: Role, relation: str) -> bool:
    """The visibility rule written once more, as a table."""
    author, assignee, elsewhere = RELATIONS[relation]
    if role is Role.ADMIN or author:
        return True
    if role is Role.EXECUTOR:
        return assignee or (status is S.NEW and not elsewhere)
    return False


@pytest.mark.parametrize("status", list(S))
@pytest.mark.parametrize("action", list(A))
@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("relation", list(RELATIONS))
def test_decide_every_role_status_action_relation(
    status: S, action: A, role: Role, relation: str
) -> None:
    author, assignee, _ = RELATIONS[relation]
    decision = decide(subject_for(status, relation), Viewer(ME, role), action)
    actor = Actor(role=role, is_author=author, is_assignee=assignee)
    want = expected(status, action, actor)
    if not expected_visible(status, role, relation):
        assert decision.denial is Denial.NOT_FOUND
        assert not decision.allowed and decision.target is None
    elif want is None:
        assert decision.denial in (Denial.WRONG_STATUS, Denial.FORBIDDEN)
        assert not decision.allowed and decision.target is None
    else:
        assert decision.allowed and decision.denial is None
        assert decision.target is want
        assert decision.needs_reason is reason_required(action, actor)
    allowed = actions_for(subject_for(status, relation), Viewer(ME, role))
    assert (action in allowed) is decision.allowed


@pytest.mark.parametrize("status", list(S))
@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("relation", list(RELATIONS))
def test_may_see_every_role_status_relation(status: S, role: Role, relation: str) -> None:
    subject = subject_for(status, relation)
    assert may_see(subject, Viewer(ME, role)) is expected_visible(status, role, relation)
    assert may_see(subject, None)  # the system sees everything


@pytest.mark.parametrize("status", list(S))
@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("relation", list(RELATIONS))
@pytest.mark.parametrize("internal", [False, True])
def test_may_comment_every_role_status_relation(
    status: S, role: Role, relation: str, internal: bool
) -> None:
    author, assignee, _ = RELATIONS[relation]
    staff = role is Role.ADMIN or (role is Role.EXECUTOR and assignee)
    want = status not in (S.CLOSED, S.REJECTED, S.CANCELLED) and (
        staff or (author and not internal)
    )
    subject = subject_for(status, relation)
    assert may_comment(subject, Viewer(ME, role), internal=internal) is want


@pytest.mark.parametrize("status", list(S))
@pytest.mark.parametrize("action", list(A))
def test_the_system_decides_like_the_state_machine(status: S, action: A) -> None:
    decision = decide(Subject(status, author_id=OTHER), None, action)
    assert decision.target is expected(status, action, SYSTEM)


def test_an_executor_sees_a_new_request_to_take_it_and_loses_it_once_taken() -> None:
    me = Viewer(ME, Role.EXECUTOR)
    new = Subject(S.NEW, author_id=OTHER)
    assert decide(new, me, A.TAKE).target is S.IN_PROGRESS
    taken = Subject(S.IN_PROGRESS, author_id=OTHER, assignee_id=OTHER + 1)
    assert decide(taken, me, A.TAKE).denial is Denial.NOT_FOUND
    assert decide(taken, me, A.HOLD).denial is Denial.NOT_FOUND
