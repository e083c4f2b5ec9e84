"""Binds the update's id and user's id to every log line, and logs one line per update."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from aiogram import BaseMiddleware
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.types import TelegramObject, Update, User

log = structlog.get_logger("bot.updates")


class LogContextMiddleware(BaseMiddleware):
    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        assert isinstance(event, Update)
        from_user: User | None = data.get("event_from_user")
        user_id = from_user.id if from_user else None
        started = time.perf_counter()
        outcome = "error"
        with structlog.contextvars.bound_contextvars(update_id=event.update_id, user_id=user_id):
            try:
                result = await handler(event, data)
                outcome = "unhandled" if result is UNHANDLED else "handled"
                return result
            finally:
                log.info(
                    "update",
                    type=event.event_type,
                    outcome=outcome,
                    duration_ms=round((time.perf_counter() - started) * 1000, 2),
                )
