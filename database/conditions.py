"""SQL twins of the pure rules in models/: one expression per rule, used by every query.

`overdue(now)` is what models.sla.is_overdue says in Python: open and past its deadline.
The queues, the reminders, /stats, the digest and the export all ask it here.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_

from models import OPEN_STATUSES, Request


def is_open() -> ColumnElement[bool]:
    return Request.status.in_(OPEN_STATUSES)


def overdue(now: datetime) -> ColumnElement[bool]:
    """Open and past its deadline (a request without a deadline is never overdue)."""
    return and_(is_open(), Request.due_at < now)
