"""The checklist of a planned request in the chat: its executor (and the admins) tick
items, fail one with a note, and file the follow-up repair request of a failed item.

Every press is checked again on the server (bot/services/checklist.py asks
models/planned.py); a stale or forged button gets an alert and changes nothing, and the
checklist is redrawn as it now is.
"""

from __future__ import annotations

import html

from aiogram import Bot, F, Router
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.context import UpdateContext
from bot.filters import FreeInput, is_staff, role_router
from bot.services import checklist as service
from bot.services.checklist import ChecklistCard, ItemOutcome, ItemResult
from bot.staff_ui import alert, ask, edit_text, gated, prompt_markup, toast
from models import ItemState
from utils.callbacks_planned import ChecklistCb, ChecklistItemCb, ItemAction
from utils.i18n import Translator
from utils.keyboards.planned import checklist_keyboard
from utils.planned_cards import render_checklist


class ChecklistForm(StatesGroup):
    fail_note = State()


def _checklist_view(t: Translator, card: ChecklistCard) -> tuple[str, InlineKeyboardMarkup]:
    return render_checklist(t, card.view, card.items), checklist_keyboard(
        t, card.view.id, card.items, editable=card.editable
    )


async def _redraw(
    bot: Bot, chat_id: int, message_id: int, t: Translator, card: ChecklistCard
) -> None:
    text, markup = _checklist_view(t, card)
    await edit_text(bot, chat_id, message_id, text, markup)


async def checklist_open(
    query: CallbackQuery, callback_data: ChecklistCb, ctx: UpdateContext, bot: Bot
) -> None:
    t = ctx.t
    card = await service.checklist(ctx.session, request_id=callback_data.id, user=ctx.user)
    if card is None or not isinstance(query.message, Message):
        await alert(query, t("checklist-not-found"))
        return
    await query.answer()
    if callback_data.refresh:
        await _redraw(bot, query.message.chat.id, query.message.message_id, t, card)
    else:
        text, markup = _checklist_view(t, card)
        await query.message.answer(text, reply_markup=markup)


_ITEM_DENIALS = {
    ItemOutcome.NOT_FOUND: "checklist-not-found",
    ItemOutcome.FORBIDDEN: "checklist-forbidden",
    ItemOutcome.STALE: "checklist-stale",
    ItemOutcome.NOTE_REQUIRED: "checklist-note-empty",
    ItemOutcome.NOT_FAILED: "checklist-stale",
}


async def _after_item(
    query: CallbackQuery, result: ItemResult, t: Translator, bot: Bot, note: str | None = None
) -> None:
    """Refused: an alert; either way the checklist is redrawn as it now is."""
    if result.ok:
        await (toast(query, note) if note else query.answer())
    else:
        await alert(query, t(_ITEM_DENIALS[result.outcome]))
    if result.card is not None and isinstance(query.message, Message):
        await _redraw(bot, query.message.chat.id, query.message.message_id, t, result.card)


async def checklist_item(
    query: CallbackQuery,
    callback_data: ChecklistItemCb,
    state: FSMContext,
    ctx: UpdateContext,
    bot: Bot,
) -> None:
    action = callback_data.action
    if action is ItemAction.SET:
        result = await service.set_item(
            ctx.session,
            item_id=callback_data.id,
            expected=callback_data.seen,
            state=callback_data.to,
            user=ctx.user,
        )
        await _after_item(query, result, ctx.t, bot)
    elif action is ItemAction.FOLLOWUP:
        await _followup(query, callback_data.id, ctx, bot)
    else:
        await _ask_note(query, callback_data, state, ctx)


async def _followup(query: CallbackQuery, item_id: int, ctx: UpdateContext, bot: Bot) -> None:
    t, settings = ctx.t, ctx.settings
    card = await service.item_context(ctx.session, item_id=item_id, user=ctx.user)
    if card is None:
        await alert(query, t("checklist-not-found"))
        return
    view, item = card
    description = t(
        "planned-followup-description",
        number=view.id,
        title=view.description,
        item=item.text,
        note=item.note or "—",
    )
    result = await service.file_followup(
        ctx.session,
        ctx.notifier,
        item_id=item_id,
        user=ctx.user,
        description=html.unescape(description),
        sla_hours=settings.sla_hours(),
        staff_chat_id=settings.admin_chat_id,
    )
    key = "checklist-followup-created" if result.created else "checklist-followup-exists"
    await _after_item(query, result, t, bot, t(key, number=result.followup_id or 0))


async def _ask_note(
    query: CallbackQuery, callback_data: ChecklistItemCb, state: FSMContext, ctx: UpdateContext
) -> None:
    """FAIL: ask for the note first (the item is checked again when it comes)."""
    t = ctx.t
    card = await service.item_context(ctx.session, item_id=callback_data.id, user=ctx.user)
    if card is None or not isinstance(query.message, Message):
        await alert(query, t("checklist-not-found"))
        return
    _, item = card
    data = {
        "item": callback_data.id,
        "seen": callback_data.seen.value,
        "chat": query.message.chat.id,
        "message": query.message.message_id,
    }
    text = t("checklist-ask-note", text=item.text, limit=service.NOTE_MAX)
    markup = prompt_markup(t, query.message)
    await ask(query, state, ChecklistForm.fail_note, text, markup, data)


async def fail_note(message: Message, state: FSMContext, ctx: UpdateContext, bot: Bot) -> None:
    t = ctx.t
    data = await state.get_data()
    note = (message.text or "").strip()
    if not note or len(note) > service.NOTE_MAX:
        await message.answer(t("checklist-note-empty"))
        return
    await state.clear()
    result = await service.set_item(
        ctx.session,
        item_id=int(data["item"]),
        expected=ItemState(data["seen"]),
        state=ItemState.FAILED,
        note=note,
        user=ctx.user,
    )
    if not result.ok:
        await message.answer(t(_ITEM_DENIALS[result.outcome]))
    else:
        await message.answer(t("checklist-note-saved"))
    if result.card is not None:
        await _redraw(bot, int(data["chat"]), int(data["message"]), t, result.card)


async def fail_note_other(message: Message, t: Translator) -> None:
    await message.answer(t("checklist-note-empty"))


def get_router() -> Router:
    staff = role_router("checklist-staff", is_staff())
    staff.callback_query.register(checklist_open, ChecklistCb.filter())
    staff.callback_query.register(checklist_item, ChecklistItemCb.filter())
    staff.message.register(fail_note, ChecklistForm.fail_note, F.text, FreeInput())
    staff.message.register(fail_note_other, ChecklistForm.fail_note, ~F.text)
    return gated("checklist", staff, dialogs=ChecklistForm)
