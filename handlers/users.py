"""/users: the admins' list of people, search, roles, blocking."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.fsm.storage.base import BaseStorage
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.commands import set_user_commands
from bot.context import UpdateContext
from bot.filters import FreeInput, is_admin, role_router
from bot.services import admin_users
from bot.services.admin_users import SEARCH_MAX, ChangeOutcome, ChangeResult
from bot.staff_ui import (
    alert,
    ask,
    drop_dialog,
    edit_text,
    gated,
    redraw_or_gone,
    toast,
)
from models.views import UserRow
from utils.callbacks import UserBlockCb, UserCardCb, UserRoleCb, UserSearchCb, UsersPageCb
from utils.i18n import Translator
from utils.keyboards.staff import cancel_keyboard, user_card_keyboard, users_keyboard
from utils.staff_cards import user_card_text, user_line


class UserSearchForm(StatesGroup):
    query = State()


def _list(
    t: Translator, rows: list[UserRow], more: bool, *, after: int, query: str | None
) -> tuple[str, InlineKeyboardMarkup]:
    title = t("users-found", query=query) if query else t("users-title")
    lines = [title, ""]
    lines.extend(user_line(t, r) for r in rows)
    if not rows:
        lines.append(t("users-empty"))
    keyboard = users_keyboard(
        t,
        [(r.id, r.full_name, r.role, r.is_blocked) for r in rows],
        has_more=more,
        after=after,
        search=query is not None,
    )
    return "\n".join(lines), keyboard


def _card(ctx: UpdateContext, row: UserRow) -> tuple[str, InlineKeyboardMarkup]:
    protected = row.telegram_id in ctx.settings.admin_ids
    editable = not protected and row.id != ctx.user.id
    return (
        user_card_text(ctx.t, row, protected=protected),
        user_card_keyboard(ctx.t, row.id, row.role, row.is_blocked, editable=editable),
    )


_REFUSAL = {
    ChangeOutcome.PROTECTED: "users-protected",
    ChangeOutcome.SELF: "users-self",
    ChangeOutcome.NOT_FOUND: "users-not-found",
    ChangeOutcome.FORBIDDEN: "not-allowed",
}


async def users_command(message: Message, state: FSMContext, ctx: UpdateContext) -> None:
    await state.clear()
    rows, more = await admin_users.users_page(ctx.session)
    text, keyboard = _list(ctx.t, rows, more, after=0, query=None)
    await message.answer(text, reply_markup=keyboard)


async def users_page(
    query: CallbackQuery,
    callback_data: UsersPageCb,
    state: FSMContext,
    ctx: UpdateContext,
    bot: Bot,
) -> None:
    t = ctx.t
    search = (await state.get_data()).get("users_q") if callback_data.s else None
    if callback_data.s and not search:
        await alert(query, t("button-outdated"))
        return
    rows, more = await admin_users.users_page(
        ctx.session, after_id=callback_data.after, query=search
    )
    await query.answer()
    if isinstance(query.message, Message):
        text, keyboard = _list(t, rows, more, after=callback_data.after, query=search)
        await edit_text(bot, query.message.chat.id, query.message.message_id, text, keyboard)


async def search_start(query: CallbackQuery, state: FSMContext, t: Translator) -> None:
    await ask(query, state, UserSearchForm.query, t("users-search-ask"), cancel_keyboard(t))


async def search_query(message: Message, state: FSMContext, ctx: UpdateContext) -> None:
    t, text = ctx.t, (message.text or "").strip()
    if not text or len(text) > SEARCH_MAX:
        await message.answer(
            t("users-search-invalid", limit=SEARCH_MAX), reply_markup=cancel_keyboard(t)
        )
        return
    await state.set_state(None)
    await state.set_data({"users_q": text})
    rows, more = await admin_users.users_page(ctx.session, query=text)
    reply, keyboard = _list(t, rows, more, after=0, query=text)
    await message.answer(reply, reply_markup=keyboard)


async def search_not_text(message: Message, t: Translator) -> None:
    await message.answer(
        t("users-search-invalid", limit=SEARCH_MAX), reply_markup=cancel_keyboard(t)
    )


async def user_card(
    query: CallbackQuery, callback_data: UserCardCb, ctx: UpdateContext, bot: Bot
) -> None:
    row = await admin_users.user_row(ctx.session, user_id=callback_data.id)
    await redraw_or_gone(query, bot, _card(ctx, row) if row else None, ctx.t("users-not-found"))


async def _after_change(
    query: CallbackQuery, result: ChangeResult, done_text: str, ctx: UpdateContext, bot: Bot
) -> None:
    t = ctx.t
    if result.outcome in _REFUSAL:
        await alert(query, t(_REFUSAL[result.outcome]))
        return
    await toast(query, done_text if result.outcome is ChangeOutcome.DONE else t("users-unchanged"))
    if result.row is not None and isinstance(query.message, Message):
        text, keyboard = _card(ctx, result.row)
        await edit_text(bot, query.message.chat.id, query.message.message_id, text, keyboard)


async def change_role(
    query: CallbackQuery, callback_data: UserRoleCb, ctx: UpdateContext, bot: Bot
) -> None:
    catalogue = ctx.t.catalogue
    result = await admin_users.change_role(
        ctx.session,
        catalogue,
        actor=ctx.user,
        user_id=callback_data.id,
        role=callback_data.role,
        admin_ids=ctx.settings.admin_ids,
    )
    if result.outcome is ChangeOutcome.DONE and result.telegram_id is not None:
        # Their command list changes at once; the new menu comes through the outbox.
        await set_user_commands(
            bot, catalogue, result.telegram_id, callback_data.role, result.language
        )
    done = ctx.t("users-role-set", role=ctx.t(f"role-{callback_data.role}"))
    await _after_change(query, result, done, ctx, bot)


async def block(
    query: CallbackQuery,
    callback_data: UserBlockCb,
    ctx: UpdateContext,
    bot: Bot,
    fsm_storage: BaseStorage,
) -> None:
    result = await admin_users.set_blocked(
        ctx.session,
        actor=ctx.user,
        user_id=callback_data.id,
        blocked=callback_data.block,
        admin_ids=ctx.settings.admin_ids,
    )
    if result.outcome is ChangeOutcome.DONE and callback_data.block and result.row is not None:
        # Whatever dialog they had open is gone (a role change is caught at the next step).
        await drop_dialog(fsm_storage, bot, result.row.telegram_id)
    done = ctx.t("users-blocked-done" if callback_data.block else "users-unblocked-done")
    await _after_change(query, result, done, ctx, bot)


def get_router() -> Router:
    admin = role_router("users-admin", is_admin())
    admin.message.register(users_command, Command("users"), F.chat.type == "private")
    admin.callback_query.register(users_page, UsersPageCb.filter())
    admin.callback_query.register(search_start, UserSearchCb.filter())
    admin.message.register(search_query, UserSearchForm.query, F.text, FreeInput())
    admin.message.register(search_not_text, UserSearchForm.query, ~F.text)
    admin.callback_query.register(user_card, UserCardCb.filter())
    admin.callback_query.register(change_role, UserRoleCb.filter())
    admin.callback_query.register(block, UserBlockCb.filter())
    return gated("users", admin, commands=Command("users"), dialogs=UserSearchForm)
