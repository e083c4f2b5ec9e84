"""SLA deadlines: due_at from the priority, and re-arming the reminders on a change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.settings import Settings
from models.enums import Priority, RequestStatus
from models.sla import deadline_fields, is_overdue, was_late

CREATED = datetime(2026, 3, 18, 6, 0, tzinfo=UTC)


def test_deadline_follows_the_configured_sla_and_clears_reminder_marks() -> None:
    hours = Settings(_env_file=None, bot_token="1:x", sla_hours_urgent=2).sla_hours()  # type: ignore[call-arg]
    assert deadline_fields(CREATED, Priority.URGENT, hours) == {
        "due_at": CREATED + timedelta(hours=2),
        "overdue_reminded_at": None,
        "overdue_escalated_at": None,
    }
    assert deadline_fields(CREATED, Priority.LOW, hours)["due_at"] == CREATED + timedelta(days=7)


def test_only_open_requests_past_their_deadline_are_overdue() -> None:
    due = CREATED + timedelta(hours=4)
    after = due + timedelta(seconds=1)
    assert is_overdue(due, RequestStatus.IN_PROGRESS, after)
    assert not is_overdue(due, RequestStatus.IN_PROGRESS, due)
    assert not is_overdue(due, RequestStatus.DONE, after)
    assert not is_overdue(None, RequestStatus.NEW, after)


def test_the_export_calls_late_what_was_finished_after_or_is_still_open_past_its_deadline() -> None:
    due = CREATED + timedelta(hours=4)
    before, after = due - timedelta(minutes=1), due + timedelta(minutes=1)
    assert was_late(due, after, RequestStatus.CLOSED, before)
    assert not was_late(due, before, RequestStatus.CLOSED, after)
    assert was_late(due, None, RequestStatus.ON_HOLD, after)
    assert not was_late(due, None, RequestStatus.CANCELLED, after)
    assert not was_late(None, after, RequestStatus.DONE, after)
