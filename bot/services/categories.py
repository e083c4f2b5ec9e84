"""Admins manage categories: add, rename, hide or show again.

A hidden category disappears from the new-request dialog; requests that have it keep it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from database.repositories import categories as categories_repo
from models import Category
from models.names import Named
from utils.validation import normalize

log = structlog.get_logger(__name__)

NAME_MAX = 64


class NameProblem(StrEnum):
    EMPTY = "empty"
    TOO_LONG = "too_long"


def parse_names(text: str) -> tuple[str, str] | NameProblem:
    """'Русское / English', or one name for both languages."""
    ru, sep, en = text.partition("/")
    # Invisible characters dropped: no blank-looking category, no second "Электрика\u200b".
    ru, en = normalize(ru, single_line=True), normalize(en, single_line=True)
    if not sep:
        en = ru
    if not ru or not en:
        return NameProblem.EMPTY
    if len(ru) > NAME_MAX or len(en) > NAME_MAX:
        return NameProblem.TOO_LONG
    return ru, en


class CategoryOutcome(StrEnum):
    DONE = "done"
    NOT_FOUND = "not_found"
    DUPLICATE = "duplicate"


@dataclass(frozen=True, slots=True)
class CategoryInfo(Named):
    id: int
    name_ru: str
    name_en: str
    is_hidden: bool
    requests: int


@dataclass(frozen=True, slots=True)
class CategoryResult:
    outcome: CategoryOutcome
    category: CategoryInfo | None = None


def _info(category: Category, requests: int) -> CategoryInfo:
    return CategoryInfo(
        category.id, category.name_ru, category.name_en, category.is_hidden, requests
    )


async def list_all(session: AsyncSession) -> list[CategoryInfo]:
    async with session.begin():
        return [_info(c, n) for c, n in await categories_repo.all_with_counts(session)]


async def get(session: AsyncSession, *, category_id: int) -> CategoryInfo | None:
    async with session.begin():
        category = await categories_repo.get(session, category_id)
        if category is None:
            return None
        return _info(category, await categories_repo.request_count(session, category_id))


async def visible(session: AsyncSession) -> list[CategoryInfo]:
    """What the new-request dialog offers."""
    async with session.begin():
        return [_info(c, 0) for c in await categories_repo.visible(session)]


async def add(session: AsyncSession, *, name_ru: str, name_en: str) -> CategoryResult:
    async with session.begin():
        if await categories_repo.name_taken(session, name_ru, name_en):
            return CategoryResult(CategoryOutcome.DUPLICATE)
        category = Category(
            name_ru=name_ru, name_en=name_en, position=await categories_repo.next_position(session)
        )
        session.add(category)
        await session.flush()
        info = _info(category, 0)
    log.info("category_added", category_id=info.id)
    return CategoryResult(CategoryOutcome.DONE, info)


async def rename(
    session: AsyncSession, *, category_id: int, name_ru: str, name_en: str
) -> CategoryResult:
    async with session.begin():
        category = await categories_repo.get(session, category_id)
        if category is None:
            return CategoryResult(CategoryOutcome.NOT_FOUND)
        if await categories_repo.name_taken(session, name_ru, name_en, except_id=category_id):
            return CategoryResult(CategoryOutcome.DUPLICATE)
        category.name_ru, category.name_en = name_ru, name_en
        info = _info(category, await categories_repo.request_count(session, category_id))
    log.info("category_renamed", category_id=category_id)
    return CategoryResult(CategoryOutcome.DONE, info)


async def set_hidden(session: AsyncSession, *, category_id: int, hidden: bool) -> CategoryResult:
    async with session.begin():
        category = await categories_repo.get(session, category_id)
        if category is None:
            return CategoryResult(CategoryOutcome.NOT_FOUND)
        category.is_hidden = hidden
        info = _info(category, await categories_repo.request_count(session, category_id))
    log.info("category_hidden" if hidden else "category_shown", category_id=category_id)
    return CategoryResult(CategoryOutcome.DONE, info)
