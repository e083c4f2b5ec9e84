"""Counting what one update costs: SQL statements, transactions, Redis round trips.

The counters hook the real clients (SQLAlchemy engine events, redis-py's connection send),
so the numbers are what the production code does, not an estimate.
"""

from __future__ import annotations

import itertools
import resource
from collections import Counter, OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.methods import (
    EditMessageCaption,
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
from aiogram.types import Document, InlineKeyboardMarkup, Message, PhotoSize, User
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
    by_statement: Counter[str] = field(default_factory=Counter)  # the statement's head

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
    def _statement(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        counters.sql_statements += 1
        counters.by_statement[" ".join(statement.split())[:90]] += 1

    @event.listens_for(sync, "begin")
    def _begin(*_args: Any) -> None:
        counters.sql_transactions += 1


def counting_sends(on_send: Callable[[], None]) -> Callable[..., Awaitable[None]]:
    """redis-py's `Connection.send_packed_command`, calling `on_send` first: every packed
    send is one round trip (a pipeline or a script call is one too). Install it with
    `monkeypatch.setattr(Connection, "send_packed_command", ...)` in a test."""
    original = Connection.send_packed_command

    async def counted(self: Connection, command: Any, check_health: bool = True) -> None:
        on_send()
        await original(self, command, check_health)

    return counted


def count_redis(counters: Counters) -> None:
    """Count Redis round trips into `counters` for the rest of the process (the bench)."""

    def one() -> None:
        counters.redis_round_trips += 1

    Connection.send_packed_command = counting_sends(one)  # type: ignore[method-assign,assignment]


class ChatLog:
    """The last messages (and their inline buttons) each chat shows, as a person sees them.

    An edit replaces the message's buttons in place, so a pressed and edited card does not
    offer its old buttons again.
    """

    def __init__(self, keep: int = 12) -> None:
        self.keep = keep
        self._chats: dict[int, OrderedDict[int, InlineKeyboardMarkup | None]] = {}

    def record(self, chat_id: int, message_id: int, markup: InlineKeyboardMarkup | None) -> None:
        chat = self._chats.setdefault(chat_id, OrderedDict())
        chat[message_id] = markup
        chat.move_to_end(message_id)
        while len(chat) > self.keep:
            chat.popitem(last=False)

    def forget(self, chat_id: int, message_id: int) -> None:
        self._chats.get(chat_id, OrderedDict()).pop(message_id, None)

    def find_button(self, chat_id: int, prefix: str) -> tuple[int, list[str]] | None:
        """The newest message with buttons whose data start with `prefix`: its id and
        those buttons' data, in keyboard order."""
        for message_id, markup in reversed(self._chats.get(chat_id, OrderedDict()).items()):
            if markup is None:
                continue
            found = [
                button.callback_data
                for row in markup.inline_keyboard
                for button in row
                if button.callback_data and button.callback_data.startswith(prefix)
            ]
            if found:
                return message_id, found
        return None


class InProcessSession(BaseSession):
    """Answers the Bot API in-process (no network), cheaply, counting calls by method.

    What each chat was shown is kept in `chats`, so a scripted person can press it.
    """

    def __init__(self, counters: Counters) -> None:
        super().__init__()
        self.counters = counters
        self.chats = ChatLog()
        self._ids = itertools.count(1)
        self._bot_user = User(id=42, is_bot=True, first_name="ZAVhoz")

    async def close(self) -> None:
        return None

    def stream_content(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError

    def _message(self, chat_id: Any, message_id: int | None = None, **fields: Any) -> Message:
        markup = fields.pop("reply_markup", None)
        if not isinstance(markup, InlineKeyboardMarkup):
            markup = None
        message_id = message_id or next(self._ids)
        if isinstance(chat_id, int):
            self.chats.record(chat_id, message_id, markup)
        # Validated like a real answer (pydantic-core parses it); model_construct would
        # cost the benchmark more than the bot.
        return Message.model_validate(
            {
                "message_id": message_id,
                "reply_markup": markup,
                "date": datetime.now(UTC),
                "chat": {"id": int(chat_id or 1), "type": "private"},
                "from": self._bot_user,
                **fields,
            }
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
            case SendMessage():
                result = self._message(
                    method.chat_id, text=method.text, reply_markup=method.reply_markup
                )
            case EditMessageText():
                result = self._message(
                    method.chat_id,
                    method.message_id,
                    text=method.text,
                    reply_markup=method.reply_markup,
                )
            case SendPhoto():
                photo = PhotoSize.model_construct(
                    file_id="p", file_unique_id="p", width=1, height=1
                )
                result = self._message(
                    method.chat_id, photo=[photo], reply_markup=method.reply_markup
                )
            case SendDocument():
                result = self._message(
                    method.chat_id,
                    document=Document.model_construct(file_id="d", file_unique_id="d"),
                    reply_markup=method.reply_markup,
                )
            case SendMediaGroup():
                result = [self._message(method.chat_id) for _ in method.media]
            case EditMessageReplyMarkup() | EditMessageCaption():
                result = self._message(
                    method.chat_id, method.message_id, reply_markup=method.reply_markup
                )
            case _:
                result = True
        return result


def peak_rss_mb() -> float:
    """Peak resident set size of this process (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
