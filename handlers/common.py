"""/start, /help, /cancel, /language and the menu's Help button."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.context import UpdateContext
from bot.filters import TextKey
from bot.services.users import set_language
from models import Role
from utils.callbacks import LanguageCb
from utils.i18n import Catalogue, Translator
from utils.keyboards.common import language_keyboard, main_menu


def help_text(t: Translator, role: Role) -> str:
    parts = [t("help-user")]
    if role in (Role.EXECUTOR, Role.ADMIN):
        parts.append(t("help-executor"))
    if role is Role.ADMIN:
        parts.append(t("help-admin"))
    return "\n\n".join(parts)


async def start(message: Message, state: FSMContext, ctx: UpdateContext) -> None:
    user, t = ctx.user, ctx.t
    await state.clear()
    text = "\n\n".join((t("start-greeting", name=user.full_name), t(f"start-role-{user.role}")))
    await message.answer(text, reply_markup=main_menu(t, user.role))


async def help_(message: Message, ctx: UpdateContext) -> None:
    t, role = ctx.t, ctx.user.role
    await message.answer(help_text(t, role), reply_markup=main_menu(t, role))


async def cancel(message: Message, state: FSMContext, ctx: UpdateContext) -> None:
    had_state = await state.get_state() is not None
    await state.clear()
    await message.answer(
        ctx.t("cancel-done" if had_state else "cancel-nothing"),
        reply_markup=main_menu(ctx.t, ctx.user.role),
    )


async def language(message: Message, t: Translator, catalogue: Catalogue) -> None:
    await message.answer(t("language-choose"), reply_markup=language_keyboard(catalogue.languages))


async def language_chosen(
    query: CallbackQuery, callback_data: LanguageCb, ctx: UpdateContext, catalogue: Catalogue
) -> None:
    user = ctx.user
    if callback_data.code not in catalogue.languages:
        await query.answer()
        return
    await set_language(ctx.session, user, callback_data.code)
    t = catalogue.translator(callback_data.code)
    await query.answer()
    if query.message is not None:
        await query.message.answer(t("language-set"), reply_markup=main_menu(t, user.role))


def get_router() -> Router:
    router = Router(name="common")
    router.message.filter(F.chat.type == "private")
    router.message.register(start, CommandStart())
    router.message.register(help_, Command("help"))
    router.message.register(help_, TextKey("menu-help"))
    router.message.register(cancel, Command("cancel"))
    router.message.register(language, Command("language"))
    router.callback_query.register(language_chosen, LanguageCb.filter())
    return router
