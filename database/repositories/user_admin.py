"""The admin's user list: keyset pages with request counts, search. Never commits."""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, ColumnElement, Select, false, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from database.conditions import is_open
from models import Request, User
from models.views import UserRow

PAGE_SIZE = 10
# A typed number is compared as BIGINT: Telegram ids pass 2**31 (an INTEGER parameter
# would overflow against users.id), and nothing beyond BIGINT can match any column.
BIGINT_MAX = 2**63 - 1


def _authored() -> ColumnElement[int]:
    return select(func.count(Request.id)).where(Request.author_id == User.id).scalar_subquery()


def _open_tasks() -> ColumnElement[int]:
    return (
        select(func.count(Request.id))
        .where(Request.assignee_id == User.id, is_open())
        .scalar_subquery()
    )


def search_condition(query: str) -> ColumnElement[bool]:
    """A number is a Telegram id or an internal id; '@name' a username; else name or username."""
    query = query.strip()
    if query.lstrip("-").isdigit():
        number = int(query)
        if abs(number) > BIGINT_MAX:
            return false()
        # PostgreSQL compares INTEGER with BIGINT natively (and still uses the key).
        as_bigint = literal(number, BigInteger)
        return or_(User.telegram_id == as_bigint, User.id == as_bigint)
    if query.startswith("@"):
        return func.lower(User.username) == query[1:].lower()
    like = query.lower()
    return or_(
        func.lower(User.full_name).contains(like, autoescape=True),
        func.lower(User.username).contains(like, autoescape=True),
    )


def _rows_query() -> Select[*tuple[Any, ...]]:  # the columns of UserRow, in order
    return select(
        User.id,
        User.telegram_id,
        User.full_name,
        User.username,
        User.role,
        User.is_blocked,
        _authored(),
        _open_tasks(),
    )


async def page(
    session: AsyncSession, *, after_id: int = 0, query: str | None = None, limit: int = PAGE_SIZE
) -> tuple[list[UserRow], bool]:
    stmt = _rows_query().where(User.id > after_id)
    if query:
        stmt = stmt.where(search_condition(query))
    stmt = stmt.order_by(User.id).limit(limit + 1)
    rows = [UserRow(*r) for r in (await session.execute(stmt)).all()]
    return rows[:limit], len(rows) > limit


async def row(session: AsyncSession, user_id: int) -> UserRow | None:
    stmt = _rows_query().where(User.id == user_id)
    found = (await session.execute(stmt)).first()
    return UserRow(*found) if found is not None else None
