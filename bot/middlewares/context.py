"""One object for what nearly every handler needs: session, user, texts, settings, notifier.

The database middleware puts `session`, `user` and `t` into the handler data, and the
dispatcher holds `settings` and `notifier`; a router that calls `install(router)`
gets them bundled as `ctx: UpdateContext`, so a handler declares one argument instead of
five. It runs after the filters (an inner middleware), only for handlers of that router,
and only for a registered person (updates without a user keep the plain data).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiogram import Router
from aiogram.types import TelegramObject
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.notifications import Notifier
from bot.settings import Settings
from models import User
from utils.i18n import Translator


@dataclass(frozen=True, slots=True)
class UpdateContext:
    session: AsyncSession
    user: User
    t: Translator
    settings: Settings
    notifier: Notifier


Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


async def with_context(handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
    """The inner middleware: bundle the per-update values as `ctx`."""
    user = data.get("user")
    if isinstance(user, User):
        data["ctx"] = UpdateContext(
            session=data["session"],
            user=user,
            t=data["t"],
            settings=data["settings"],
            notifier=data["notifier"],
        )
    return await handler(event, data)


def install(router: Router) -> None:
    """Give the router's message and button handlers `ctx`."""
    router.message.middleware(with_context)
    router.callback_query.middleware(with_context)
