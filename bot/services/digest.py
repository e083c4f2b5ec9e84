"""The daily digest's numbers and the short queue lists its buttons open."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import OPEN_STATUSES, Category, Request, RequestStatus

QUEUE_PREVIEW = 10


class DigestQueue(StrEnum):
    NEW = "new"
    OVERDUE = "overdue"
    IN_PROGRESS = "in_progress"
    DONE = "done"


@dataclass(frozen=True, slots=True)
class DigestCounts:
    new_since: int  # created since the previous digest
    new: int  # waiting in the New queue
    overdue: int
    in_progress: int
    done: int  # done, awaiting the author's confirmation

    def queue(self, queue: DigestQueue) -> int:
        return {
            DigestQueue.NEW: self.new,
            DigestQueue.OVERDUE: self.overdue,
            DigestQueue.IN_PROGRESS: self.in_progress,
            DigestQueue.DONE: self.done,
        }[queue]


@dataclass(frozen=True, slots=True)
class QueueLine:
    id: int
    status: RequestStatus
    category_ru: str
    category_en: str
    location: str
    overdue: bool

    def category(self, language: str) -> str:
        return self.category_en if language == "en" else self.category_ru


def _is_overdue(now: datetime) -> ColumnElement[bool]:
    return and_(Request.status.in_(OPEN_STATUSES), Request.due_at < now)


def _queue_filter(queue: DigestQueue, now: datetime) -> ColumnElement[bool]:
    if queue is DigestQueue.OVERDUE:
        return _is_overdue(now)
    return Request.status == RequestStatus(queue.value)


async def counts(session: AsyncSession, *, now: datetime, since: datetime) -> DigestCounts:
    """One query; the caller owns the transaction."""
    row = (
        await session.execute(
            select(
                func.count(Request.id).filter(Request.created_at >= since),
                func.count(Request.id).filter(Request.status == RequestStatus.NEW),
                func.count(Request.id).filter(_is_overdue(now)),
                func.count(Request.id).filter(Request.status == RequestStatus.IN_PROGRESS),
                func.count(Request.id).filter(Request.status == RequestStatus.DONE),
            )
        )
    ).one()
    return DigestCounts(*row)


async def queue_preview(
    session: AsyncSession, queue: DigestQueue, *, now: datetime, limit: int = QUEUE_PREVIEW
) -> tuple[int, list[QueueLine]]:
    """How many requests the queue holds, and the first `limit` of them (oldest first)."""
    where = _queue_filter(queue, now)
    async with session.begin():
        total = await session.scalar(select(func.count(Request.id)).where(where)) or 0
        order = (
            (Request.due_at, Request.id)
            if queue is DigestQueue.OVERDUE
            else (Request.created_at, Request.id)
        )
        rows = await session.execute(
            select(
                Request.id,
                Request.status,
                Category.name_ru,
                Category.name_en,
                Request.location,
                Request.due_at,
            )
            .join(Category, Category.id == Request.category_id)
            .where(where)
            .order_by(*order)
            .limit(limit)
        )
        lines = [
            QueueLine(
                id=rid,
                status=status,
                category_ru=ru,
                category_en=en,
                location=location,
                overdue=due is not None and status in OPEN_STATUSES and now > due,
            )
            for rid, status, ru, en, location, due in rows
        ]
    return total, lines
