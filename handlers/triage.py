"""Staff work on a request from its card: take, assign, reject, hold, resume, finish;
the full card, photos, comments and internal notes, deleting comments; the executor's tasks.

Every press is checked again on the server (the state machine for this user and the
request's status now); a stale or forged button gets an alert and changes nothing.
"""

from __future__ import annotations

from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.methods import SendMediaGroup
from aiogram.types import (
    CallbackQuery,
    ForceReply,
    InlineKeyboardMarkup,
    InputMediaPhoto,
    Message,
)
from sqlalchemy.ext.asyncio import AsyncSession

from bot.filters import FreeInput, TextKey, is_admin, is_staff
from bot.services import triage
from bot.services.comments import CommentOutcome, FileRef, add_comment
from bot.services.notifications import Notifier
from bot.services.transitions import perform
from bot.services.triage import REASON_MAX, RESULT_COMMENT_MAX, RESULT_PHOTOS_MAX, DeleteOutcome
from bot.settings import Settings
from handlers.staff_helpers import (
    alert,
    denial_text,
    edit_markup,
    edit_text,
    full_card_view,
    show_pressed,
    toast,
)
from models import Action, AttachmentKind, Role, User, utcnow
from utils.callbacks import (
    AssignPageCb,
    AssignToCb,
    CardKeyboardCb,
    CommentDeleteCb,
    CommentDeleteListCb,
    FinishSubmitCb,
    OpenRequestCb,
    PhotosCb,
    RequestActionCb,
    StaffCancelCb,
    StaffCommentCb,
    TasksCb,
)
from utils.i18n import Catalogue, Translator
from utils.keyboards.staff import (
    STAFF_ACTIONS,
    assign_picker_keyboard,
    cancel_keyboard,
    comment_delete_keyboard,
    finish_keyboard,
    tasks_keyboard,
)
from utils.staff_cards import button_rows, tasks_text

STAFF_ROLES = (Role.EXECUTOR, Role.ADMIN)
COMMENT_MAX = 2000
MEDIA_GROUP_MAX = 10


class ReasonForm(StatesGroup):
    text = State()


class FinishForm(StatesGroup):
    collecting = State()


class StaffCommentForm(StatesGroup):
    text = State()


def _prompt_markup(t: Translator, message: Message) -> InlineKeyboardMarkup | ForceReply:
    """In a group the bot sees only replies to it, so the client is asked to reply."""
    if message.chat.type == "private":
        return cancel_keyboard(t)
    return ForceReply(selective=True)


def _finish_prompt(t: Translator, data: dict[str, Any]) -> str:
    return t(
        "finish-prompt",
        number=data["request_id"],
        photos=len(data.get("photos", [])),
        comment=t("finish-comment-yes") if data.get("comment") else t("finish-comment-no"),
    )


