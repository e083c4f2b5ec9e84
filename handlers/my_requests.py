"""My requests: the list, the author's card, and what the author can do with it.

Comment, cancel (after a confirmation), "Fixed ✅" with a rating, "Not fixed ↩" with a
reason. Each press is one call of `bot.services.requests` / `author_actions`, which
returns the card to show next; a request that is not yours does not exist for you.

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
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.filters import FreeInput, RoleFilter, TextKey
from bot.fsm import load_form, save_form
from bot.services import author_actions as actions
from bot.services import requests as service
from bot.services.comments import CommentOutcome, add_comment, attach_files
from bot.services.media import file_methods
from bot.services.notifications import Notifier
from bot.services.transitions import Outcome
from bot.settings import Settings
from models import Action, Role, User, utcnow
from models.files import FileRef
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
from utils.dialogs import MyStates, PromptForm
from utils.i18n import Translator
from utils.keyboards.requester import (
    back_to_card_keyboard,
    cancel_confirm_keyboard,
    list_keyboard,
    rating_keyboard,
    skip_keyboard,
)
from utils.requester_cards import action_denied_text, author_card_screen, list_text
from utils.telegram import incoming_file, show
from utils.validation import REASON_MAX, FileProblem, clean_comment, clean_reason

log = structlog.get_logger(__name__)

NUMBER = re.compile(r"^#?(\d{1,9})$")
Screen = tuple[str, InlineKeyboardMarkup | None]


# ------------------------------------------------------------------------ screens
def card_screen(
    card: service.RequestCard, t: Translator, settings: Settings, notifier: Notifier
) -> Screen:
    """The author's card, or (admins, the assigned executor) the staff card."""
    if card.author is not None:
        return author_card_screen(t, card.author, tz=settings.tz, now=utcnow())
    return notifier.staff_card(t, card.view, utcnow())


async def list_screen(
    session: AsyncSession, user: User, t: Translator, *, cursor: int, older: bool, page: int
) -> Screen:
    result = await service.list_my_requests(session, user, cursor=cursor, older=older, page=page)
    markup = (
        list_keyboard(t, result.items, page=result.page, pages=result.pages)
        if result.items
        else None
    )
    return list_text(t, result, utcnow()), markup


def denial_text(t: Translator, outcome: Outcome, card: service.RequestCard | None) -> str:
    return action_denied_text(t, outcome, card.view.status if card else None)


async def _leave_prompt(state: FSMContext) -> None:
    """Opening the list or a card ends a comment/reason/rating prompt (not a draft)."""
    current = await state.get_state()
    if current is not None and current in MyStates.__all_states_names__:
        await state.clear()


async def _prompt(state: FSMContext, step: State, request_id: int) -> None:
    await state.set_state(step)
    await save_form(state, PromptForm(request_id=request_id))


async def _after_action(
    query: CallbackQuery,
    result: actions.ActionResult,
    t: Translator,
    settings: Settings,
    notifier: Notifier,
    done_key: str,
) -> None:
    """Answer the button and show the card as it is now (changed or not)."""
    if result.outcome is Outcome.NOT_FOUND or result.card is None:
        await query.answer(t("my-not-found"), show_alert=True)
        return
    if result.ok:
        await query.answer(t(done_key, number=result.card.view.id))
    else:
        await query.answer(denial_text(t, result.outcome, result.card), show_alert=True)
    await show(query, *card_screen(result.card, t, settings, notifier))


# ---------------------------------------------------------------- the list, the card
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
        await _send_own_card(message, session, user, t, settings, match and int(match.group(1)))
        return
    await _leave_prompt(state)
    text, markup = await list_screen(session, user, t, cursor=0, older=True, page=1)
    await message.answer(text, reply_markup=markup)


async def by_number(
    message: Message, session: AsyncSession, user: User, t: Translator, settings: Settings
) -> None:
    assert message.text is not None
    await _send_own_card(message, session, user, t, settings, int(message.text[1:]))


