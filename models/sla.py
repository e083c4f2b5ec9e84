"""Deadline arithmetic: pure functions."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from models.enums import OPEN_STATUSES, Priority, RequestStatus

DEFAULT_SLA_HOURS: dict[str, int] = {"urgent": 4, "high": 24, "normal": 72, "low": 168}


def due_at(created_at: datetime, priority: Priority, hours: Mapping[str, int]) -> datetime:
    return created_at + timedelta(hours=hours.get(priority.value, DEFAULT_SLA_HOURS[priority]))


def is_overdue(due: datetime | None, status: RequestStatus, now: datetime) -> bool:
    """Open and past its deadline. The SQL twin is database.conditions.overdue."""
    return due is not None and status in OPEN_STATUSES and now > due


def was_late(
    due: datetime | None, done: datetime | None, status: RequestStatus, now: datetime
) -> bool:
    """Late: finished after the deadline, or still open past it (the export's column)."""
    if due is not None and done is not None:
        return done > due
    return is_overdue(due, status, now)


def deadline_fields(
    created_at: datetime, priority: Priority, hours: Mapping[str, int]
) -> dict[str, datetime | None]:
    """Column values for a request whose priority is set (at creation or by triage).

    The deadline follows the priority's SLA, and the reminder marks are cleared, so a
    new deadline is chased once again when it passes. Merge into the INSERT or the
    compare-and-set UPDATE values.
    """
    return {
        "due_at": due_at(created_at, priority, hours),
        "overdue_reminded_at": None,
        "overdue_escalated_at": None,
    }
