"""The .xlsx writer of the export (bot/services/export.py), in openpyxl's write-only mode.

A module of its own so that openpyxl is imported by the first export, not at start.
"""

from __future__ import annotations

import io
from collections import Counter
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from models import Priority, RequestStatus
from models.names import in_language
from models.sla import was_late
from models.views import person_label
from utils.i18n import Translator

DATE_FORMAT = "DD.MM.YYYY HH:MM"
MAX_CELL_TEXT = 32_000  # Excel holds at most 32,767 characters in a cell

# (catalogue key of the header, column width); the order of the export query's columns
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
    ("export-col-building", 16),  # the catalogued place's building
)


class Builder:
    """The workbook being written. Called from worker threads, one call at a time."""

    def __init__(self, t: Translator, tz: ZoneInfo, now: datetime) -> None:
        self.t = t
        self.tz = tz
        self.now = now
        self.statuses = {s: t(f"status-{s}") for s in RequestStatus}
        self.priorities = {p: t(f"priority-{p}") for p in Priority}
        self.kinds = {True: t("export-kind-planned"), False: t("export-kind-reported")}
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
                planned_job_id,
                building,
            ) = row
            category = in_language(language, cat_ru, cat_en)
            hours = round((done - created).total_seconds() / 3600, 1) if done else None
            self.ws.append(
                [
                    number,
                    self._date(created),
                    self._text(person_label(author_name, author_username)),
                    self._text(phone),
                    self._text(category),
                    self._text(location),
                    self._text(description),
                    self.priorities[priority],
                    self.statuses[status],
                    self._text(person_label(assignee_name, assignee_username)),
                    self._date(due),
                    self._date(first_response),
                    self._date(done),
                    self._date(closed),
                    hours,
                    was_late(due, done, status, self.now),
                    rating,
                    photos or 0,
                    comments or 0,
                    self.kinds[planned_job_id is not None],
                    self._text(building),
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
