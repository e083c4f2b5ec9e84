"""Who sees which requests, in SQL: the queues, their counts and the search show a person
exactly the requests `models.workflow.may_see` lets them see."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from database.repositories import queues as queues_repo
from models import RequestStatus, Role, User, utcnow
from models.queues import Queue, QueueFilter
from models.workflow import Subject, Viewer, may_see
from tests.conftest import Harness
from tests.staff import add_person, add_request
from tests.updates import Person

VIEWERS = {
    Role.USER: Person(id=910_101, first_name="Учитель"),
    Role.EXECUTOR: Person(id=910_102, first_name="Мастер"),
    Role.ADMIN: Person(id=910_103, first_name="Завхоз"),
}
OTHER_AUTHOR = Person(id=910_104, first_name="Другой")
OTHER_EXECUTOR = Person(id=910_105, first_name="Другой мастер")

Seeded = dict[int, Subject]


async def seed(pool: async_sessionmaker[AsyncSession]) -> tuple[dict[Role, User], Seeded]:
    """A request for every status x author x assignee among the viewers and two others."""
    viewers = {role: await add_person(pool, p, role) for role, p in VIEWERS.items()}
    other = await add_person(pool, OTHER_AUTHOR)
    other_executor = await add_person(pool, OTHER_EXECUTOR, Role.EXECUTOR)
    authors = [*viewers.values(), other]
    assignees: list[User | None] = [None, *viewers.values(), other_executor]
    seeded: Seeded = {}
    for status, author, assignee in itertools.product(RequestStatus, authors, assignees):
        rid = await add_request(pool, author, status=status, assignee=assignee)
        seeded[rid] = Subject(status, author.id, assignee.id if assignee else None)
    return viewers, seeded


@pytest.mark.parametrize("role", list(Role))
async def test_queues_counts_and_search_show_what_may_see_allows(
    harness: Harness, role: Role
) -> None:
    pool = harness.session_pool
    viewers, seeded = await seed(pool)
    viewer = Viewer(viewers[role].id, role)
    expected = {rid for rid, subject in seeded.items() if may_see(subject, viewer)}
    assert expected and (role is Role.ADMIN) == (expected == set(seeded))
    big = len(seeded) + 1
    now = utcnow()

    async with pool() as session:
        queue = await queues_repo.queue_page(
            session, QueueFilter(viewer=viewer), now=now, limit=big
        )
        counts = await queues_repo.queue_counts(session, now=now, viewer=viewer)
        found = await queues_repo.search(session, "кран", viewer=viewer, limit=big)

    assert {r.id for r in queue.rows} == expected
    assert counts[Queue.ALL] == len(expected)
    new = {rid for rid in expected if seeded[rid].status is RequestStatus.NEW}
    assert counts[Queue.NEW] == len(new)
    assert {r.id for r in found.rows} == expected
