"""The Excel export: one row per request, and a status x category summary sheet.

Memory stays flat however many rows: rows come from the database in batches
(`session.stream` + `yield_per`), each batch is written by openpyxl in write-only mode
(which spools rows to a temporary file, never the working directory) in a worker thread,
so the event loop keeps serving updates while a large file is built.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

import structlog
from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from models import (
    OPEN_STATUSES,
    Attachment,
    AttachmentKind,
    Category,
    Comment,
    Request,
    RequestStatus,
    User,
)
from utils.i18n import Translator

log = structlog.get_logger(__name__)

BATCH = 1000
DATE_FORMAT = "DD.MM.YYYY HH:MM"
MAX_CELL_TEXT = 32_000  # Excel holds at most 32,767 characters in a cell


class ExportPeriod(StrEnum):
    THIS_MONTH = "month"
    LAST_MONTH = "prev"
    LAST_90_DAYS = "90d"
    ALL_TIME = "all"


ANY_STATUS = "any"

# (catalogue key of the header, column width)
COLUMNS: tuple[tuple[str, float], ...] = (
    ("export-col-number", 8),
    ("export-col-created", 17),
    ("export-col-author", 24),
    ("export-col-phone", 16),
    ("export-col-category", 18),
    ("export-col-location", 20),
    ("export-col-description", 50),
    ("export-col-priority", 12),
    ("export-col-status", 15),
    ("export-col-assignee", 24),
    ("export-col-due", 17),
    ("export-col-first-response", 17),
    ("export-col-done", 17),
    ("export-col-closed", 17),
    ("export-col-hours-to-done", 10),
    ("export-col-overdue", 11),
    ("export-col-rating", 8),
    ("export-col-photos", 8),
    ("export-col-comments", 11),
    ("export-col-kind", 12),  # planned (🗓) or reported
)


@dataclass(frozen=True, slots=True)
class ExportFile:
    filename: str
    data: bytes
    rows: int


def period_bounds(
    period: ExportPeriod, now: datetime, tz: ZoneInfo
) -> tuple[datetime | None, datetime | None]:
    """[start, end) of the period on `created_at`, as aware datetimes; None: unbounded."""
    local = now.astimezone(tz)
    month_start = datetime.combine(local.date().replace(day=1), datetime.min.time(), tz)
    match period:
        case ExportPeriod.THIS_MONTH:
            return month_start, None
        case ExportPeriod.LAST_MONTH:
            prev = (month_start.date() - timedelta(days=1)).replace(day=1)
            return datetime.combine(prev, datetime.min.time(), tz), month_start
        case ExportPeriod.LAST_90_DAYS:
            return now - timedelta(days=90), None
    return None, None


def export_filename(now: datetime, tz: ZoneInfo) -> str:
    return f"zavhoz-requests-{now.astimezone(tz):%Y-%m-%d}.xlsx"


def _query(
    start: datetime | None, end: datetime | None, status: RequestStatus | None
) -> Select[*tuple[Any, ...]]:
    author = aliased(User, name="author")
    assignee = aliased(User, name="assignee")
    photos = (
        select(func.count(Attachment.id))
        .where(Attachment.request_id == Request.id, Attachment.kind == AttachmentKind.PHOTO)
        .scalar_subquery()
    )
    comments = (
        select(func.count(Comment.id))
        .where(Comment.request_id == Request.id, Comment.deleted_at.is_(None))
        .scalar_subquery()
    )
    stmt = (
        select(
            Request.id,
            Request.created_at,
            author.full_name,
            author.username,
            author.phone,
            Category.name_ru,
            Category.name_en,
            Request.location,
            Request.description,
            Request.priority,
            Request.status,
            assignee.full_name,
            assignee.username,
            Request.due_at,
            Request.first_response_at,
            Request.done_at,
            Request.closed_at,
            Request.rating,
            photos,
            comments,
            Request.planned_job_id,
        )
        .join(author, author.id == Request.author_id)
        .join(Category, Category.id == Request.category_id)
        .outerjoin(assignee, assignee.id == Request.assignee_id)
        .order_by(Request.id)
    )
    if start is not None:
        stmt = stmt.where(Request.created_at >= start)
    if end is not None:
        stmt = stmt.where(Request.created_at < end)
    if status is not None:
        stmt = stmt.where(Request.status == status)
    return stmt


def was_late(
    due: datetime | None, done: datetime | None, status: RequestStatus, now: datetime
) -> bool:
    """Late: finished after the deadline, or still open past it."""
    if due is None:
        return False
    if done is not None:
        return done > due
    return status in OPEN_STATUSES and now > due


def person_label(full_name: str | None, username: str | None) -> str | None:
    if full_name is None:
        return None
    return f"{full_name} (@{username})" if username else full_name


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
        result = await session.stream(_query(start, end, status).execution_options(yield_per=BATCH))
        async for batch in result.partitions(BATCH):
            await asyncio.to_thread(builder.add, list(batch))
    data = await asyncio.to_thread(builder.finish)
    log.info("export_built", period=period, status=status, rows=builder.rows, size=len(data))
    return ExportFile(export_filename(now, tz), data, builder.rows)