def get_router() -> Router:
    router = Router(name="triage")

    # ------------------------------------------------------------------ the tasks
    @router.message(Command("tasks"), F.chat.type == "private")
    @router.message(TextKey("menu-my-tasks"), F.chat.type == "private")
    async def tasks_command(
        message: Message, state: FSMContext, session: AsyncSession, user: User, t: Translator
    ) -> None:
        if user.role not in STAFF_ROLES:
            await message.answer(t("not-allowed"))
            return
        await state.clear()
        rows = await triage.tasks(session, user=user)
        await message.answer(
            tasks_text(t, rows, now=utcnow()), reply_markup=tasks_keyboard(t, button_rows(rows))
        )

    @router.callback_query(TasksCb.filter(), is_staff())
    async def tasks_refresh(
        query: CallbackQuery, session: AsyncSession, user: User, t: Translator, bot: Bot
    ) -> None:
        rows = await triage.tasks(session, user=user)
        await query.answer()
        if isinstance(query.message, Message):
            await edit_text(
                bot,
                query.message.chat.id,
                query.message.message_id,
                tasks_text(t, rows, now=utcnow()),
                tasks_keyboard(t, button_rows(rows)),
            )

    # -------------------------------------------------------------- the full card
    @router.callback_query(OpenRequestCb.filter(), is_staff())
    async def open_card(
        query: CallbackQuery,
        callback_data: OpenRequestCb,
        session: AsyncSession,
        user: User,
        t: Translator,
        settings: Settings,
    ) -> None:
        card = await triage.staff_card(session, request_id=callback_data.id, user=user)
        if card is None or not isinstance(query.message, Message):
            await alert(query, t("triage-not-found"))
            return
        await query.answer()
        text, keyboard = full_card_view(t, card, user, settings)
        await query.message.answer(text, reply_markup=keyboard)

    @router.callback_query(CardKeyboardCb.filter(), is_staff())
    async def card_back(
        query: CallbackQuery,
        callback_data: CardKeyboardCb,
        session: AsyncSession,
        user: User,
        t: Translator,
        catalogue: Catalogue,
        settings: Settings,
        bot: Bot,
        notifier: Notifier,
    ) -> None:
        message = query.message
        if not isinstance(message, Message):
            await query.answer()
            return
        pressed = await triage.pressed_card(
            session,
            request_id=callback_data.id,
            user=user,
            chat_id=message.chat.id,
            message_id=message.message_id,
        )
        if pressed is None:
            await alert(query, t("triage-not-found"))
            return
        await query.answer()
        await show_pressed(
            bot,
            message,
            pressed,
            user=user,
            t=t,
            catalogue=catalogue,
            settings=settings,
            notifier=notifier,
            keyboard_only=pressed.is_copy,
        )

    @router.callback_query(PhotosCb.filter(), is_staff())
    async def photos(
        query: CallbackQuery,
        callback_data: PhotosCb,
        session: AsyncSession,
        t: Translator,
        bot: Bot,
    ) -> None:
        files = await triage.request_files(session, request_id=callback_data.id)
        if not files or not isinstance(query.message, Message):
            await alert(query, t("card-no-photos"))
            return
        await query.answer()
        chat_id = query.message.chat.id
        pictures = [f for f in files if f.kind is AttachmentKind.PHOTO]
        for start in range(0, len(pictures), MEDIA_GROUP_MAX):
            chunk = pictures[start : start + MEDIA_GROUP_MAX]
            if len(chunk) == 1:
                await bot.send_photo(chat_id, chunk[0].file_id)
            else:
                media = [InputMediaPhoto(media=f.file_id) for f in chunk]
                await bot(SendMediaGroup(chat_id=chat_id, media=media))  # type: ignore[arg-type]
        for doc in (f for f in files if f.kind is not AttachmentKind.PHOTO):
            await bot.send_document(chat_id, doc.file_id)

    # --------------------------------------------------------------- card actions
    @router.callback_query(RequestActionCb.filter(F.action.in_(STAFF_ACTIONS)))
    async def card_action(
        query: CallbackQuery,
        callback_data: RequestActionCb,
        session: AsyncSession,
        user: User,
        t: Translator,
        catalogue: Catalogue,
        settings: Settings,
        state: FSMContext,
        bot: Bot,
        notifier: Notifier,
    ) -> None:
        action, request_id = callback_data.action, callback_data.id
        message = query.message
        if not isinstance(message, Message):
            await query.answer()
            return
        if action in (Action.TAKE, Action.RESUME):
            result = await perform(
                session, notifier, request_id=request_id, action=action, user=user
            )
            if not result.ok:
                await alert(query, denial_text(t, action, result))
                return
            await toast(query, t(f"done-{action}", number=request_id))
            pressed = await triage.pressed_card(
                session,
                request_id=request_id,
                user=user,
                chat_id=message.chat.id,
                message_id=message.message_id,
                view=result.view,
            )
            if pressed is not None:
                await show_pressed(
                    bot,
                    message,
                    pressed,
                    user=user,
                    t=t,
                    catalogue=catalogue,
                    settings=settings,
                    notifier=notifier,
                    action=action,
                )
            return

        check = await triage.preflight(session, request_id=request_id, action=action, user=user)
        if not check.ok:
            await alert(query, denial_text(t, action, check))
            return
        if action is Action.ASSIGN:
            staff, more = await triage.staff_page(session)
            await query.answer()
            await edit_markup(
                message,
                assign_picker_keyboard(
                    t,
                    request_id,
                    [(s.id, s.full_name, s.role, s.open_tasks) for s in staff],
                    has_more=more,
                ),
            )
            return
        await state.clear()
        await query.answer()
        data: dict[str, Any] = {
            "request_id": request_id,
            "action": action.value,
            "card_chat": message.chat.id,
            "card_message": message.message_id,
        }
        if action is Action.FINISH:
            await state.set_state(FinishForm.collecting)
            data.update(comment="", photos=[])
            prompt = await message.answer(
                _finish_prompt(t, data), reply_markup=finish_keyboard(t, request_id)
            )
            data.update(prompt_chat=prompt.chat.id, prompt_message=prompt.message_id)
            await state.set_data(data)
            return
        await state.set_state(ReasonForm.text)
        await state.set_data(data)
        await message.answer(
            t(f"reason-ask-{action}", number=request_id, limit=REASON_MAX),
            reply_markup=_prompt_markup(t, message),
        )

    # ------------------------------------------------------------------- assigning
    @router.callback_query(AssignPageCb.filter(), is_admin())
    async def assign_page(
        query: CallbackQuery,
        callback_data: AssignPageCb,
        session: AsyncSession,
        user: User,
        t: Translator,
    ) -> None:
        check = await triage.preflight(
            session, request_id=callback_data.id, action=Action.ASSIGN, user=user
        )
        if not check.ok or not isinstance(query.message, Message):
            await alert(query, denial_text(t, Action.ASSIGN, check))
            return
        staff, more = await triage.staff_page(session, after_id=callback_data.after)
        await query.answer()
        await edit_markup(
            query.message,
            assign_picker_keyboard(
                t,
                callback_data.id,
                [(s.id, s.full_name, s.role, s.open_tasks) for s in staff],
                has_more=more,
            ),
        )

    @router.callback_query(AssignToCb.filter())
    async def assign_to(
        query: CallbackQuery,
        callback_data: AssignToCb,
        session: AsyncSession,
        user: User,
        t: Translator,
        catalogue: Catalogue,
        settings: Settings,
        bot: Bot,
        notifier: Notifier,
    ) -> None:
        result = await perform(
            session,
            notifier,
            request_id=callback_data.id,
            action=Action.ASSIGN,
            user=user,
            assignee_id=callback_data.uid,
        )
        if not result.ok or result.view is None or result.view.assignee is None:
            await alert(query, denial_text(t, Action.ASSIGN, result))
            return
        await toast(
            query, t("done-assign", number=callback_data.id, name=result.view.assignee.display)
        )
        message = query.message
        if not isinstance(message, Message):
            return
        pressed = await triage.pressed_card(
            session,
            request_id=callback_data.id,
            user=user,
            chat_id=message.chat.id,
            message_id=message.message_id,
            view=result.view,
        )
        if pressed is not None:
            await show_pressed(
                bot,
                message,
                pressed,
                user=user,
                t=t,
                catalogue=catalogue,
                settings=settings,
                notifier=notifier,
                action=Action.ASSIGN,
            )

    # -------------------------------------------------------- reasons (reject, hold)
    @router.message(ReasonForm.text, F.text, FreeInput())
    async def reason_given(
        message: Message,
        state: FSMContext,
        session: AsyncSession,
        user: User,
        t: Translator,
        catalogue: Catalogue,
        settings: Settings,
        bot: Bot,
        notifier: Notifier,
    ) -> None:
        data = await state.get_data()
        reason = (message.text or "").strip()
        if not reason or len(reason) > REASON_MAX:
            await message.answer(
                t("reason-invalid", limit=REASON_MAX), reply_markup=_prompt_markup(t, message)
            )
            return
        action, request_id = Action(data["action"]), int(data["request_id"])
        result = await perform(
            session,
            notifier,
            request_id=request_id,
            action=action,
            user=user,
            reason=reason,
        )
        await state.clear()
        if not result.ok:
            await message.answer(denial_text(t, action, result))
            return
        await message.answer(t(f"done-{action}", number=request_id))
        pressed = await triage.pressed_card(
            session,
            request_id=request_id,
            user=user,
            chat_id=data["card_chat"],
            message_id=data["card_message"],
            view=result.view,
        )
        if pressed is not None and pressed.card is not None:
            # A remembered copy is redrawn by the outbox; a full card is redrawn here.
            text, markup = full_card_view(t, pressed.card, user, settings)
            await edit_text(bot, data["card_chat"], data["card_message"], text, markup)

    @router.message(ReasonForm.text, ~F.text)
    async def reason_not_text(message: Message, t: Translator) -> None:
        await message.answer(
            t("reason-invalid", limit=REASON_MAX), reply_markup=_prompt_markup(t, message)
        )

    # --------------------------------------------------------- finishing with a report
    @router.message(FinishForm.collecting, F.photo)
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
            data["comment"] = message.caption.strip()[:RESULT_COMMENT_MAX]
        await state.set_data(data)
        await edit_text(
            bot,
            data["prompt_chat"],
            data["prompt_message"],
            _finish_prompt(t, data),
            finish_keyboard(t, data["request_id"]),
        )

    @router.message(FinishForm.collecting, F.text, FreeInput())
    async def finish_comment(message: Message, state: FSMContext, t: Translator) -> None:
        text = (message.text or "").strip()
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

    @router.message(FinishForm.collecting, ~F.text)
    async def finish_other(message: Message, t: Translator, state: FSMContext) -> None:
        data = await state.get_data()
        await message.answer(
            t("finish-only-photos"), reply_markup=finish_keyboard(t, data["request_id"])
        )

    @router.callback_query(FinishSubmitCb.filter())
    async def finish_submit(
        query: CallbackQuery,
        callback_data: FinishSubmitCb,
        state: FSMContext,
        session: AsyncSession,
        user: User,
        t: Translator,
        catalogue: Catalogue,
        settings: Settings,
        bot: Bot,
        notifier: Notifier,
    ) -> None:
        data = await state.get_data()
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
            session,
            notifier,
            request_id=callback_data.id,
            user=user,
            comment=data.get("comment", ""),
            photos=photos,
        )
        await state.clear()
        if not result.ok:
            await alert(query, denial_text(t, Action.FINISH, result))
            if isinstance(query.message, Message):
                await edit_markup(query.message, None)
            return
        await toast(query, t("done-finish", number=callback_data.id))
        if isinstance(query.message, Message):
            await edit_text(
                bot,
                query.message.chat.id,
                query.message.message_id,
                t("finish-done", number=callback_data.id, photos=len(photos)),
                None,
            )

    # ------------------------------------------------------------ any staff dialog
    @router.callback_query(StaffCancelCb.filter())
    async def dialog_cancel(
        query: CallbackQuery, state: FSMContext, t: Translator, bot: Bot
    ) -> None:
        await state.clear()
        await query.answer()
        if isinstance(query.message, Message):
            await edit_text(
                bot, query.message.chat.id, query.message.message_id, t("dialog-cancelled"), None
            )

    # ------------------------------------------------------- comments and notes
    @router.callback_query(StaffCommentCb.filter(), is_staff())
    async def comment_start(
        query: CallbackQuery,
        callback_data: StaffCommentCb,
        state: FSMContext,
        session: AsyncSession,
        user: User,
        t: Translator,
    ) -> None:
        card = await triage.staff_card(session, request_id=callback_data.id, user=user)
        allowed = card is not None and (
            card.can_note if callback_data.internal else card.can_comment
        )
        if not allowed or not isinstance(query.message, Message):
            await alert(query, t("triage-forbidden"))
            return
        await state.clear()
        await state.set_state(StaffCommentForm.text)
        await state.set_data({"request_id": callback_data.id, "internal": callback_data.internal})
        await query.answer()
        key = "note-ask" if callback_data.internal else "comment-ask"
        await query.message.answer(
            t(key, number=callback_data.id), reply_markup=_prompt_markup(t, query.message)
        )

    @router.message(StaffCommentForm.text, F.text, FreeInput())
    @router.message(StaffCommentForm.text, F.photo)
    async def comment_given(
        message: Message,
        state: FSMContext,
        session: AsyncSession,
        user: User,
        t: Translator,
        catalogue: Catalogue,
        settings: Settings,
        notifier: Notifier,
    ) -> None:
        data = await state.get_data()
        text = (message.text or message.caption or "").strip()
        if len(text) > COMMENT_MAX:
            await message.answer(t("comment-too-long", limit=COMMENT_MAX))
            return
        files = []
        if message.photo:
            largest = message.photo[-1]
            files.append(
                FileRef(
                    AttachmentKind.PHOTO,
                    largest.file_id,
                    largest.file_unique_id,
                    None,
                    largest.file_size,
                )
            )
        result = await add_comment(
            session,
            notifier,
            request_id=int(data["request_id"]),
            user=user,
            text=text,
            files=files,
            internal=bool(data["internal"]),
        )
        if result.outcome is CommentOutcome.EMPTY:
            await message.answer(t("comment-empty"))
            return
        await state.clear()
        if result.outcome is CommentOutcome.DONE:
            await message.answer(
                t("note-saved" if data["internal"] else "comment-saved", number=data["request_id"])
            )
        elif result.outcome is CommentOutcome.CLOSED:
            await message.answer(t("comment-closed", number=data["request_id"]))
        else:
            await message.answer(t("triage-forbidden"))

    @router.message(StaffCommentForm.text, ~F.text)
    async def comment_other(message: Message, t: Translator) -> None:
        await message.answer(t("comment-empty"))

    @router.callback_query(CommentDeleteListCb.filter(), is_admin())
    async def delete_list(
        query: CallbackQuery,
        callback_data: CommentDeleteListCb,
        session: AsyncSession,
        user: User,
        t: Translator,
    ) -> None:
        card = await triage.staff_card(session, request_id=callback_data.id, user=user)
        live = [c for c in card.comments if not c.deleted] if card else []
        if not live or not isinstance(query.message, Message):
            await alert(query, t("comment-none"))
            return
        await query.answer()
        await edit_markup(
            query.message,
            comment_delete_keyboard(
                t,
                callback_data.id,
                [(c.id, c.author_name or "—", c.text) for c in live],
            ),
        )

    @router.callback_query(CommentDeleteCb.filter(), is_admin())
    async def delete_comment(
        query: CallbackQuery,
        callback_data: CommentDeleteCb,
        session: AsyncSession,
        user: User,
        t: Translator,
        catalogue: Catalogue,
        settings: Settings,
        bot: Bot,
        notifier: Notifier,
    ) -> None:
        result = await triage.delete_comment(session, comment_id=callback_data.id, user=user)
        if result.outcome not in (DeleteOutcome.DONE, DeleteOutcome.ALREADY):
            await alert(query, t("comment-none"))
            return
        await toast(query, t("comment-deleted-done"))
        message = query.message
        if result.request_id is None or not isinstance(message, Message):
            return
        pressed = await triage.pressed_card(
            session,
            request_id=result.request_id,
            user=user,
            chat_id=message.chat.id,
            message_id=message.message_id,
        )
        if pressed is not None:
            await show_pressed(
                bot,
                message,
                pressed,
                user=user,
                t=t,
                catalogue=catalogue,
                settings=settings,
                notifier=notifier,
            )

    return router
