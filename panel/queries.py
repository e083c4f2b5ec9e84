"""Every read the panel makes, in one place: the services and repositories the bot uses.

Who sees what is the workflow's one rule (`models.workflow.may_see`), never the panel's
own: lists carry the person as `QueueFilter.viewer` (the same rule in SQL,
`database.repositories.queues.visible_to`), one request is read through `triage`, which
asks `may_see`.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import admin_users, triage
from bot.services import categories as categories_service
from bot.services import stats as stats_service
from bot.services.categories import CategoryInfo
from bot.services.charts import ChartTexts, render_chart
from bot.services.export import build_export
from bot.services.transitions import viewer_of
from database.repositories import categories as categories_repo
from database.repositories import queues as queues_repo
from models import Attachment, Category, User
from models.queues import Queue, QueueFilter
from models.reports import Stats
from models.views import QueuePage, StaffCard, StaffRow, UserRow
from utils.i18n import Translator

PAGE_SIZE = 25
STAFF_OPTIONS = 200


def _visible(user: User, flt: QueueFilter) -> QueueFilter:
    """`flt` narrowed to what `user` may see (the workflow's rule, applied in SQL)."""
    return replace(flt, viewer=viewer_of(user))


# ------------------------------------------------------------------------- lists
@dataclass(frozen=True, slots=True)
class QueueScreen:
    """Everything the queue page shows, read in one transaction."""

    counts: dict[Queue, int]
    categories: list[Category]
    staff: list[StaffRow]
    flt: QueueFilter  # as applied (narrowed for an executor)
    page: QueuePage | None = None  # None: only the frame (a search fills the rows)
    total: int = 0


async def _counts(session: AsyncSession, user: User, now: datetime) -> dict[Queue, int]:
    return await queues_repo.queue_counts(session, now=now, viewer=viewer_of(user))


async def queue_counts(session: AsyncSession, user: User, *, now: datetime) -> dict[Queue, int]:
    async with session.begin():
        return await _counts(session, user, now)


async def queue_screen(
    session: AsyncSession,
    user: User,
    flt: QueueFilter,
    *,
    now: datetime,
    after_id: int = 0,
    oldest_first: bool = False,
    with_rows: bool = True,
) -> QueueScreen:
    """The counts of every queue, the filters' choices and (`with_rows`) a keyset page."""
    flt = _visible(user, flt)
    filtered = flt != QueueFilter(queue=flt.queue, viewer=flt.viewer)
    async with session.begin():
        if with_rows and filtered:  # the filtered queue's size beside every queue's
            counts, total = await queues_repo.queue_counts_and_total(session, flt, now=now)
        else:  # the queue as it is: its size is one of the counts
            counts = await _counts(session, user, now)
            total = counts[flt.queue]
        categories = list(await categories_repo.all_categories(session))
        staff, _ = await queues_repo.staff_page(session, limit=STAFF_OPTIONS)
        if not with_rows:
            return QueueScreen(counts, categories, staff, flt)
        page = await queues_repo.queue_page(
            session, flt, now=now, after_id=after_id, limit=PAGE_SIZE, oldest_first=oldest_first
        )
    return QueueScreen(counts, categories, staff, flt, page, total)


async def search(
    session: AsyncSession, user: User, text: str, *, after_id: int = 0
) -> int | QueuePage:
    """A #number: that number (the caller opens the request, which checks visibility);
    words: a page of the matches among the requests `user` may see (`triage.search`)."""
    number = queues_repo.parse_number(text)
    if number is not None:
        return number
    result = await triage.search(session, text, user=user, after_id=after_id)
    return result.page or QueuePage([], False)


async def filter_options(session: AsyncSession) -> tuple[list[Category], list[StaffRow]]:
    """The queue filters' choices: every category (no request counts) and the staff."""
    async with session.begin():
        categories = list(await categories_repo.all_categories(session))
        staff, _ = await queues_repo.staff_page(session, limit=STAFF_OPTIONS)
    return categories, staff


# ------------------------------------------------------------------ one request
@dataclass(frozen=True, slots=True)
class RequestPage:
    card: StaffCard
    files: list[Attachment]


async def request_page(session: AsyncSession, user: User, request_id: int) -> RequestPage | None:
    """The full card and the files, or None when there is no request `user` may see."""
    card = await triage.staff_card(session, request_id=request_id, user=user)
    if card is None:
        return None
    files = await triage.request_files(session, request_id=request_id, user=user)
    return RequestPage(card, files)


async def attachment(
    session: AsyncSession, user: User, request_id: int, attachment_id: int
) -> Attachment | None:
    """One file of a request this user may see (a deleted comment's files are gone)."""
    files = await triage.request_files(session, request_id=request_id, user=user)
    return next((f for f in files if f.id == attachment_id), None)


# ------------------------------------------------------------------------ admin
async def people(
    session: AsyncSession, *, after_id: int = 0, query: str | None = None
) -> tuple[list[UserRow], bool]:
    return await admin_users.users_page(session, after_id=after_id, query=query)


async def categories(session: AsyncSession) -> list[CategoryInfo]:
    return await categories_service.list_all(session)


async def stats(session: AsyncSession, *, now: datetime, tz: ZoneInfo) -> Stats:
    return await stats_service.collect(session, now=now, tz=tz)


async def stats_chart(
    session: AsyncSession, t: Translator, *, now: datetime, tz: ZoneInfo
) -> bytes:
    data = await stats_service.collect(session, now=now, tz=tz)
    return await asyncio.to_thread(render_chart, data, ChartTexts.from_catalogue(t), t.language)


export = build_export
"""The .xlsx export, the very file /export sends in the chat."""
