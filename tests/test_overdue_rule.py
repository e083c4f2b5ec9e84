"""One overdue rule: the queue, the reminders, /stats and the digest agree with models.sla.

Requests in every status, with no deadline, a passed one, one passing right now and a
future one; every query that counts or lists overdue requests must find exactly those the
pure function calls overdue.
"""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from database.repositories import digest as digest_repo
from database.repositories import jobs as jobs_repo
from database.repositories import queues as queues_repo
from database.repositories import stats as stats_repo
from models import RequestStatus, utcnow
from models.queues import Queue, QueueFilter
from models.sla import is_overdue
from tests.reports_data import assigned_request, seed_people

TZ = ZoneInfo("Europe/Moscow")


async def test_every_query_finds_the_requests_the_pure_rule_calls_overdue(
    db: async_sessionmaker[AsyncSession],
) -> None:
    people = await seed_people(db)
    now = utcnow().replace(microsecond=0)
    deadlines = [None, now - timedelta(hours=3), now, now + timedelta(hours=3)]
    expected: set[int] = set()
    for status in RequestStatus:
        for due in deadlines:
            request = await assigned_request(
                db, people, now - timedelta(days=1), status=status, due_at=due
            )
            if is_overdue(due, status, now):
                expected.add(request.id)
    assert len(expected) == 3  # new, in progress, on hold: only the passed deadline

    async with db() as session, session.begin():
        queue = await queues_repo.queue_page(
            session, QueueFilter(queue=Queue.OVERDUE), now=now, limit=100
        )
        counts = await queues_repo.queue_counts(session, now=now)
        digest = await digest_repo.counts(session, now=now, since=now)
        stats = await stats_repo.snapshot(session, now=now, tz=TZ)
        reminded = await jobs_repo.claim_overdue(session, now, limit=100)

    assert {row.id for row in queue.rows} == expected
    assert counts[Queue.OVERDUE] == len(expected)
    assert digest.overdue == len(expected)
    assert stats.overdue == len(expected)
    assert [line.overdue for line in stats.executors] == [len(expected)]
    assert set(reminded) == expected
