"""Counting what one update costs: SQL statements, transactions, Redis round trips.

The counters hook the real clients (SQLAlchemy engine events, redis-py's connection send),
so the numbers are what the production code does, not an estimate.
"""

from __future__ import annotations

import itertools
import resource
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.methods import (
    EditMessageReplyMarkup,
    EditMessageText,
    GetMe,
    SendDocument,
    SendMediaGroup,
    SendMessage,
    SendPhoto,
    TelegramMethod,
)
from aiogram.methods.base import TelegramType
from aiogram.types import Chat, Document, InlineKeyboardMarkup, Message, PhotoSize, User
from redis.asyncio.connection import Connection
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine


@dataclass
class Counters:
    sql_statements: int = 0
    sql_transactions: int = 0
    redis_round_trips: int = 0
    api_calls: int = 0
    by_method: dict[str, int] = field(default_factory=dict)

    def snapshot(self) -> tuple[int, int, int, int]:
        return (
            self.sql_statements,
            self.sql_transactions,
            self.redis_round_trips,
            self.api_calls,
        )


def count_sql(engine: AsyncEngine, counters: Counters) -> None:
    sync = engine.sync_engine

    @event.listens_for(sync, "before_cursor_execute")
    def _statement(*_args: Any) -> None:
        counters.sql_statements += 1

    @event.listens_for(sync, "begin")
    def _begin(*_args: Any) -> None:
        counters.sql_transactions += 1


def count_redis(counters: Counters) -> None:
    """Every packed send is one round trip (a pipeline or a script call is one too)."""
    original = Connection.send_packed_command

    async def counted(self: Connection, command: Any, check_health: bool = True) -> None:
        counters.redis_round_trips += 1
        await original(self, command, check_health)

    Connection.send_packed_command = counted  # type: ignore[method-assign]


class InProcessSession(BaseSession):
    """Answers the Bot API in-process (no network), cheaply, counting calls by method."""

    def __init__(self, counters: Counters) -> None:
        super().__init__()
        self.counters = counters
        self._ids = itertools.count(1)
        self._bot_user = User(id=42, is_bot=True, first_name="ZAVhoz")

    async def close(self) -> None:
        return None

    async def stream_content(self, *args: Any, **kwargs: Any) -> Any:  # pragma: no cover
        raise NotImplementedError

    def _message(self, chat_id: Any, **fields: Any) -> Message:
        markup = fields.pop("reply_markup", None)
        if isinstance(markup, InlineKeyboardMarkup):
            fields["reply_markup"] = markup
        return Message.model_construct(
            message_id=next(self._ids),
            date=datetime.now(UTC),
            chat=Chat.model_construct(id=int(chat_id or 1), type="private"),
            from_user=self._bot_user,
            **fields,
        )

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        timeout: int | None = None,  # noqa: ASYNC109
    ) -> TelegramType:
        name = method.__api_method__
        self.counters.api_calls += 1
        self.counters.by_method[name] = self.counters.by_method.get(name, 0) + 1
        result: Any
        match method:
            case GetMe():
                result = self._bot_user
            case SendMessage() | EditMessageText():
                result = self._message(
                    method.chat_id, text=method.text, reply_markup=method.reply_markup
                )
            case SendPhoto():
                photo = PhotoSize.model_construct(
                    file_id="p", file_unique_id="p", width=1, height=1
                )
                result = self._message(method.chat_id, photo=[photo])
            case SendDocument():
                result = self._message(
                    method.chat_id,
                    document=Document.model_construct(file_id="d", file_unique_id="d"),
                )
            case SendMediaGroup():
                result = [self._message(method.chat_id) for _ in method.media]
            case EditMessageReplyMarkup():
                result = self._message(method.chat_id, reply_markup=method.reply_markup)
            case _:
                result = True
        return result  # type: ignore[no-any-return]


def peak_rss_mb() -> float:
    """Peak resident set size of this process (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
