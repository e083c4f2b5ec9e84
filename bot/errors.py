"""The global error handler: log with context, apologise to the user, never a traceback.

It runs outside the per-update middlewares (aiogram's errors middleware is the outermost
one), so it binds the update's context itself. The apology needs neither the database
nor Redis: when PostgreSQL or Redis is down, the language comes from the Telegram
profile and the text from the catalogue in memory.
"""

from __future__ import annotations

from typing import Any

import structlog
from aiogram import Bot, Router
from aiogram.types import ErrorEvent, User

from bot.middlewares.log_context import TRACE_KEY, UpdateTrace
from bot.sentry import bind_update_context, update_scope
from utils.i18n import Catalogue, Translator

log = structlog.get_logger(__name__)


def get_router() -> Router:
    router = Router(name="errors")

    @router.errors()
    async def on_error(event: ErrorEvent, bot: Bot, catalogue: Catalogue, **data: Any) -> bool:
        update = event.update
        from_user: User | None = data.get("event_from_user")
        user_id = from_user.id if from_user else None
        trace: UpdateTrace | None = data.get(TRACE_KEY)
        handler = trace.handler if trace else None
        with (
            structlog.contextvars.bound_contextvars(
                update_id=update.update_id, user_id=user_id, handler=handler
            ),
            update_scope(),
        ):
            bind_update_context(update.update_id, user_id, handler)
            log.error(
                "handler_error",
                error=type(event.exception).__name__,
                update_type=update.event_type,
                exc_info=event.exception,
            )
            t: Translator = data.get("t") or catalogue.translator(
                from_user.language_code if from_user else None
            )
            text = t("error-generic")
            try:
                if update.callback_query is not None:
                    await update.callback_query.answer(text, show_alert=True)
                elif update.message is not None:
                    await bot.send_message(update.message.chat.id, text)
            except Exception as exc:  # the apology itself failed: Telegram is down
                log.warning("error_reply_failed", error=type(exc).__name__)
        return True

    return router
