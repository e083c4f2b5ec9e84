"""The production dispatcher evaluates every filter on the event loop.

aiogram hands a synchronous filter (`F.…`, CallbackData filters) to a worker thread;
`run_sync_filters_inline` undoes that. If an aiogram upgrade moves the filters where the
function no longer finds them, this fails instead of the bot quietly getting slower.
"""

from __future__ import annotations

import asyncio

import pytest
from aiogram import Dispatcher
from aiogram.dispatcher.event import handler as handler_module
from aiogram.types import Message
from sqlalchemy.ext.asyncio import create_async_engine

from bot.dispatcher import build_dispatcher, filter_objects
from bot.settings import Settings
from database.engine import create_session_pool
from utils.i18n import Catalogue


def _dispatcher() -> Dispatcher:
    settings = Settings(_env_file=None, bot_token="123456:TEST-token")  # type: ignore[call-arg]
    pool = create_session_pool(create_async_engine("sqlite+aiosqlite://"))
    return build_dispatcher(settings, session_pool=pool, catalogue=Catalogue("ru"))


def test_no_filter_is_left_to_a_thread() -> None:
    filters = list(filter_objects(_dispatcher()))
    assert len(filters) > 50  # the handlers' and routers' filters were all found
    assert [f for f in filters if not f.awaitable] == []


def test_a_magic_filter_does_not_go_to_a_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_threads(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a filter was sent to a worker thread")

    monkeypatch.setattr(handler_module.asyncio, "to_thread", no_threads)
    private_only = [f for f in filter_objects(_dispatcher()) if f.magic is not None]
    message = Message.model_validate(
        {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"}, "text": "x"}
    )

    async def check_all() -> list[object]:
        return [await f.call(message) for f in private_only]

    results = asyncio.run(check_all())
    assert len(results) == len(private_only) > 0