async def _send_own_card(
    message: Message,
    session: AsyncSession,
    user: User,
    t: Translator,
    settings: Settings,
    request_id: int | None,
) -> None:
    card = await service.get_for_author(session, request_id, user) if request_id else None
    if card is None:
        await message.answer(t("my-not-found"))
        return
    text, markup = author_card_screen(t, card, tz=settings.tz, now=utcnow())
    await message.answer(text, reply_markup=markup)


async def page(
    query: CallbackQuery,
    callback_data: MyListCb,
    session: AsyncSession,
    user: User,
    t: Translator,
    state: FSMContext,
) -> None:
    await _leave_prompt(state)
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


async def open_mine(
    query: CallbackQuery,
    callback_data: MyOpenCb,
    session: AsyncSession,
    user: User,
    t: Translator,
    settings: Settings,
    state: FSMContext,
) -> None:
    await _leave_prompt(state)
    await _open_own_card(query, session, user, t, settings, callback_data.id, edit=True)


# Staff open cards through the triage module; a requester opens their own here.
async def open_from_notification(
    query: CallbackQuery,
    callback_data: OpenRequestCb,
    session: AsyncSession,
    user: User,
    t: Translator,
    settings: Settings,
) -> None:
    await _open_own_card(query, session, user, t, settings, callback_data.id, edit=False)


async def _open_own_card(
    query: CallbackQuery,
    session: AsyncSession,
    user: User,
    t: Translator,
    settings: Settings,
    request_id: int,
    *,
    edit: bool,
) -> None:
    card = await service.get_for_author(session, request_id, user)
    if card is None:
        await query.answer(t("my-not-found"), show_alert=True)
        return
    await query.answer()
    await show(query, *author_card_screen(t, card, tz=settings.tz, now=utcnow()), edit=edit)


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
    for method in file_methods(user.telegram_id, files, caption):
        await bot(method)


# -------------------------------------------------------- cancel with a confirmation
async def ask_cancel(
    query: CallbackQuery,
    callback_data: RequestActionCb,
    session: AsyncSession,
    user: User,
    t: Translator,
    settings: Settings,
    notifier: Notifier,
) -> None:
    preview = await actions.preview_action(session, callback_data.id, user, Action.CANCEL)
    card = preview.card
    if not preview.ok:
        await query.answer(denial_text(t, preview.outcome, card), show_alert=True)
        if card is not None:
            await show(query, *card_screen(card, t, settings, notifier))
        return
    text = card_screen(card, t, settings, notifier)[0] if card else ""
    await query.answer()
    await show(
        query,
        f"{text}\n\n{t('my-cancel-confirm', number=callback_data.id)}",
        cancel_confirm_keyboard(t, callback_data.id),
    )


async def cancel_answered(
    query: CallbackQuery,
    callback_data: CancelConfirmCb,
    session: AsyncSession,
    user: User,
    t: Translator,
    settings: Settings,
    notifier: Notifier,
) -> None:
    if callback_data.yes:
        result = await actions.author_action(
            session, notifier, request_id=callback_data.id, user=user, action=Action.CANCEL
        )
        await _after_action(query, result, t, settings, notifier, "my-cancel-done")
        return
    card = await service.open_card(session, callback_data.id, user)
    if card is None:
        await query.answer(t("my-not-found"), show_alert=True)
        return
    await query.answer()
    await show(query, *card_screen(card, t, settings, notifier))


# ------------------------------------------------------------ Fixed / Not fixed
async def confirm(
    query: CallbackQuery,
    callback_data: RequestActionCb,
    session: AsyncSession,
    user: User,
    t: Translator,
    settings: Settings,
    notifier: Notifier,
) -> None:
    result = await actions.author_action(
        session, notifier, request_id=callback_data.id, user=user, action=Action.CONFIRM
    )
    await _after_action(query, result, t, settings, notifier, "my-confirm-done")
    if result.ok and query.message is not None:
        await query.message.answer(
            t("my-rate-prompt", number=callback_data.id),
            reply_markup=rating_keyboard(callback_data.id),
        )


