"""The global error handler: log with context, apologise to the user, never a traceback."""

from __future__ import annotations

from typing import Any

import structlog
from aiogram import Bot, Router
from aiogram.types import ErrorEvent

from utils.i18n import Catalogue, Translator

log = structlog.get_logger(__name__)


def get_router() -> Router:
    router = Router(name="errors")

    @router.errors()
    async def on_error(event: ErrorEvent, bot: Bot, catalogue: Catalogue, **data: Any) -> bool:
        update = event.update
        log.error(
            "handler_error",
            error=type(event.exception).__name__,
            update_type=update.event_type,
            exc_info=event.exception,
        )
        t: Translator = data.get("t") or catalogue.translator(None)
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
