"""Planned maintenance: recurring jobs defined by admins, and the checklist of a request.

A planned job creates a request at each occurrence of its schedule (models/schedule.py);
the request keeps `planned_job_id` and a copy of the checklist as rows, one per item, so
two people ticking different items at once never overwrite each other, and a tick is a
compare-and-set on its row. A deleted job is only marked deleted: the requests it made
and their history stay.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, Timestamps
from models.entities import str_enum
from models.enums import Priority, RequestStatus, Role

TITLE_MAX = 100
ITEM_MAX = 200
PLACE_MAX = 100  # the requests' location column
ITEMS_MAX = 30
PLACES_MAX = 10


class PlannedStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    DELETED = "deleted"


class ItemState(StrEnum):
    OPEN = "open"
    DONE = "done"
    FAILED = "failed"


class PlannedJob(Timestamps, Base):
    __tablename__ = "planned_jobs"
    __table_args__ = (Index("ix_planned_jobs_status_next_run_at", "status", "next_run_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id", ondelete="RESTRICT"))
    places: Mapped[list[str]] = mapped_column(JSON)
    checklist: Mapped[list[str]] = mapped_column(JSON)
    # None: the admins' queue (the request waits in New for triage).
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    priority: Mapped[Priority] = mapped_column(str_enum(Priority), default=Priority.NORMAL)
    # models.schedule.Schedule, as JSON (structured fields, never a user's rrule string).
    schedule: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[PlannedStatus] = mapped_column(
        str_enum(PlannedStatus), default=PlannedStatus.ACTIVE
    )
    # The next occurrence not yet created; claimed by a compare-and-set on this column.
    next_run_at: Mapped[datetime | None]
    last_run_at: Mapped[datetime | None]
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    deleted_at: Mapped[datetime | None]


class ChecklistItem(Base):
    __tablename__ = "checklist_items"
    __table_args__ = (UniqueConstraint("request_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(String(ITEM_MAX))
    state: Mapped[ItemState] = mapped_column(str_enum(ItemState), default=ItemState.OPEN)
    note: Mapped[str | None] = mapped_column(Text)
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    checked_at: Mapped[datetime | None]
    # The repair request filed for a failed item (one tap, once).
    followup_request_id: Mapped[int | None] = mapped_column(
        ForeignKey("requests.id", ondelete="SET NULL")
    )


# ------------------------------------------------------------------- who may do what
def may_manage_jobs(role: Role) -> bool:
    """Planned jobs are the admins' (create, list, pause, resume, delete)."""
    return role is Role.ADMIN


def may_work_checklist(role: Role, *, is_assignee: bool, status: RequestStatus) -> bool:
    """Ticking and failing items: the request is in work, by its assignee or an admin."""
    if status is not RequestStatus.IN_PROGRESS:
        return False
    return role is Role.ADMIN or (role is Role.EXECUTOR and is_assignee)


def checklist_blocks_finish(open_items: int) -> bool:
    """Done needs every item ticked, or failed with a note saying why."""
    return open_items > 0
