"""Queries on requests. Takes a session, never commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from models import (
    Attachment,
    CardMessage,
    Category,
    Priority,
    Request,
    RequestStatus,
    StatusChange,
    User,
)


@dataclass(frozen=True, slots=True)
class Person:
    id: int
    telegram_id: int
    full_name: str
    username: str | None
    language: str | None

    @property
    def display(self) -> str:
        return f"{self.full_name} (@{self.username})" if self.username else self.full_name


@dataclass(frozen=True, slots=True)
class RequestView:
    """Everything a card shows, read in one query."""

    id: int
    status: RequestStatus
    priority: Priority
    location: str
    description: str
    category_ru: str
    category_en: str
    author: Person
    assignee: Person | None
    created_at: datetime
    updated_at: datetime
    due_at: datetime | None
    first_response_at: datetime | None
    done_at: datetime | None
    closed_at: datetime | None
    rating: int | None
    photo_count: int

    def category(self, language: str) -> str:
        return self.category_en if language == "en" else self.category_ru


_author = aliased(User, name="author")
_assignee = aliased(User, name="assignee")


def _view_query() -> Select[Any]:
    photos = (
        select(func.count(Attachment.id))
        .where(Attachment.request_id == Request.id, Attachment.comment_id.is_(None))
        .scalar_subquery()
    )
    return (
        select(Request, Category.name_ru, Category.name_en, _author, _assignee, photos)
        .join(Category, Category.id == Request.category_id)
        .join(_author, _author.id == Request.author_id)
        .outerjoin(_assignee, _assignee.id == Request.assignee_id)
    )


def _person(user: User | None) -> Person | None:
    if user is None:
        return None
    return Person(user.id, user.telegram_id, user.full_name, user.username, user.language)


def _to_view(row: Any) -> RequestView:
    req, name_ru, name_en, author, assignee, photo_count = row
    author_person = _person(author)
    assert author_person is not None
    return RequestView(
        id=req.id,
        status=req.status,
        priority=req.priority,
        location=req.location,
        description=req.description,
        category_ru=name_ru,
        category_en=name_en,
        author=author_person,
        assignee=_person(assignee),
        created_at=req.created_at,
        updated_at=req.updated_at,
        due_at=req.due_at,
        first_response_at=req.first_response_at,
        done_at=req.done_at,
        closed_at=req.closed_at,
        rating=req.rating,
        photo_count=photo_count or 0,
    )


async def get_view(session: AsyncSession, request_id: int) -> RequestView | None:
    stmt = _view_query().where(Request.id == request_id)
    stmt = stmt.execution_options(populate_existing=True)
    row = (await session.execute(stmt)).first()
    return _to_view(row) if row is not None else None


async def get(session: AsyncSession, request_id: int) -> Request | None:
    return await session.get(Request, request_id)


async def compare_and_set(
    session: AsyncSession,
    request_id: int,
    *,
    expected_status: RequestStatus,
    expected_assignee_id: int | None,
    values: dict[str, Any],
) -> bool:
    """Apply `values` only if nobody changed status or assignee meanwhile."""
    assignee_matches = (
        Request.assignee_id.is_(None)
        if expected_assignee_id is None
        else Request.assignee_id == expected_assignee_id
    )
    result = await session.execute(
        update(Request)
        .where(and_(Request.id == request_id, Request.status == expected_status, assignee_matches))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def history(session: AsyncSession, request_id: int) -> list[tuple[StatusChange, str | None]]:
    actor = aliased(User)
    rows = await session.execute(
        select(StatusChange, actor.full_name)
        .outerjoin(actor, actor.id == StatusChange.actor_id)
        .where(StatusChange.request_id == request_id)
        .order_by(StatusChange.at, StatusChange.id)
    )
    return [(change, name) for change, name in rows.all()]


async def card_chats(session: AsyncSession, request_id: int) -> list[int]:
    """Chats holding a copy of this request's card."""
    rows = await session.scalars(
        select(CardMessage.chat_id).where(CardMessage.request_id == request_id).distinct()
    )
    return list(rows)
