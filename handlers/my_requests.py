"""My requests: the list, the author's card, and what the author can do with it.

Comment, cancel (after a confirmation), "Fixed ✅" with a rating, "Not fixed ↩" with a
reason. Status changes go through `transitions.perform`; a request that is not yours does
not exist for you.

Card buttons (RequestActionCb) are shared with the staff side: this module handles only
CANCEL, CONFIRM and REOPEN (for every role; `perform` checks the rules); the triage module
handles the staff actions.
"""

from __future__ import annotations

import re

import structlog
from aiogram import Bot, F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.filters import FreeInput, RoleFilter, TextKey
from bot.services import requests as service
from bot.services.comments import CommentOutcome, FileRef, add_comment, attach_files
from bot.services.notifications import Notifier
from bot.services.transitions import Outcome, TransitionResult, perform
from bot.settings import Settings
from database.repositories.requests import RequestView
from handlers._requester import incoming_file, show
from models import Action, Role, User, utcnow
from utils.callbacks import (
    CancelConfirmCb,
    MyCommentCb,
    MyListCb,
    MyOpenCb,
    MyPhotosCb,
    OpenRequestCb,
    RateCb,
    RateSkipCb,
    RequestActionCb,
)
from utils.cards import status_label
from utils.i18n import Catalogue, Translator
from utils.keyboards.requester import (
    author_card_keyboard,
    back_to_card_keyboard,
    cancel_confirm_keyboard,
    list_keyboard,
    rating_keyboard,
    skip_keyboard,
)
from utils.requester_cards import author_card_text, list_text
from utils.validation import FileProblem, clean_comment, clean_reason

log = structlog.get_logger(__name__)

AUTHOR_ACTIONS = frozenset({Action.CANCEL, Action.CONFIRM, Action.REOPEN})
NUMBER = re.compile(r"^#?(\d{1,9})$")


class MyStates(StatesGroup):
    comment = State()
    comment_tail = State()  # the rest of an album sent as a comment
    reopen_reason = State()
    rating_comment = State()


# ------------------------------------------------------------------------ screens
async def card_screen(
    session: AsyncSession,
    user: User,
    t: Translator,
    settings: Settings,
    request_id: int,
    view: RequestView | None = None,
) -> tuple[str, InlineKeyboardMarkup | None] | None:
    """The request as this person may see it: the author's card, or the staff card.

    `view`: the request as the caller already has it, so it is not read again.
    """
    card = await service.get_for_author(session, request_id, user, view=view)
    if card is not None and user.role is not Role.ADMIN:
        return render_author_card(card, t, settings)
    view = await service.staff_view(session, request_id, user, view=view)
    if view is None:
        return None
    text, keyboard = Notifier(t.catalogue, settings.tz).staff_card(t, view, utcnow())
    assert keyboard is None or isinstance(keyboard, InlineKeyboardMarkup)
    return text, keyboard


async def author_screen(
    session: AsyncSession, user: User, t: Translator, settings: Settings, request_id: int
) -> tuple[str, InlineKeyboardMarkup] | None:
    """The author's own card (whatever their role), for the "My requests" views."""
    card = await service.get_for_author(session, request_id, user)
    if card is None:
        return None
    return render_author_card(card, t, settings)


def render_author_card(
    card: service.AuthorCard, t: Translator, settings: Settings
) -> tuple[str, InlineKeyboardMarkup]:
    text = author_card_text(t, card, tz=settings.tz, now=utcnow())
    markup = author_card_keyboard(
        t,
        card.view.id,
        card.actions,
        photos=card.view.photo_count,
        can_comment=card.can_comment,
        can_rate=card.can_rate,
    )
    return text, markup


async def list_screen(
    session: AsyncSession, user: User, t: Translator, *, cursor: int, older: bool, page: int
) -> tuple[str, InlineKeyboardMarkup | None]:
    result = await service.list_my_requests(session, user, cursor=cursor, older=older, page=page)
    markup = (
        list_keyboard(t, result.items, page=result.page, pages=result.pages)
        if result.items
        else None
    )
    return list_text(t, result, utcnow()), markup


