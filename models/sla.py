"""Deadline arithmetic: pure functions."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from models.enums import OPEN_STATUSES, Priority, RequestStatus

DEFAULT_SLA_HOURS: dict[str, int] = {"urgent": 4, "high": 24, "normal": 72, "low": 168}


def due_at(created_at: datetime, priority: Priority, hours: Mapping[str, int]) -> datetime:
    return created_at + timedelta(hours=hours.get(priority.value, DEFAULT_SLA_HOURS[priority]))


def is_overdue(due: datetime | None, status: RequestStatus, now: datetime) -> bool:
    return due is not None and status in OPEN_STATUSES and now > due
