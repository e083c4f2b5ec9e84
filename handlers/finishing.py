"""Finishing a request with a report: the executor's optional comment and "after" photos,
then Submit. The status change and the report are one transaction (triage.finish)."""

from __future__ import annotations

from typing import Any

from aiogram import Bot, F, Router
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message

from bot.context import UpdateContext
from bot.filters import FreeInput, is_staff, role_router
from bot.services import triage
from bot.services.comments import FileRef
from bot.services.triage import RESULT_COMMENT_MAX, RESULT_PHOTOS_MAX
from bot.staff_ui import (
    alert,
    card_if_allowed,
    denial_text,
    edit_markup,
    edit_text,
    gated,
    toast,
)
from models import Action, AttachmentKind
from utils.callbacks import FinishSubmitCb, RequestActionCb
from utils.i18n import Translator
from utils.keyboards.staff import finish_keyboard
from utils.validation import normalize


class FinishForm(StatesGroup):
    collecting = State()


def _finish_prompt(t: Translator, data: dict[str, Any]) -> str:
    return t(
        "finish-prompt",
        number=data["request_id"],
        photos=len(data.get("photos", [])),
        comment=t("finish-comment-yes") if data.get("comment") else t("finish-comment-no"),
    )


async def finish_start(
    query: CallbackQuery, callback_data: RequestActionCb, state: FSMContext, ctx: UpdateContext
) -> None:
    t, request_id = ctx.t, callback_data.id
    message = await card_if_allowed(query, ctx, request_id, Action.FINISH)
    if message is None:
        return
    await state.clear()
    await query.answer()
    await state.set_state(FinishForm.collecting)
    data: dict[str, Any] = {"request_id": request_id, "action": Action.FINISH.value}
    data.update(card_chat=message.chat.id, card_message=message.message_id, comment="", photos=[])
    prompt = await message.answer(
        _finish_prompt(t, data), reply_markup=finish_keyboard(t, request_id)
    )
    data.update(prompt_chat=prompt.chat.id, prompt_message=prompt.message_id)
    await state.set_data(data)


async def finish_photo(message: Message, state: FSMContext, t: Translator, bot: Bot) -> None:
    data = await state.get_data()
    photos: list[dict[str, Any]] = list(data.get("photos", []))
    if len(photos) >= RESULT_PHOTOS_MAX:
        await message.answer(t("finish-too-many", limit=RESULT_PHOTOS_MAX))
        return
    assert message.photo is not None
    largest = message.photo[-1]
    photos.append(
        {
            "file_id": largest.file_id,
            "file_unique_id": largest.file_unique_id,
            "file_size": largest.file_size,
        }
    )
    data["photos"] = photos
    if message.caption and not data.get("comment"):
        data["comment"] = normalize(message.caption)[:RESULT_COMMENT_MAX]
    await state.set_data(data)
    await edit_text(
        bot,
        data["prompt_chat"],
        data["prompt_message"],
        _finish_prompt(t, data),
        finish_keyboard(t, data["request_id"]),
    )


async def finish_comment(message: Message, state: FSMContext, t: Translator) -> None:
    text = normalize(message.text)
    if len(text) > RESULT_COMMENT_MAX:
        await message.answer(t("finish-comment-too-long", limit=RESULT_COMMENT_MAX))
        return
    data = await state.get_data()
    data["comment"] = text
    prompt = await message.answer(
        _finish_prompt(t, data), reply_markup=finish_keyboard(t, data["request_id"])
    )
    data.update(prompt_chat=prompt.chat.id, prompt_message=prompt.message_id)
    await state.set_data(data)


async def finish_other(message: Message, t: Translator, state: FSMContext) -> None:
    data = await state.get_data()
    await message.answer(
        t("finish-only-photos"), reply_markup=finish_keyboard(t, data["request_id"])
    )


async def finish_submit(
    query: CallbackQuery,
    callback_data: FinishSubmitCb,
    state: FSMContext,
    ctx: UpdateContext,
    bot: Bot,
) -> None:
    t, data = ctx.t, await state.get_data()
    if (
        await state.get_state() != FinishForm.collecting.state
        or data.get("request_id") != callback_data.id
    ):
        await alert(query, t("button-outdated"))
        return
    photos = [
        FileRef(AttachmentKind.PHOTO, p["file_id"], p["file_unique_id"], None, p["file_size"])
        for p in data.get("photos", [])
    ]
    result = await triage.finish(
        ctx.session,
        ctx.notifier,
        request_id=callback_data.id,
        user=ctx.user,
        comment=data.get("comment", ""),
        photos=photos,
    )
    await state.clear()
    message = query.message if isinstance(query.message, Message) else None
    if not result.ok:
        await alert(query, denial_text(t, Action.FINISH, result.outcome, result.view))
        if message is not None:
            await edit_markup(message, None)
        return
    await toast(query, t("done-finish", number=callback_data.id))
    if message is not None:
        done = t("finish-done", number=callback_data.id, photos=len(photos))
        await edit_text(bot, message.chat.id, message.message_id, done, None)


def get_router() -> Router:
    finish = RequestActionCb.filter(F.action == Action.FINISH)
    staff = role_router("finishing-staff", is_staff())
    staff.callback_query.register(finish_start, finish)
    staff.message.register(finish_photo, FinishForm.collecting, F.photo)
    staff.message.register(finish_comment, FinishForm.collecting, F.text, FreeInput())
    staff.message.register(finish_other, FinishForm.collecting, ~F.text)
    staff.callback_query.register(finish_submit, FinishSubmitCb.filter())
    return gated("finishing", staff, dialogs=FinishForm, buttons=finish)