async def ask_reopen_reason(
    query: CallbackQuery,
    callback_data: RequestActionCb,
    session: AsyncSession,
    user: User,
    t: Translator,
    settings: Settings,
    state: FSMContext,
    notifier: Notifier,
) -> None:
    """The author says what is wrong first; an admin reopens at once (like staff buttons)."""
    result = await actions.author_action(
        session, notifier, request_id=callback_data.id, user=user, action=Action.REOPEN
    )
    if result.outcome is not Outcome.REASON_REQUIRED:
        await _after_action(query, result, t, settings, notifier, "my-reopen-done-toast")
        return
    await _prompt(state, MyStates.reopen_reason, callback_data.id)
    await query.answer()
    await show(
        query,
        t("my-reopen-prompt", number=callback_data.id),
        back_to_card_keyboard(t, callback_data.id),
        edit=False,
    )


async def reopen_reason(
    message: Message,
    session: AsyncSession,
    user: User,
    t: Translator,
    settings: Settings,
    state: FSMContext,
    notifier: Notifier,
) -> None:
    prompt = await load_form(state, PromptForm)
    reason, problem = clean_reason(message.text)
    if problem is not None:
        await message.answer(
            t(f"req-hint-reason-{problem}", limit=REASON_MAX),
            reply_markup=back_to_card_keyboard(t, prompt.request_id),
        )
        return
    result = await actions.author_action(
        session,
        notifier,
        request_id=prompt.request_id,
        user=user,
        action=Action.REOPEN,
        reason=reason,
    )
    await state.clear()
    if not result.ok or result.card is None:
        await message.answer(denial_text(t, result.outcome, result.card))
        return
    card_text, markup = card_screen(result.card, t, settings, notifier)
    text = t("my-reopen-done", number=prompt.request_id)
    await message.answer(f"{text}\n\n{card_text}", reply_markup=markup)


async def reopen_reason_not_text(message: Message, t: Translator, state: FSMContext) -> None:
    prompt = await load_form(state, PromptForm)
    await message.answer(
        t("req-hint-reason-empty"), reply_markup=back_to_card_keyboard(t, prompt.request_id)
    )


# ------------------------------------------------------------------------- rating
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


async def rated(
    query: CallbackQuery,
    callback_data: RateCb,
    session: AsyncSession,
    user: User,
    t: Translator,
    state: FSMContext,
) -> None:
    outcome = await actions.rate(session, callback_data.id, user, callback_data.stars)
    if outcome is actions.RateOutcome.NOT_FOUND:
        await query.answer(t("my-not-found"), show_alert=True)
        return
    if outcome is actions.RateOutcome.NOT_ALLOWED:
        await query.answer(t("my-rate-not-allowed"), show_alert=True)
        return
    await _prompt(state, MyStates.rating_comment, callback_data.id)
    await query.answer()
    text = "\n\n".join(
        (t("my-rate-thanks", stars="⭐" * callback_data.stars), t("my-rate-comment-prompt"))
    )
    await show(query, text, skip_keyboard(t, callback_data.id))


async def rating_comment_skipped(query: CallbackQuery, t: Translator, state: FSMContext) -> None:
    if await state.get_state() == MyStates.rating_comment.state:
        await state.clear()
    await query.answer()
    await show(query, t("my-rate-comment-thanks"), None)


async def rating_comment(
    message: Message, session: AsyncSession, user: User, t: Translator, state: FSMContext
) -> None:
    prompt = await load_form(state, PromptForm)
    text, problem = clean_comment(message.text)
    if problem is not None or not text:
        await message.answer(
            t(f"req-hint-comment-{problem or 'empty'}"),
            reply_markup=skip_keyboard(t, prompt.request_id),
        )
        return
    outcome = await actions.rate_comment(session, prompt.request_id, user, text)
    await state.clear()
    done = outcome is actions.RateOutcome.DONE
    await message.answer(t("my-rate-comment-thanks" if done else "my-rate-not-allowed"))


async def rating_comment_not_text(message: Message, t: Translator, state: FSMContext) -> None:
    prompt = await load_form(state, PromptForm)
    await message.answer(
        t("req-hint-comment-empty"), reply_markup=skip_keyboard(t, prompt.request_id)
    )


