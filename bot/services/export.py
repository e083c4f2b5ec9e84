"""The Excel export: one row per request, and a status x category summary sheet.

Memory stays flat however many rows: rows come from the database in batches
(`session.stream` + `yield_per`), each batch is written by openpyxl in write-only mode
(which spools rows to a temporary file, never the working directory) in a worker thread,
so the event loop keeps serving updates while a large file is built.
"""

from __future__ import annotations

import asyncio
import io
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

import structlog
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from models import (
    OPEN_STATUSES,
    Attachment,
    AttachmentKind,
    Category,
    Comment,
    Priority,
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


def _person(full_name: str | None, username: str | None) -> str | None:
    if full_name is None:
        return None
    return f"{full_name} (@{username})" if username else full_name


class _Builder:
    """The workbook being written. Called from worker threads, one call at a time."""

    def __init__(self, t: Translator, tz: ZoneInfo, now: datetime) -> None:
        self.t = t
        self.tz = tz
        self.now = now
        self.statuses = {s: t(f"status-{s}") for s in RequestStatus}
        self.priorities = {p: t(f"priority-{p}") for p in Priority}
        self.summary: Counter[tuple[str, RequestStatus]] = Counter()
        self.rows = 0
        self.wb = Workbook(write_only=True)
        self.ws: WriteOnlyWorksheet = self.wb.create_sheet(t("export-sheet-requests"))
        for i, (_, width) in enumerate(COLUMNS, start=1):
            self.ws.column_dimensions[get_column_letter(i)].width = width
        self.ws.freeze_panes = "A2"
        self.ws.append([self._header(t(key)) for key, _ in COLUMNS])

    def _header(self, text: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.ws, value=text)
        cell.font = Font(bold=True)
        return cell

    def _date(self, value: datetime | None) -> WriteOnlyCell | None:
        if value is None:
            return None
        # Excel has no time zones: local wall-clock time in TIMEZONE, naive.
        cell = WriteOnlyCell(self.ws, value=value.astimezone(self.tz).replace(tzinfo=None))
        cell.number_format = DATE_FORMAT
        return cell

    def _text(self, value: str | None) -> Any:
        if value is None:
            return None
        value = ILLEGAL_CHARACTERS_RE.sub("", value)[:MAX_CELL_TEXT]
        if value.startswith("="):  # user text is never a formula
            cell = WriteOnlyCell(self.ws, value=value)
            cell.data_type = "s"
            return cell
        return value

    def add(self, batch: list[Any]) -> None:
        language = self.t.language
        for row in batch:
            (
                number,
                created,
                author_name,
                author_username,
                phone,
                cat_ru,
                cat_en,
                location,
                description,
                priority,
                status,
                assignee_name,
                assignee_username,
                due,
                first_response,
                done,
                closed,
                rating,
                photos,
                comments,
            ) = row
            category = cat_en if language == "en" else cat_ru
            hours = round((done - created).total_seconds() / 3600, 1) if done else None
            self.ws.append(
                [
                    number,
                    self._date(created),
                    self._text(_person(author_name, author_username)),
                    self._text(phone),
                    self._text(category),
                    self._text(location),
                    self._text(description),
                    self.priorities[priority],
                    self.statuses[status],
                    self._text(_person(assignee_name, assignee_username)),
                    self._date(due),
                    self._date(first_response),
                    self._date(done),
                    self._date(closed),
                    hours,
                    was_late(due, done, status, self.now),
                    rating,
                    photos or 0,
                    comments or 0,
                ]
            )
            self.summary[(category, status)] += 1
            self.rows += 1

    def finish(self) -> bytes:
        last = get_column_letter(len(COLUMNS))
        self.ws.auto_filter.ref = f"A1:{last}{self.rows + 1}"
        self._write_summary()
        buffer = io.BytesIO()
        self.wb.save(buffer)
        return buffer.getvalue()

    def _write_summary(self) -> None:
        t = self.t
        ws = self.wb.create_sheet(t("export-sheet-summary"))
        statuses = list(RequestStatus)
        ws.column_dimensions["A"].width = 24
        for i in range(len(statuses) + 1):
            ws.column_dimensions[get_column_letter(i + 2)].width = 14
        ws.freeze_panes = "B2"
        header = [t("export-summary-category"), *(self.statuses[s] for s in statuses)]
        ws.append([self._header(h) for h in [*header, t("export-summary-total")]])
        categories = sorted({category for category, _ in self.summary})
        for category in categories:
            counts = [self.summary[(category, s)] for s in statuses]
            ws.append([self._text(category), *counts, sum(counts)])
        totals = [sum(self.summary[(c, s)] for c in categories) for s in statuses]
        ws.append([self._header(t("export-summary-total")), *totals, sum(totals)])


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
    builder = await asyncio.to_thread(_Builder, t, tz, now)
    async with session.begin():
        result = await session.stream(_query(start, end, status).execution_options(yield_per=BATCH))
        async for batch in result.partitions(BATCH):
            await asyncio.to_thread(builder.add, list(batch))
    data = await asyncio.to_thread(builder.finish)
    log.info("export_built", period=period, status=status, rows=builder.rows, size=len(data))
    return ExportFile(export_filename(now, tz), data, builder.rows)
