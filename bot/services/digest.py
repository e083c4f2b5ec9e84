"""The daily digest's numbers (its buttons open the admin panel's queues)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from database.repositories import digest as digest_repo
from models.reports import DigestCounts


async def counts(session: AsyncSession, *, now: datetime, since: datetime) -> DigestCounts:
    """One query; the caller owns the transaction."""
    return await digest_repo.counts(session, now=now, since=since)
