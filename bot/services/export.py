"""The Excel export: one row per request, and a status x category summary sheet.

Memory stays flat however many rows: rows come from the database in batches
(database/repositories/export.py streams them), each batch is written by openpyxl in
write-only mode (which spools rows to a temporary file, never the working directory) in a
worker thread, so the event loop keeps serving updates while a large file is built.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from database.repositories import export as export_repo
from models import RequestStatus
from models.reports import ExportPeriod, period_bounds
from utils.i18n import Translator

log = structlog.get_logger(__name__)

BATCH = 1000


@dataclass(frozen=True, slots=True)
class ExportFile:
    filename: str
    data: bytes
    rows: int


def export_filename(now: datetime, tz: ZoneInfo) -> str:
    return f"zavhoz-requests-{now.astimezone(tz):%Y-%m-%d}.xlsx"


async def build_export(
    session: AsyncSession,
    t: Translator,
    *,
    period: ExportPeriod,
    status: RequestStatus | None,
    now: datetime,
    tz: ZoneInfo,
) -> ExportFile:
    """Read the requests of the period (and status) and return the .xlsx file."""
    start, end = period_bounds(period, now, tz)
    # openpyxl (~20 MB resident) is imported by the first export, not with the bot.
    from bot.services.xlsx import Builder

    builder = await asyncio.to_thread(Builder, t, tz, now)
    async with session.begin():
        async for batch in export_repo.batches(
            session, start=start, end=end, status=status, size=BATCH
        ):
            await asyncio.to_thread(builder.add, list(batch))
    data = await asyncio.to_thread(builder.finish)
    log.info("export_built", period=period, status=status, rows=builder.rows, size=len(data))
    return ExportFile(export_filename(now, tz), data, builder.rows)
