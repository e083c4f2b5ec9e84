"""Staff comments and internal notes on a request; admins delete comments (softly)."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message

from bot.context import UpdateContext
from bot.filters import FreeInput, is_admin, is_staff, role_router
from bot.services import triage
from bot.services.comments import CommentOutcome, FileRef, add_comment
from bot.services.triage import MessageRef
from bot.staff_ui import (
    alert,
    ask,
    edit_markup,
    gated,
    prompt_markup,
    show_pressed,
    toast,
)
from models import AttachmentKind
from utils.callbacks import CommentDeleteCb, CommentDeleteListCb, StaffCommentCb
from utils.i18n import Translator
from utils.keyboards.staff import comment_delete_keyboard
from utils.validation import COMMENT_MAX, clean_comment

_SAVED = {
    CommentOutcome.DONE: "comment-saved",
    CommentOutcome.CLOSED: "comment-closed",
}


class StaffCommentForm(StatesGroup):
    text = State()


async def comment_start(
    query: CallbackQuery, callback_data: StaffCommentCb, state: FSMContext, ctx: UpdateContext
) -> None:
    t = ctx.t
    card = await triage.staff_card(ctx.session, request_id=callback_data.id, user=ctx.user)
    allowed = card is not None and (card.can_note if callback_data.internal else card.can_comment)
    if not allowed or not isinstance(query.message, Message):
        await alert(query, t("triage-forbidden"))
        return
    key = "note-ask" if callback_data.internal else "comment-ask"
    data = {"request_id": callback_data.id, "internal": callback_data.internal}
    markup = prompt_markup(t, query.message)
    await ask(query, state, StaffCommentForm.text, t(key, number=callback_data.id), markup, data)


def _files(message: Message) -> list[FileRef]:
    if not message.photo:
        return []
    largest = message.photo[-1]
    return [
        FileRef(
            AttachmentKind.PHOTO, largest.file_id, largest.file_unique_id, None, largest.file_size
        )
    ]


async def comment_given(message: Message, state: FSMContext, ctx: UpdateContext) -> None:
    t, data = ctx.t, await state.get_data()
    text, problem = clean_comment(message.text or message.caption)
    if problem is not None:
        await message.answer(t("comment-too-long", limit=COMMENT_MAX))
        return
    internal, request_id = bool(data["internal"]), int(data["request_id"])
    result = await add_comment(
        ctx.session,
        ctx.notifier,
        request_id=request_id,
        user=ctx.user,
        text=text,
        files=_files(message),
        internal=internal,
    )
    if result.outcome is CommentOutcome.EMPTY:
        await message.answer(t("comment-empty"))
        return
    await state.clear()
    key = _SAVED.get(result.outcome, "triage-forbidden")
    if result.outcome is CommentOutcome.DONE and internal:
        key = "note-saved"
    await message.answer(t(key, number=request_id))


async def comment_other(message: Message, t: Translator) -> None:
    await message.answer(t("comment-empty"))


async def delete_list(
    query: CallbackQuery, callback_data: CommentDeleteListCb, ctx: UpdateContext
) -> None:
    t = ctx.t
    card = await triage.staff_card(ctx.session, request_id=callback_data.id, user=ctx.user)
    live = [c for c in card.comments if not c.deleted] if card else []
    if not live or not isinstance(query.message, Message):
        await alert(query, t("comment-none"))
        return
    await query.answer()
    await edit_markup(
        query.message,
        comment_delete_keyboard(
            t, callback_data.id, [(c.id, c.author_name or "—", c.text) for c in live]
        ),
    )


async def delete_comment(
    query: CallbackQuery, callback_data: CommentDeleteCb, ctx: UpdateContext, bot: Bot
) -> None:
    message = query.message if isinstance(query.message, Message) else None
    on = MessageRef(message.chat.id, message.message_id) if message is not None else None
    result = await triage.delete_comment(
        ctx.session, comment_id=callback_data.id, user=ctx.user, on=on
    )
    if not result.ok:
        await alert(query, ctx.t("comment-none"))
        return
    await toast(query, ctx.t("comment-deleted-done"))
    if result.pressed is not None and message is not None:
        await show_pressed(bot, message, result.pressed, ctx)


def get_router() -> Router:
    admin = role_router("staff-comments-admin", is_admin())
    admin.callback_query.register(delete_list, CommentDeleteListCb.filter())
    admin.callback_query.register(delete_comment, CommentDeleteCb.filter())

    staff = role_router("staff-comments-staff", is_staff())
    staff.callback_query.register(comment_start, StaffCommentCb.filter())
    staff.message.register(comment_given, StaffCommentForm.text, F.text, FreeInput())
    staff.message.register(comment_given, StaffCommentForm.text, F.photo)
    staff.message.register(comment_other, StaffCommentForm.text, ~F.text)
    return gated("staff-comments", admin, staff, dialogs=StaffCommentForm)
