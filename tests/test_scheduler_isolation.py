"""One request whose card cannot be drawn costs only its own reminder (issue 13 item 18).

It used to roll back the whole reminder batch and, being the oldest overdue request,
come first again on every tick: nobody got overdue reminders any more.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import structlog
from aiogram.methods import SendMessage

from bot.scheduler import Scheduler, TickResult
from bot.services.notifications import Notifier
from tests.conftest import ADMIN, EXECUTOR, Harness
from tests.reports_data import add_request, assigned_request, seed_people

NOW = datetime(2026, 3, 18, 6, 0, tzinfo=UTC)


def scheduler_for(harness: Harness) -> Scheduler:
    settings = harness.settings.model_copy(update={"digest_time": None})
    return Scheduler(harness.session_pool, harness.catalogue, settings)


@pytest.fixture
def broken_card(monkeypatch: pytest.MonkeyPatch) -> set[int]:
    """Request ids whose staff card raises when drawn (a corrupt row, a template bug)."""
    broken: set[int] = set()
    draw = Notifier.staff_card

    def staff_card(self: Notifier, t: Any, view: Any, now: datetime, **kw: Any) -> Any:
        if view.id in broken:
            raise ValueError("cannot render this card")
        return draw(self, t, view, now, **kw)

    monkeypatch.setattr(Notifier, "staff_card", staff_card)
    return broken


async def test_a_card_that_cannot_be_drawn_does_not_stop_the_other_reminders(
    harness: Harness, broken_card: set[int]
) -> None:
    db = harness.session_pool
    people = await seed_people(db)
    oldest = await add_request(  # first in line: overdue the longest
        db, author_id=people.teacher.id, created_at=NOW - timedelta(hours=200)
    )
    assigned = await assigned_request(db, people, NOW - timedelta(hours=80))
    unassigned = await add_request(
        db, author_id=people.teacher.id, created_at=NOW - timedelta(hours=75)
    )
    broken_card.add(oldest.id)
    scheduler = scheduler_for(harness)

    with structlog.testing.capture_logs() as logs:
        result = await scheduler.tick(NOW)

    assert result == TickResult(reminded=2)
    await harness.deliver_outbox()
    got = [harness.pop(SendMessage), harness.pop(SendMessage)]
    assert [(m.chat_id, f"#{assigned.id} истёк" in m.text) for m in got] == [
        (EXECUTOR.id, True),
        (ADMIN.id, False),
    ]
    assert f"Срок заявки #{unassigned.id} истёк" in got[1].text
    harness.expect_nothing()
    [failure] = [e for e in logs if e["event"] == "overdue_reminder_failed"]
    assert failure["request_id"] == oldest.id
    assert not [e for e in logs if e["event"] == "scheduled_job_failed"]

    # The bad one is not first in line on every tick: it was logged once and is skipped.
    later = await add_request(db, author_id=people.teacher.id, created_at=NOW - timedelta(hours=73))
    assert await scheduler.tick(NOW + timedelta(minutes=1)) == TickResult(reminded=1)
    await harness.deliver_outbox()
    assert f"Срок заявки #{later.id} истёк" in harness.pop(SendMessage).text


async def test_an_escalation_that_cannot_be_drawn_does_not_stop_the_others(
    harness: Harness, broken_card: set[int]
) -> None:
    db = harness.session_pool
    people = await seed_people(db)
    bad = await add_request(db, author_id=people.teacher.id, created_at=NOW - timedelta(hours=200))
    good = await add_request(db, author_id=people.teacher.id, created_at=NOW - timedelta(hours=90))
    scheduler = scheduler_for(harness)
    assert await scheduler.tick(NOW) == TickResult(reminded=2)
    await harness.deliver_outbox()
    harness.pop_all()
    broken_card.add(bad.id)

    with structlog.testing.capture_logs() as logs:
        result = await scheduler.tick(NOW + timedelta(hours=25))

    assert result == TickResult(escalated=1)
    await harness.deliver_outbox()
    assert f"Заявка #{good.id} просрочена больше суток" in harness.pop(SendMessage).text
    assert [e["request_id"] for e in logs if e["event"] == "overdue_escalation_failed"] == [bad.id]
