"""The last router: whatever nobody else understood gets a hint, never silence."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, ChatMemberUpdated, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.users import mark_bot_blocked
from models import User
from utils.i18n import Translator
from utils.keyboards.common import main_menu


def get_router() -> Router:
    router = Router(name="fallback")

    @router.my_chat_member(F.chat.type == "private")
    async def membership(event: ChatMemberUpdated, session: AsyncSession) -> None:
        blocked = event.new_chat_member.status == "kicked"
        await mark_bot_blocked(session, event.chat.id, blocked)

    @router.message(F.chat.type == "private")
    async def unknown_message(message: Message, user: User, t: Translator) -> None:
        await message.answer(t("fallback-hint"), reply_markup=main_menu(t, user.role))

    @router.callback_query()
    async def unknown_callback(query: CallbackQuery, t: Translator) -> None:
        await query.answer(t("button-outdated"), show_alert=True)

    return router
