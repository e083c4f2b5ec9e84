"""The staff's lists of requests: queues with filters, search, tasks, the staff picker.

Keyset pagination everywhere: newest first on (created_at, id); the cursor is the id of
the last row shown, its created_at is read back from the table. Takes a session, never
commits.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    false,
    func,
    literal_column,
    or_,
    select,
    true,
    tuple_,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from database.conditions import is_open, overdue
from models import Category, Request, RequestStatus, Role, User
from models.queues import ANY_ASSIGNEE, COUNT_CAP, UNASSIGNED, Queue, QueueFilter
from models.views import QueuePage, RequestRow, StaffRow
from models.workflow import Viewer

PAGE_SIZE = 10
MAX_SEARCH_WORDS = 8
# Search first reads this many of the newest requests (from the cursor on): enough for a
# page when the words are common. Otherwise the full-text index finds every match.
SEARCH_WINDOW = 2000
# Spelled exactly like the GIN index ix_requests_fulltext (migration 0002_triage) so the
# planner uses it: to_tsvector('simple'::regconfig, description || ' ' || location).
_TS_CONFIG: ColumnElement[Any] = literal_column("'simple'::regconfig")
_WORD = re.compile(r"\w+", re.UNICODE)
_NUMBER = re.compile(r"^\s*#?\s*(\d{1,9})\s*$")


def visible_to(viewer: Viewer | None) -> ColumnElement[bool] | None:
    """`models.workflow.may_see` as SQL (None: no condition, everything is visible)."""
    if viewer is None or viewer.is_admin:
        return None
    own = Request.author_id == viewer.id
    if viewer.role is not Role.EXECUTOR:
        return own
    to_take = and_(Request.assignee_id.is_(None), Request.status == RequestStatus.NEW)
    return or_(own, Request.assignee_id == viewer.id, to_take)


def queue_condition(queue: Queue, now: datetime) -> ColumnElement[bool]:
    match queue:
        case Queue.NEW:
            return Request.status == RequestStatus.NEW
        case Queue.IN_PROGRESS:
            return Request.status == RequestStatus.IN_PROGRESS
        case Queue.ON_HOLD:
            return Request.status == RequestStatus.ON_HOLD
        case Queue.DONE:
            return Request.status == RequestStatus.DONE
        case Queue.OVERDUE:
            return overdue(now)
        case Queue.ALL:
            return true()
    return false()  # pragma: no cover - exhaustive


def _filter_conditions(flt: QueueFilter, now: datetime) -> list[ColumnElement[bool]]:
    conditions = [queue_condition(flt.queue, now)]
    visible = visible_to(flt.viewer)
    if visible is not None:
        conditions.append(visible)
    if flt.category_id:
        conditions.append(Request.category_id == flt.category_id)
    if flt.priority is not None:
        conditions.append(Request.priority == flt.priority)
    if flt.assignee == UNASSIGNED:
        conditions.append(Request.assignee_id.is_(None))
    elif flt.assignee != ANY_ASSIGNEE:
        conditions.append(Request.assignee_id == flt.assignee)
    if flt.location:
        conditions.append(Request.location.icontains(flt.location, autoescape=True))
    if flt.created_from is not None:
        conditions.append(Request.created_at >= flt.created_from)
    if flt.created_to is not None:
        conditions.append(Request.created_at < flt.created_to)
    return conditions


_assignee = aliased(User, name="row_assignee")


def _rows_query() -> Select[Any]:  # the columns of RequestRow, in order
    stmt = (
        select(
            Request.id,
            Request.status,
            Request.priority,
            Request.location,
            Request.description,
            Category.name_ru,
            Category.name_en,
            _assignee.full_name,
            Request.created_at,
            Request.due_at,
            Request.planned_job_id,
            Request.follower_count,
        )
        .join(Category, Category.id == Request.category_id)
        .outerjoin(_assignee, _assignee.id == Request.assignee_id)
    )
    return cast("Select[Any]", stmt)


async def _after(
    session: AsyncSession, after_id: int, *, oldest_first: bool = False
) -> ColumnElement[bool] | None:
    """The keyset condition: rows past the cursor row (older when newest first, newer when
    `oldest_first`)."""
    if not after_id:
        return None
    created = await session.scalar(select(Request.created_at).where(Request.id == after_id))
    if oldest_first:
        if created is None:
            return Request.id > after_id
        return tuple_(Request.created_at, Request.id) > tuple_(created, after_id)
    if created is None:
        return Request.id < after_id
    return tuple_(Request.created_at, Request.id) < tuple_(created, after_id)


async def _page(
    session: AsyncSession,
    conditions: Sequence[ColumnElement[bool]],
    after_id: int,
    limit: int,
    *,
    oldest_first: bool = False,
) -> QueuePage:
    where = list(conditions)
    keyset = await _after(session, after_id, oldest_first=oldest_first)
    if keyset is not None:
        where.append(keyset)
    order = (
        (Request.created_at.asc(), Request.id.asc())
        if oldest_first
        else (Request.created_at.desc(), Request.id.desc())
    )
    stmt = _rows_query().where(*where).order_by(*order).limit(limit + 1)
    rows = [RequestRow(*r) for r in (await session.execute(stmt)).all()]
    return QueuePage(rows[:limit], len(rows) > limit)


async def queue_page(
    session: AsyncSession,
    flt: QueueFilter,
    *,
    now: datetime,
    after_id: int = 0,
    limit: int = PAGE_SIZE,
    oldest_first: bool = False,
) -> QueuePage:
    return await _page(
        session, _filter_conditions(flt, now), after_id, limit, oldest_first=oldest_first
    )


def _capped_count(conditions: Sequence[ColumnElement[bool]]) -> Select[Any]:
    """How many rows match, counted up to COUNT_CAP + 1 (more means "COUNT_CAP+")."""
    matching = (
        select(literal_column("1")).select_from(Request).where(*conditions).limit(COUNT_CAP + 1)
    ).subquery()
    return cast("Select[Any]", select(func.count()).select_from(matching))


async def queue_total(session: AsyncSession, flt: QueueFilter, *, now: datetime) -> int:
    """The queue's size, up to COUNT_CAP + 1."""
    return int(await session.scalar(_capped_count(_filter_conditions(flt, now))) or 0)