def denial_text(t: Translator, result: TransitionResult) -> str:
    status = status_label(t, result.view.status) if result.view else ""
    return t(f"my-action-denied-{result.outcome}", status=status)


# ------------------------------------------------------------------------ router
def get_router() -> Router:
    router = Router(name="my_requests")
    router.message.filter(F.chat.type == "private")

    async def open_in_place(
        query: CallbackQuery,
        session: AsyncSession,
        user: User,
        t: Translator,
        settings: Settings,
        request_id: int,
        *,
        edit: bool,
    ) -> None:
        screen = await author_screen(session, user, t, settings, request_id)
        if screen is None:
            await query.answer(t("my-not-found"), show_alert=True)
            return
        await query.answer()
        await show(query, *screen, edit=edit)

    async def deny(
        query: CallbackQuery,
        preview: service.Preview,
        session: AsyncSession,
        user: User,
        t: Translator,
        settings: Settings,
    ) -> None:
        """Not allowed now: say why, and show the card as it is (when they may see it)."""
        await query.answer(
            denial_text(t, TransitionResult(preview.outcome, preview.view)), show_alert=True
        )
        if preview.view is not None:
            screen = await card_screen(session, user, t, settings, preview.view.id, preview.view)
            if screen is not None:
                await show(query, *screen)

    # -- the list and the card ---------------------------------------------------------
    @router.message(Command("my"))
    @router.message(TextKey("menu-my-requests"))
    async def my_list(
        message: Message,
        session: AsyncSession,
        user: User,
        t: Translator,
        settings: Settings,
        state: FSMContext,
        command: CommandObject | None = None,
    ) -> None:
        if command is not None and command.args:
            match = NUMBER.match(command.args.strip())
            screen = (
                await author_screen(session, user, t, settings, int(match.group(1)))
                if match
                else None
            )
            await message.answer(
                screen[0] if screen else t("my-not-found"),
                reply_markup=screen[1] if screen else None,
            )
            return
        await _leave_my_states(state)
        text, markup = await list_screen(session, user, t, cursor=0, older=True, page=1)
        await message.answer(text, reply_markup=markup)

    @router.message(StateFilter(None), RoleFilter(Role.USER), F.text.regexp(r"^#\d{1,9}$"))
    async def by_number(
        message: Message, session: AsyncSession, user: User, t: Translator, settings: Settings
    ) -> None:
        assert message.text is not None
        screen = await author_screen(session, user, t, settings, int(message.text[1:]))
        if screen is None:
            await message.answer(t("my-not-found"))
            return
        await message.answer(screen[0], reply_markup=screen[1])

    @router.callback_query(MyListCb.filter())
    async def page(
        query: CallbackQuery,
        callback_data: MyListCb,
        session: AsyncSession,
        user: User,
        t: Translator,
        state: FSMContext,
    ) -> None:
        await _leave_my_states(state)
        text, markup = await list_screen(
            session,
            user,
            t,
            cursor=callback_data.cursor,
            older=callback_data.older,
            page=callback_data.page,
        )
        await query.answer()
        await show(query, text, markup)

    @router.callback_query(MyOpenCb.filter())
    async def open_mine(
        query: CallbackQuery,
        callback_data: MyOpenCb,
        session: AsyncSession,
        user: User,
        t: Translator,
        settings: Settings,
        state: FSMContext,
    ) -> None:
        await _leave_my_states(state)
        await open_in_place(query, session, user, t, settings, callback_data.id, edit=True)

    # Staff open cards through the triage module; a requester opens their own here.
    @router.callback_query(OpenRequestCb.filter(), RoleFilter(Role.USER))
    async def open_from_notification(
        query: CallbackQuery,
        callback_data: OpenRequestCb,
        session: AsyncSession,
        user: User,
        t: Translator,
        settings: Settings,
    ) -> None:
        await open_in_place(query, session, user, t, settings, callback_data.id, edit=False)

    @router.callback_query(MyPhotosCb.filter())
    async def photos(
        query: CallbackQuery,
        callback_data: MyPhotosCb,
        session: AsyncSession,
        user: User,
        t: Translator,
        bot: Bot,
    ) -> None:
        files = await service.files_for_author(session, callback_data.id, user)
        if files is None:
            await query.answer(t("my-not-found"), show_alert=True)
            return
        if not files:
            await query.answer(t("my-photos-none"), show_alert=True)
            return
        await query.answer()
        caption = t("my-photos-caption", number=callback_data.id)
        for method in service.media_methods(user.telegram_id, files, caption):
            await bot(method)

    # -- cancel with a confirmation -------------------------------------------------------
    @router.callback_query(RequestActionCb.filter(F.action == Action.CANCEL))
    async def ask_cancel(
        query: CallbackQuery,
        callback_data: RequestActionCb,
        session: AsyncSession,
        user: User,
        t: Translator,
        settings: Settings,
    ) -> None:
        preview = await service.preview_action(session, callback_data.id, user, Action.CANCEL)
        if not preview.ok:
            await deny(query, preview, session, user, t, settings)
            return
        screen = await card_screen(session, user, t, settings, callback_data.id, preview.view)
        text = screen[0] if screen else ""
        await query.answer()
        await show(
            query,
            f"{text}\n\n{t('my-cancel-confirm', number=callback_data.id)}",
            cancel_confirm_keyboard(t, callback_data.id),
        )

    @router.callback_query(CancelConfirmCb.filter())
    async def cancel_answered(
        query: CallbackQuery,
        callback_data: CancelConfirmCb,
        session: AsyncSession,
        user: User,
        t: Translator,
        settings: Settings,
        catalogue: Catalogue,
        notifier: Notifier,
    ) -> None:
        if not callback_data.yes:
            screen = await card_screen(session, user, t, settings, callback_data.id)
            if screen is None:
                await query.answer(t("my-not-found"), show_alert=True)
                return
            await query.answer()
            await show(query, *screen)
            return
        result = await perform(
            session,
            notifier,
            request_id=callback_data.id,
            action=Action.CANCEL,
            user=user,
        )
        await _after_transition(query, result, session, user, t, settings, "my-cancel-done")

    # -- Fixed / Not fixed --------------------------------------------------------------
    @router.callback_query(RequestActionCb.filter(F.action == Action.CONFIRM))
    async def confirm(
        query: CallbackQuery,
        callback_data: RequestActionCb,
        session: AsyncSession,
        user: User,
        t: Translator,
        settings: Settings,
        catalogue: Catalogue,
        notifier: Notifier,
    ) -> None:
        result = await perform(
            session,
            notifier,
            request_id=callback_data.id,
            action=Action.CONFIRM,
            user=user,
        )
        await _after_transition(query, result, session, user, t, settings, "my-confirm-done")
        if result.ok and query.message is not None:
            await query.message.answer(
                t("my-rate-prompt", number=callback_data.id),
                reply_markup=rating_keyboard(callback_data.id),
            )

    @router.callback_query(RequestActionCb.filter(F.action == Action.REOPEN))
    async def ask_reopen_reason(
        query: CallbackQuery,
        callback_data: RequestActionCb,
        session: AsyncSession,
        user: User,
        t: Translator,
        settings: Settings,
        catalogue: Catalogue,
        state: FSMContext,
        notifier: Notifier,
    ) -> None:
        preview = await service.preview_action(session, callback_data.id, user, Action.REOPEN)
        if not preview.ok:
            await deny(query, preview, session, user, t, settings)
            return
        if not preview.needs_reason:  # an admin reopens at once, as with other staff buttons
            result = await perform(
                session,
                notifier,
                request_id=callback_data.id,
                action=Action.REOPEN,
                user=user,
            )
            await _after_transition(
                query, result, session, user, t, settings, "my-reopen-done-toast"
            )
            return
        await state.set_state(MyStates.reopen_reason)
        await state.update_data(request_id=callback_data.id)
        await query.answer()
        await show(
            query,
            t("my-reopen-prompt", number=callback_data.id),
            back_to_card_keyboard(t, callback_data.id),
            edit=False,
        )

    @router.message(MyStates.reopen_reason, F.text, FreeInput())
    async def reopen_reason(
        message: Message,
        session: AsyncSession,
        user: User,
        t: Translator,
        settings: Settings,
        catalogue: Catalogue,
        state: FSMContext,
        notifier: Notifier,
    ) -> None:
        reason, problem = clean_reason(message.text)
        request_id = int((await state.get_data()).get("request_id", 0))
        if problem is not None:
            await message.answer(
                t(f"req-hint-reason-{problem}"), reply_markup=back_to_card_keyboard(t, request_id)
            )
            return
        result = await perform(
            session,
            notifier,
            request_id=request_id,
            action=Action.REOPEN,
            user=user,
            reason=reason,
        )
        await state.clear()
        if not result.ok:
            await message.answer(denial_text(t, result))
            return
        screen = await card_screen(session, user, t, settings, request_id, result.view)
        text = t("my-reopen-done", number=request_id)
        await message.answer(
            f"{text}\n\n{screen[0]}" if screen else text, reply_markup=screen[1] if screen else None
        )

    @router.message(MyStates.reopen_reason, FreeInput())
    async def reopen_reason_not_text(message: Message, t: Translator, state: FSMContext) -> None:
        request_id = int((await state.get_data()).get("request_id", 0))
        await message.answer(
            t("req-hint-reason-empty"), reply_markup=back_to_card_keyboard(t, request_id)
        )

    # -- rating ---------------------------------------------------------------------------
    @router.callback_query(RateCb.filter(F.stars == 0))
    async def ask_rating(
        query: CallbackQuery,
        callback_data: RateCb,
        session: AsyncSession,
        user: User,
        t: Translator,
    ) -> None:
        card = await service.get_for_author(session, callback_data.id, user)
        if card is None:
            await query.answer(t("my-not-found"), show_alert=True)
            return
        if not card.can_rate:
            await query.answer(t("my-rate-not-allowed"), show_alert=True)
            return
        await query.answer()
        await show(
            query,
            t("my-rate-prompt", number=callback_data.id),
            rating_keyboard(callback_data.id),
            edit=False,
        )

    @router.callback_query(RateCb.filter())
    async def rated(
        query: CallbackQuery,
        callback_data: RateCb,
        session: AsyncSession,
        user: User,
        t: Translator,
        state: FSMContext,
    ) -> None:
        outcome = await service.rate(session, callback_data.id, user, callback_data.stars)
        if outcome is service.RateOutcome.NOT_FOUND:
            await query.answer(t("my-not-found"), show_alert=True)
            return
        if outcome is service.RateOutcome.NOT_ALLOWED:
            await query.answer(t("my-rate-not-allowed"), show_alert=True)
            return
        await state.set_state(MyStates.rating_comment)
        await state.update_data(request_id=callback_data.id)
        await query.answer()
        text = "\n\n".join(
            (
                t("my-rate-thanks", stars="⭐" * callback_data.stars),
                t("my-rate-comment-prompt"),
            )
        )
        await show(query, text, skip_keyboard(t, callback_data.id))

    @router.callback_query(RateSkipCb.filter())
    async def rating_comment_skipped(
        query: CallbackQuery, callback_data: RateSkipCb, t: Translator, state: FSMContext
    ) -> None:
        if await state.get_state() == MyStates.rating_comment.state:
            await state.clear()
        await query.answer()
        await show(query, t("my-rate-comment-thanks"), None)

    @router.message(MyStates.rating_comment, F.text, FreeInput())
    async def rating_comment(
        message: Message, session: AsyncSession, user: User, t: Translator, state: FSMContext
    ) -> None:
        text, problem = clean_comment(message.text)
        request_id = int((await state.get_data()).get("request_id", 0))
        if problem is not None or not text:
            await message.answer(
                t(f"req-hint-comment-{problem or 'empty'}"),
                reply_markup=skip_keyboard(t, request_id),
            )
            return
        outcome = await service.rate_comment(session, request_id, user, text)
        await state.clear()
        key = (
            "my-rate-comment-thanks"
            if outcome is service.RateOutcome.DONE
            else "my-rate-not-allowed"
        )
        await message.answer(t(key))

    @router.message(MyStates.rating_comment, FreeInput())
    async def rating_comment_not_text(message: Message, t: Translator, state: FSMContext) -> None:
        request_id = int((await state.get_data()).get("request_id", 0))
        await message.answer(t("req-hint-comment-empty"), reply_markup=skip_keyboard(t, request_id))

    # -- comments -------------------------------------------------------------------------
    @router.callback_query(MyCommentCb.filter())
    async def ask_comment(
        query: CallbackQuery,
        callback_data: MyCommentCb,
        session: AsyncSession,
        user: User,
        t: Translator,
        state: FSMContext,
    ) -> None:
        card = await service.get_for_author(session, callback_data.id, user)
        if card is None:
            await query.answer(t("my-not-found"), show_alert=True)
            return
        if not card.can_comment:
            await query.answer(t("my-comment-closed", number=callback_data.id), show_alert=True)
            return
        await state.set_state(MyStates.comment)
        await state.set_data({"request_id": callback_data.id})
        await query.answer()
        await show(
            query,
            t("my-comment-prompt", number=callback_data.id),
            back_to_card_keyboard(t, callback_data.id),
            edit=False,
        )

    @router.message(MyStates.comment_tail)
    async def comment_tail(
        message: Message,
        session: AsyncSession,
        user: User,
        settings: Settings,
        catalogue: Catalogue,
        state: FSMContext,
        notifier: Notifier,
    ) -> None:
        data = await state.get_data()
        ref = incoming_file(message)
        if message.media_group_id != data.get("group") or not isinstance(ref, FileRef):
            # Something new: the album is over; let the other handlers have it.
            await state.clear()
            raise SkipHandler
        await attach_files(
            session,
            notifier,
            comment_id=int(data["comment_id"]),
            user=user,
            files=[ref],
        )

    @router.message(MyStates.comment, FreeInput())
    async def comment(
        message: Message,
        session: AsyncSession,
        user: User,
        t: Translator,
        settings: Settings,
        catalogue: Catalogue,
        state: FSMContext,
        notifier: Notifier,
    ) -> None:
        request_id = int((await state.get_data()).get("request_id", 0))
        back = back_to_card_keyboard(t, request_id)
        files: list[FileRef] = []
        ref = incoming_file(message)
        if isinstance(ref, FileProblem):
            await message.answer(t(f"req-hint-file-{ref}"), reply_markup=back)
            return
        if ref is not None:
            files.append(ref)
        text, problem = clean_comment(message.text or message.caption)
        if problem is not None:
            await message.answer(t(f"req-hint-comment-{problem}"), reply_markup=back)
            return
        if not text and not files:
            await message.answer(t("req-hint-comment-empty"), reply_markup=back)
            return
        result = await add_comment(
            session,
            notifier,
            request_id=request_id,
            user=user,
            text=text,
            files=files,
        )
        if result.outcome is CommentOutcome.DONE and message.media_group_id and files:
            await state.set_state(MyStates.comment_tail)
            await state.set_data({"group": message.media_group_id, "comment_id": result.comment_id})
        else:
            await state.clear()
        key = {
            CommentOutcome.DONE: "my-comment-sent",
            CommentOutcome.CLOSED: "my-comment-closed",
        }.get(result.outcome, "my-not-found")
        await message.answer(t(key, number=request_id))

    return router


async def _leave_my_states(state: FSMContext) -> None:
    """Opening the list or a card ends a comment/reason/rating prompt (not a draft)."""
    current = await state.get_state()
    if current is not None and current in MyStates.__all_states_names__:
        await state.clear()


async def _after_transition(
    query: CallbackQuery,
    result: TransitionResult,
    session: AsyncSession,
    user: User,
    t: Translator,
    settings: Settings,
    done_key: str,
) -> None:
    """Answer the button and show the card as it is now (changed or not)."""
    if result.outcome is Outcome.NOT_FOUND:
        await query.answer(t("my-not-found"), show_alert=True)
        return
    request_id = result.view.id if result.view else 0
    if result.ok:
        await query.answer(t(done_key, number=request_id))
    else:
        await query.answer(denial_text(t, result), show_alert=True)
    screen = await card_screen(session, user, t, settings, request_id, result.view)
    if screen is not None:
        await show(query, *screen)