# ----------------------------------------------------------------------- comments
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
    await _prompt(state, MyStates.comment, callback_data.id)
    await query.answer()
    await show(
        query,
        t("my-comment-prompt", number=callback_data.id),
        back_to_card_keyboard(t, callback_data.id),
        edit=False,
    )


async def comment_tail(
    message: Message,
    session: AsyncSession,
    user: User,
    state: FSMContext,
    notifier: Notifier,
) -> None:
    prompt = await load_form(state, PromptForm)
    ref = incoming_file(message)
    tail = message.media_group_id is not None and message.media_group_id == prompt.group
    if not tail or not isinstance(ref, FileRef) or prompt.comment_id is None:
        # Something new: the album is over; let the other handlers have it.
        await state.clear()
        raise SkipHandler
    await attach_files(session, notifier, comment_id=prompt.comment_id, user=user, files=[ref])


async def comment(
    message: Message,
    session: AsyncSession,
    user: User,
    t: Translator,
    state: FSMContext,
    notifier: Notifier,
) -> None:
    prompt = await load_form(state, PromptForm)
    request_id = prompt.request_id
    ref = incoming_file(message)
    text, problem = clean_comment(message.text or message.caption)
    hint = _comment_hint(ref, problem, text)
    if hint is not None:
        await message.answer(t(hint), reply_markup=back_to_card_keyboard(t, request_id))
        return
    files = [ref] if isinstance(ref, FileRef) else []
    result = await add_comment(
        session, notifier, request_id=request_id, user=user, text=text, files=files
    )
    if result.outcome is CommentOutcome.DONE and message.media_group_id and files:
        await state.set_state(MyStates.comment_tail)
        tail = PromptForm(
            request_id=request_id, group=message.media_group_id, comment_id=result.comment_id
        )
        await save_form(state, tail)
    else:
        await state.clear()
    key = {
        CommentOutcome.DONE: "my-comment-sent",
        CommentOutcome.CLOSED: "my-comment-closed",
    }.get(result.outcome, "my-not-found")
    await message.answer(t(key, number=request_id))


def _comment_hint(ref: FileRef | FileProblem | None, problem: object, text: str) -> str | None:
    """What is wrong with this comment (None: it can be sent)."""
    if isinstance(ref, FileProblem):
        return f"req-hint-file-{ref}"
    if problem is not None:
        return f"req-hint-comment-{problem}"
    if not text and ref is None:
        return "req-hint-comment-empty"
    return None


# ------------------------------------------------------------------------ router
def get_router() -> Router:
    router = Router(name="my_requests")
    router.message.filter(F.chat.type == "private")
    message, callback = router.message.register, router.callback_query.register

    message(my_list, Command("my"))
    message(my_list, TextKey("menu-my-requests"))
    message(by_number, StateFilter(None), RoleFilter(Role.USER), F.text.regexp(r"^#\d{1,9}$"))
    callback(page, MyListCb.filter())
    callback(open_mine, MyOpenCb.filter())
    callback(open_from_notification, OpenRequestCb.filter(), RoleFilter(Role.USER))
    callback(photos, MyPhotosCb.filter())
    callback(ask_cancel, RequestActionCb.filter(F.action == Action.CANCEL))
    callback(cancel_answered, CancelConfirmCb.filter())
    callback(confirm, RequestActionCb.filter(F.action == Action.CONFIRM))
    callback(ask_reopen_reason, RequestActionCb.filter(F.action == Action.REOPEN))
    message(reopen_reason, MyStates.reopen_reason, F.text, FreeInput())
    message(reopen_reason_not_text, MyStates.reopen_reason, FreeInput())
    callback(ask_rating, RateCb.filter(F.stars == 0))
    callback(rated, RateCb.filter())
    callback(rating_comment_skipped, RateSkipCb.filter())
    message(rating_comment, MyStates.rating_comment, F.text, FreeInput())
    message(rating_comment_not_text, MyStates.rating_comment, FreeInput())
    callback(ask_comment, MyCommentCb.filter())
    message(comment_tail, MyStates.comment_tail)
    message(comment, MyStates.comment, FreeInput())
    return router