def _count_columns(now: datetime, viewer: Viewer | None) -> list[Any]:
    return [
        _capped_count(_filter_conditions(QueueFilter(queue=q, viewer=viewer), now))
        .scalar_subquery()
        .label(q.value)
        for q in Queue
    ]


async def queue_counts(
    session: AsyncSession, *, now: datetime, viewer: Viewer | None = None
) -> dict[Queue, int]:
    """Every queue's size (each up to COUNT_CAP + 1) in one query of capped subqueries."""
    row = (await session.execute(select(*_count_columns(now, viewer)))).one()
    return {Queue(key): int(value or 0) for key, value in row._mapping.items()}


async def queue_counts_and_total(
    session: AsyncSession, flt: QueueFilter, *, now: datetime
) -> tuple[dict[Queue, int], int]:
    """`queue_counts` for `flt.viewer` and `queue_total` of `flt`, in one statement."""
    total = _capped_count(_filter_conditions(flt, now)).scalar_subquery().label("total")
    row = (await session.execute(select(*_count_columns(now, flt.viewer), total))).one()
    counts = {q: int(row._mapping[q.value] or 0) for q in Queue}
    return counts, int(row.total or 0)


# ------------------------------------------------------------------------------ search
def parse_number(text: str) -> int | None:
    """'#12', '12' or '# 12' is a request number."""
    match = _NUMBER.match(text)
    return int(match.group(1)) if match else None


def search_words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)][:MAX_SEARCH_WORDS]


def _search_condition(dialect: str, words: list[str]) -> ColumnElement[bool]:
    if dialect == "postgresql":
        # Full-text over description and location; each word also matches as a prefix,
        # which covers most Russian endings ("кран" finds "крана").
        text = Request.description + literal_column("' '") + Request.location
        document = func.to_tsvector(_TS_CONFIG, text)
        query = func.to_tsquery(_TS_CONFIG, " & ".join(f"{w}:*" for w in words))
        return document.op("@@")(query)

    # The SQLite fallback: every word is a substring of the description or the location.
    # SQLite's lower() knows only ASCII, so the usual spellings of a word are tried too.
    def matches(word: str) -> ColumnElement[bool]:
        forms = {word, word.capitalize(), word.upper()}
        return or_(
            *(
                column.contains(form, autoescape=True)
                for column in (func.lower(Request.description), func.lower(Request.location))
                for form in forms
            )
        )

    return and_(*(matches(w) for w in words))


