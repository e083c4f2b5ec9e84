"""Queries on categories. Takes a session, never commits."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Category, Request

# Built once: the new-request dialog reads them on most steps.
_VISIBLE = (
    select(Category).where(Category.is_hidden.is_(False)).order_by(Category.position, Category.id)
)
_VISIBLE_ONE = select(Category).where(
    Category.id == bindparam("category_id"), Category.is_hidden.is_(False)
)


async def visible(session: AsyncSession) -> Sequence[Category]:
    """What the new-request dialog offers: hidden categories are left out."""
    return (await session.scalars(_VISIBLE)).all()


async def visible_one(session: AsyncSession, category_id: int) -> Category | None:
    return await session.scalar(_VISIBLE_ONE, {"category_id": category_id})


async def all_categories(session: AsyncSession) -> Sequence[Category]:
    """Every category, hidden ones too, without counting their requests (filter options)."""
    result = await session.scalars(select(Category).order_by(Category.position, Category.id))
    return result.all()


async def all_with_counts(session: AsyncSession) -> list[tuple[Category, int]]:
    """Every category (hidden ones too) with how many requests use it."""
    used = (
        select(func.count(Request.id)).where(Request.category_id == Category.id).scalar_subquery()
    )
    rows = await session.execute(select(Category, used).order_by(Category.position, Category.id))
    return [(category, int(count or 0)) for category, count in rows.all()]


async def get(session: AsyncSession, category_id: int) -> Category | None:
    return await session.get(Category, category_id)


async def request_count(session: AsyncSession, category_id: int) -> int:
    stmt = select(func.count(Request.id)).where(Request.category_id == category_id)
    return int(await session.scalar(stmt) or 0)


async def name_taken(
    session: AsyncSession, name_ru: str, name_en: str, *, except_id: int | None = None
) -> bool:
    """Another category already has one of these names (case-insensitive)."""
    names = {name_ru.lower(), name_en.lower()}
    stmt = select(Category.id).where(
        func.lower(Category.name_ru).in_(names) | func.lower(Category.name_en).in_(names)
    )
    if except_id is not None:
        stmt = stmt.where(Category.id != except_id)
    return await session.scalar(stmt.limit(1)) is not None


async def next_position(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.coalesce(func.max(Category.position), 0))) or 0) + 1
