"""One database session per update; the user registered, refreshed and loaded with it.

Puts into the handler data: `session`, `user` (models.User, with the effective role),
`t` (the catalogue in the user's language) and, for a person, `ctx`: the three together
with the settings, for handlers that need all of them. A blocked user gets a polite
refusal and no handler runs.
"""

from __future__ import annotations

from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import Chat, TelegramObject, Update
from aiogram.types import User as TgUser
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.context import UpdateContext
from bot.middlewares import Data, Handler
from bot.services.user_cache import EPOCH_DATA_KEY, UserCache
from bot.services.users import TelegramProfile, register_or_refresh
from utils.i18n import Catalogue


class DatabaseMiddleware(BaseMiddleware):
    def __init__(
        self,
        session_pool: async_sessionmaker[AsyncSession],
        admin_ids: frozenset[int],
        users: UserCache | None = None,
    ) -> None:
        self.session_pool = session_pool
        self.admin_ids = admin_ids
        self.users = users  # held here: the session pool's watcher list holds it weakly

    async def __call__(self, handler: Handler, event: TelegramObject, data: Data) -> Any:
        catalogue: Catalogue = data["catalogue"]
        from_user: TgUser | None = data.get("event_from_user")
        chat: Chat | None = data.get("event_chat")
        async with self.session_pool() as session:
            data["session"] = session
            if from_user is None or from_user.is_bot:
                data["user"] = None
                data["t"] = catalogue.translator(None)
                return await handler(event, data)
            profile = TelegramProfile(
                telegram_id=from_user.id,
                username=from_user.username,
                full_name=from_user.full_name,
                language_code=from_user.language_code,
            )
            user = await register_or_refresh(
                session,
                profile,
                admin_ids=self.admin_ids,
                language=catalogue.resolve_language(from_user.language_code),
                private_chat=chat is not None and chat.type == "private",
                # Only with the epoch read for this very update (bot.fsm).
                cache=self.users if EPOCH_DATA_KEY in data else None,
                epoch=data.get(EPOCH_DATA_KEY),
            )
            t = catalogue.translator(user.language)
            data["user"] = user
            data["t"] = t
            data["ctx"] = UpdateContext(
                session,
                user,
                t,
                data["settings"],
                data["notifier"],
                data["places"],
                data["categories"],
            )
            if user.is_blocked:
                await self._refuse(event, t("user-blocked"))
                return None
            return await handler(event, data)

    @staticmethod
    async def _refuse(event: TelegramObject, text: str) -> None:
        if not isinstance(event, Update):
            return
        if event.callback_query is not None:
            await event.callback_query.answer(text, show_alert=True)
        elif event.message is not None and event.message.chat.type == "private":
            await event.message.answer(text)
