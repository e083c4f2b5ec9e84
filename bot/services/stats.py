"""/stats: every number read in one transaction, so they agree with each other."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from database.repositories import stats as stats_repo
from models.reports import Stats


async def collect(session: AsyncSession, *, now: datetime, tz: ZoneInfo) -> Stats:
    """All the numbers, read in one transaction (a consistent snapshot)."""
    async with session.begin():
        return await stats_repo.snapshot(session, now=now, tz=tz)
