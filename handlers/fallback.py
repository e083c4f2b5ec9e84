"""The last router: whatever nobody else understood gets a hint, never silence."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, ChatMemberUpdated, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import UpdateContext
from bot.services.users import mark_bot_blocked
from utils.i18n import Translator
from utils.keyboards.common import main_menu


async def membership(event: ChatMemberUpdated, session: AsyncSession) -> None:
    blocked = event.new_chat_member.status == "kicked"
    await mark_bot_blocked(session, event.chat.id, blocked)


async def unknown_message(message: Message, ctx: UpdateContext) -> None:
    await message.answer(ctx.t("fallback-hint"), reply_markup=main_menu(ctx.t, ctx.user.role))


async def unknown_callback(query: CallbackQuery, t: Translator) -> None:
    await query.answer(t("button-outdated"), show_alert=True)


def get_router() -> Router:
    router = Router(name="fallback")
    router.my_chat_member.register(membership, F.chat.type == "private")
    router.message.register(unknown_message, F.chat.type == "private")
    router.callback_query.register(unknown_callback)
    return router
