"""Builders for the staff-side tests: people with roles, requests in any state, card copies."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

from aiogram.fsm.storage.base import StorageKey
from aiogram.methods import TelegramMethod
from aiogram.types import Chat, InlineKeyboardMarkup, Message
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import (
    CardMessage,
    OutboxMessage,
    Priority,
    Request,
    RequestStatus,
    Role,
    StatusChange,
    User,
)
from tests.conftest import Harness
from tests.updates import Person

STAFF_GROUP = Chat(id=-100_500, type="supergroup", title="Staff")
_card_ids = itertools.count(5000)
_clock = itertools.count(1)
BASE_TIME = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)


async def add_person(
    pool: async_sessionmaker[AsyncSession], person: Person, role: Role = Role.USER
) -> User:
    """The users row the bot would create on first contact, with a role."""
    full_name = " ".join(p for p in (person.first_name, person.last_name) if p)
    async with pool() as session, session.begin():
        user = User(
            telegram_id=person.id,
            full_name=full_name,
            username=person.username,
            language=person.language_code if person.language_code == "en" else "ru",
            role=role,
        )
        session.add(user)
    return user


async def add_request(
    pool: async_sessionmaker[AsyncSession],
    author: User,
    *,
    status: RequestStatus = RequestStatus.NEW,
    assignee: User | None = None,
    category_id: int = 1,
    priority: Priority = Priority.NORMAL,
    location: str = "каб. 12",
    description: str = "Течёт кран",
    created_at: datetime | None = None,
    due_at: datetime | None = None,
) -> int:
    created = created_at or BASE_TIME + timedelta(minutes=next(_clock))
    async with pool() as session, session.begin():
        request = Request(
            author_id=author.id,
            category_id=category_id,
            location=location,
            description=description,
            priority=priority,
            status=status,
            assignee_id=assignee.id if assignee else None,
            created_at=created,
            updated_at=created,
            due_at=due_at,
        )
        session.add(request)
        await session.flush()
        return request.id


async def add_card_copy(
    pool: async_sessionmaker[AsyncSession], request_id: int, chat_id: int
) -> int:
    """A card copy the sender recorded earlier; returns its message id."""
    message_id = next(_card_ids)
    async with pool() as session, session.begin():
        session.add(CardMessage(request_id=request_id, chat_id=chat_id, message_id=message_id))
    return message_id


def on_card(person: Person, message_id: int, chat: Chat | None = None) -> Message:
    """The message (a card) a button is pressed on."""
    return Message(
        message_id=message_id, date=datetime.now(UTC), chat=chat or person.chat, text="card"
    )


def button_texts(markup: object) -> list[str]:
    if markup is None:
        return []
    assert isinstance(markup, InlineKeyboardMarkup)
    return [b.text for row in markup.inline_keyboard for b in row]


def button_data(markup: object) -> list[str]:
    if markup is None:
        return []
    assert isinstance(markup, InlineKeyboardMarkup)
    return [b.callback_data or "" for row in markup.inline_keyboard for b in row]


async def request_state(
    pool: async_sessionmaker[AsyncSession], request_id: int
) -> tuple[RequestStatus, int | None]:
    async with pool() as session:
        req = await session.get(Request, request_id)
        assert req is not None
        return req.status, req.assignee_id


async def count(pool: async_sessionmaker[AsyncSession], model: Any) -> int:
    async with pool() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def history(
    pool: async_sessionmaker[AsyncSession], request_id: int
) -> list[tuple[RequestStatus | None, RequestStatus, int | None, str | None]]:
    async with pool() as session:
        rows = await session.scalars(
            select(StatusChange)
            .where(StatusChange.request_id == request_id)
            .order_by(StatusChange.at, StatusChange.id)
        )
        return [(c.from_status, c.to_status, c.actor_id, c.reason) for c in rows]


async def outbox_rows(pool: async_sessionmaker[AsyncSession]) -> int:
    return await count(pool, OutboxMessage)


def pop_many(harness: Harness, n: int) -> list[TelegramMethod[Any]]:
    assert len(harness.api.requests) >= n, list(harness.api.requests)
    return [harness.api.requests.popleft() for _ in range(n)]


async def fsm_state(harness: Harness, person: Person, chat_id: int | None = None) -> str | None:
    context = harness.dp.fsm.get_context(
        bot=harness.bot, chat_id=chat_id or person.id, user_id=person.id
    )
    return await context.get_state()


def said(harness: Harness, key: str, **kwargs: object) -> str:
    """A catalogue text as a Russian-speaking person reads it."""
    return harness.catalogue.get("ru", key, **kwargs)


async def dialog_state(harness: Harness, person: Person) -> str | None:
    """The dialog step the person's private chat is at (None: no dialog open)."""
    key = StorageKey(bot_id=harness.bot.id, chat_id=person.id, user_id=person.id)
    return await harness.dp.storage.get_state(key)