async def _search_page(
    session: AsyncSession, condition: ColumnElement[bool], after_id: int, limit: int
) -> QueuePage:
    """PostgreSQL: one plan for common words, another for rare ones.

    Walking the requests newest first and testing each is quick when matches are dense and
    hopeless when there are none (every row is tested). The GIN index is the opposite: it
    finds rare words at once, but a common word's thousands of matches must all be read and
    sorted. So: test the newest SEARCH_WINDOW rows; when they fill the page, done; when not,
    the words are rare, and the index finds them all (a materialized CTE, so the planner
    cannot turn it back into the walk).
    """
    keyset = await _after(session, after_id)
    where = [keyset] if keyset is not None else []
    order = (Request.created_at.desc(), Request.id.desc())
    newest = (
        select(Request.id, Request.created_at)
        .where(*where)
        .order_by(*order)
        .limit(SEARCH_WINDOW)
        .subquery()
    )
    stmt = (
        _rows_query()
        .join(newest, newest.c.id == Request.id)
        .where(condition)
        # The window's own order: the join walks it and stops at the page's last match.
        .order_by(newest.c.created_at.desc(), newest.c.id.desc())
        .limit(limit + 1)
    )
    rows = [RequestRow(*r) for r in (await session.execute(stmt)).all()]
    if len(rows) <= limit:
        hits = select(Request.id).where(condition, *where).cte("hits").prefix_with("MATERIALIZED")
        stmt = _rows_query().join(hits, hits.c.id == Request.id).order_by(*order).limit(limit + 1)
        rows = [RequestRow(*r) for r in (await session.execute(stmt)).all()]
    return QueuePage(rows[:limit], len(rows) > limit)


async def search(
    session: AsyncSession,
    text: str,
    *,
    after_id: int = 0,
    limit: int = PAGE_SIZE,
    viewer: Viewer | None = None,
) -> QueuePage:
    """Requests whose description or location has every word (of those `viewer` may see)."""
    words = search_words(text)
    if not words:
        return QueuePage([], False)
    dialect = session.bind.dialect.name if session.bind is not None else "postgresql"
    condition = _search_condition(dialect, words)
    visible = visible_to(viewer)
    if visible is not None:
        condition = and_(condition, visible)
    if dialect == "postgresql":
        return await _search_page(session, condition, after_id, limit)
    return await _page(session, [condition], after_id, limit)


# ------------------------------------------------------------------------------- tasks
TASK_STATUSES = (RequestStatus.IN_PROGRESS, RequestStatus.ON_HOLD, RequestStatus.DONE)
MAX_TASKS = 30


async def tasks_of(
    session: AsyncSession, user_id: int, *, limit: int = MAX_TASKS
) -> list[RequestRow]:
    """Requests assigned to this person that still need them (or the author's confirmation)."""
    stmt = (
        _rows_query()
        .where(Request.assignee_id == user_id, Request.status.in_(TASK_STATUSES))
        .order_by(Request.due_at.asc().nulls_last(), Request.id)
        .limit(limit)
    )
    return [RequestRow(*r) for r in (await session.execute(stmt)).all()]


# --------------------------------------------------------------------- staff picker
async def staff_page(
    session: AsyncSession, *, after_id: int = 0, limit: int = 8
) -> tuple[list[StaffRow], bool]:
    """Executors and admins who may be assigned, with their open task counts; by id.

    Each count is its own subquery, an index-only scan of (assignee_id, status) for that
    person: a join with GROUP BY would read every open request's row first (40 ms with
    15,000 open requests, on every queue page of the panel)."""
    open_tasks = (
        select(func.count())
        .select_from(Request)
        .where(Request.assignee_id == User.id, is_open())
        .correlate(User)
        .scalar_subquery()
    )
    stmt = (
        select(User.id, User.full_name, User.role, open_tasks)
        .where(
            User.role.in_((Role.EXECUTOR, Role.ADMIN)),
            User.is_blocked.is_(False),
            User.id > after_id,
        )
        .order_by(User.id)
        .limit(limit + 1)
    )
    rows = [StaffRow(*r) for r in (await session.execute(stmt)).all()]
    return rows[:limit], len(rows) > limit
