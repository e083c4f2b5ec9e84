"""The daily digest's numbers: one query. Takes a session, never commits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from database.conditions import overdue
from models import Request, RequestStatus
from models.reports import DigestCounts


async def counts(session: AsyncSession, *, now: datetime, since: datetime) -> DigestCounts:
    row = (
        await session.execute(
            select(
                func.count(Request.id).filter(Request.created_at >= since),
                func.count(Request.id).filter(Request.status == RequestStatus.NEW),
                func.count(Request.id).filter(overdue(now)),
                func.count(Request.id).filter(Request.status == RequestStatus.IN_PROGRESS),
                func.count(Request.id).filter(Request.status == RequestStatus.DONE),
            )
        )
    ).one()
    return DigestCounts(*row)
