"""/categories: admins add, rename, hide and show categories."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.context import UpdateContext
from bot.filters import FreeInput, is_admin, role_router
from bot.services import categories as categories_service
from bot.services.categories import NAME_MAX, CategoryInfo, CategoryOutcome, parse_names
from bot.staff_ui import alert, ask, edit_text, gated, redraw_or_gone
from utils.callbacks import (
    CategoriesCb,
    CategoryAddCb,
    CategoryCardCb,
    CategoryHideCb,
    CategoryRenameCb,
)
from utils.i18n import Markup, Translator
from utils.keyboards.staff import cancel_keyboard, categories_keyboard, category_card_keyboard


class CategoryForm(StatesGroup):
    add = State()
    rename = State()


def _list(t: Translator, categories: list[CategoryInfo]) -> tuple[str, InlineKeyboardMarkup]:
    keyboard = categories_keyboard(t, [(c.id, c.name(t.language), c.is_hidden) for c in categories])
    return t("categories-title"), keyboard


def _card(t: Translator, info: CategoryInfo) -> tuple[str, InlineKeyboardMarkup]:
    text = t(
        "categories-card",
        name_ru=info.name_ru,
        name_en=info.name_en,
        requests=info.requests,
        state=Markup(t("categories-hidden" if info.is_hidden else "categories-visible")),
    )
    return text, category_card_keyboard(t, info.id, info.is_hidden)


async def categories_command(message: Message, state: FSMContext, ctx: UpdateContext) -> None:
    await state.clear()
    text, keyboard = _list(ctx.t, await categories_service.list_all(ctx.session))
    await message.answer(text, reply_markup=keyboard)


async def categories_list(query: CallbackQuery, ctx: UpdateContext, bot: Bot) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        text, keyboard = _list(ctx.t, await categories_service.list_all(ctx.session))
        await edit_text(bot, query.message.chat.id, query.message.message_id, text, keyboard)


async def category_card(
    query: CallbackQuery, callback_data: CategoryCardCb, ctx: UpdateContext, bot: Bot
) -> None:
    t = ctx.t
    info = await categories_service.get(ctx.session, category_id=callback_data.id)
    await redraw_or_gone(query, bot, _card(t, info) if info else None, t("categories-not-found"))


async def category_hide(
    query: CallbackQuery, callback_data: CategoryHideCb, ctx: UpdateContext, bot: Bot
) -> None:
    t = ctx.t
    result = await categories_service.set_hidden(
        ctx.session, category_id=callback_data.id, hidden=callback_data.hide
    )
    card = _card(t, result.category) if result.category else None
    done = t("categories-hidden-done" if callback_data.hide else "categories-shown-done")
    await redraw_or_gone(query, bot, card, t("categories-not-found"), done)


async def add_start(query: CallbackQuery, state: FSMContext, t: Translator) -> None:
    text = t("categories-ask-name", limit=NAME_MAX)
    await ask(query, state, CategoryForm.add, text, cancel_keyboard(t))


async def rename_start(
    query: CallbackQuery, callback_data: CategoryRenameCb, state: FSMContext, ctx: UpdateContext
) -> None:
    t = ctx.t
    info = await categories_service.get(ctx.session, category_id=callback_data.id)
    if info is None or not isinstance(query.message, Message):
        await alert(query, t("categories-not-found"))
        return
    text = t("categories-ask-rename", name_ru=info.name_ru, name_en=info.name_en, limit=NAME_MAX)
    await ask(query, state, CategoryForm.rename, text, cancel_keyboard(t), {"category_id": info.id})


async def name_given(message: Message, state: FSMContext, ctx: UpdateContext) -> None:
    session, t = ctx.session, ctx.t
    parsed = parse_names(message.text or "")
    if not isinstance(parsed, tuple):
        await message.answer(
            t(f"categories-name-{parsed}", limit=NAME_MAX), reply_markup=cancel_keyboard(t)
        )
        return
    name_ru, name_en = parsed
    if await state.get_state() == CategoryForm.rename.state:
        category_id = int((await state.get_data())["category_id"])
        result = await categories_service.rename(
            session, category_id=category_id, name_ru=name_ru, name_en=name_en
        )
    else:
        result = await categories_service.add(session, name_ru=name_ru, name_en=name_en)
    if result.outcome is CategoryOutcome.DUPLICATE:
        await message.answer(t("categories-duplicate"), reply_markup=cancel_keyboard(t))
        return
    await state.clear()
    if result.category is None:
        await message.answer(t("categories-not-found"))
        return
    text, keyboard = _card(t, result.category)
    await message.answer(t("categories-saved") + "\n\n" + text, reply_markup=keyboard)


async def name_not_text(message: Message, t: Translator) -> None:
    await message.answer(
        t("categories-name-empty", limit=NAME_MAX), reply_markup=cancel_keyboard(t)
    )


def get_router() -> Router:
    admin = role_router("categories-admin", is_admin())
    admin.message.register(categories_command, Command("categories"), F.chat.type == "private")
    admin.callback_query.register(categories_list, CategoriesCb.filter())
    admin.callback_query.register(category_card, CategoryCardCb.filter())
    admin.callback_query.register(category_hide, CategoryHideCb.filter())
    admin.callback_query.register(add_start, CategoryAddCb.filter())
    admin.callback_query.register(rename_start, CategoryRenameCb.filter())
    admin.message.register(name_given, StateFilter(CategoryForm), F.text, FreeInput())
    admin.message.register(name_not_text, StateFilter(CategoryForm), ~F.text)
    return gated("categories", admin, commands=Command("categories"), dialogs=CategoryForm)
