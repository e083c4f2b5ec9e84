"""The daily digest's numbers (its buttons open the admin panel's queues)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import OPEN_STATUSES, Request, RequestStatus


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


def _is_overdue(now: datetime) -> ColumnElement[bool]:
    return and_(Request.status.in_(OPEN_STATUSES), Request.due_at < now)


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
