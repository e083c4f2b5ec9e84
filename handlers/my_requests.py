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

from bot.context import UpdateContext
from bot.filters import FreeInput, RoleFilter, TextKey
from bot.fsm import load_form, save_form
from bot.services import author_actions as actions
from bot.services import requests as service
from bot.services.comments import CommentOutcome, add_comment, attach_files
from bot.services.media import file_methods
from bot.services.transitions import Outcome
from models import Action, Role, utcnow
from models.files import FileRef
from models.views import RequestView
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
from utils.requester_cards import action_denied_text, author_card_screen, input_hint, list_text
from utils.telegram import incoming_file, show
from utils.validation import LIMITS, FileProblem, TextProblem, clean_comment, clean_reason

log = structlog.get_logger(__name__)

NUMBER = re.compile(r"^#?(\d{1,9})$")
Screen = tuple[str, InlineKeyboardMarkup | None]


# ------------------------------------------------------------------------ screens
def card_screen(card: service.RequestCard, ctx: UpdateContext) -> Screen:
    """The author's card, or (admins, the assigned executor) the staff card."""
    if card.author is not None:
        return author_card_screen(ctx.t, card.author, tz=ctx.settings.tz, now=utcnow())
    return ctx.notifier.staff_card(ctx.t, card.view, utcnow())


def own_card_screen(card: service.AuthorCard, ctx: UpdateContext) -> Screen:
    return author_card_screen(ctx.t, card, tz=ctx.settings.tz, now=utcnow())


async def list_screen(ctx: UpdateContext, *, cursor: int, older: bool, page: int) -> Screen:
    result = await service.list_my_requests(
        ctx.session, ctx.user, cursor=cursor, older=older, page=page
    )
    markup = list_keyboard(
        ctx.t, result.items, page=result.page, pages=result.pages, followed=result.followed
    )
    return list_text(ctx.t, result, utcnow()), markup


def _denied(t: Translator, outcome: Outcome, view: RequestView | None) -> str:
    return action_denied_text(t, outcome, view.status if view else None)


async def _leave_prompt(state: FSMContext) -> None:
    """Opening the list or a card ends a comment/reason/rating prompt (not a draft)."""
    current = await state.get_state()
    if current is not None and current in MyStates.__all_states_names__:
        await state.clear()


async def _prompt(state: FSMContext, step: State, request_id: int) -> None:
    await state.set_state(step)
    await save_form(state, PromptForm(request_id=request_id))


async def _act(
    ctx: UpdateContext, request_id: int, action: Action, reason: str | None = None
) -> actions.ActionResult:
    return await actions.author_action(
        ctx.session,
        ctx.notifier,
        request_id=request_id,
        user=ctx.user,
        action=action,
        reason=reason,
    )


async def _after_action(
    query: CallbackQuery, result: actions.ActionResult, ctx: UpdateContext, done_key: str
) -> None:
    """Answer the button and show the card as it is now (changed or not)."""
    t = ctx.t
    if result.outcome is Outcome.NOT_FOUND or result.view is None:
        await query.answer(t("my-not-found"), show_alert=True)
        return
    if result.ok:
        await query.answer(t(done_key, number=result.view.id))
    else:
        await query.answer(_denied(t, result.outcome, result.view), show_alert=True)
    if result.card is not None:
        await show(query, *card_screen(result.card, ctx))


# ---------------------------------------------------------------- the list, the card
async def my_list(
    message: Message, state: FSMContext, ctx: UpdateContext, command: CommandObject | None = None
) -> None:
    if command is not None and command.args:
        match = NUMBER.match(command.args.strip())
        await _send_own_card(message, ctx, int(match.group(1)) if match else None)
        return
    await _leave_prompt(state)
    text, markup = await list_screen(ctx, cursor=0, older=True, page=1)
    await message.answer(text, reply_markup=markup)


async def by_number(message: Message, ctx: UpdateContext) -> None:
    assert message.text is not None
    await _send_own_card(message, ctx, int(message.text[1:]))


async def _send_own_card(message: Message, ctx: UpdateContext, request_id: int | None) -> None:
    card = await service.get_for_author(ctx.session, request_id, ctx.user) if request_id else None
    if card is None:
        await message.answer(ctx.t("my-not-found"))
        return
    text, markup = own_card_screen(card, ctx)
    await message.answer(text, reply_markup=markup)


async def page(
    query: CallbackQuery, callback_data: MyListCb, state: FSMContext, ctx: UpdateContext
) -> None:
    await _leave_prompt(state)
    text, markup = await list_screen(
        ctx, cursor=callback_data.cursor, older=callback_data.older, page=callback_data.page
    )
    await query.answer()
    await show(query, text, markup)


async def open_mine(
    query: CallbackQuery, callback_data: MyOpenCb, state: FSMContext, ctx: UpdateContext
) -> None:
    await _leave_prompt(state)
    await _open_own_card(query, ctx, callback_data.id, edit=True)


# Staff open cards through the triage module; a requester opens their own here.
async def open_from_notification(
    query: CallbackQuery, callback_data: OpenRequestCb, ctx: UpdateContext
) -> None:
    await _open_own_card(query, ctx, callback_data.id, edit=False)


async def _open_own_card(
    query: CallbackQuery, ctx: UpdateContext, request_id: int, *, edit: bool
) -> None:
    card = await service.get_for_author(ctx.session, request_id, ctx.user)
    if card is None:
        await query.answer(ctx.t("my-not-found"), show_alert=True)
        return
    await query.answer()
    await show(query, *own_card_screen(card, ctx), edit=edit)


async def photos(
    query: CallbackQuery, callback_data: MyPhotosCb, ctx: UpdateContext, bot: Bot
) -> None:
    files = await service.files_for_author(ctx.session, callback_data.id, ctx.user)
    if files is None:
        await query.answer(ctx.t("my-not-found"), show_alert=True)
        return
    if not files:
        await query.answer(ctx.t("my-photos-none"), show_alert=True)
        return
    await query.answer()
    caption = ctx.t("my-photos-caption", number=callback_data.id)
    for method in file_methods(ctx.user.telegram_id, files, caption):
        await bot(method)


# -------------------------------------------------------- cancel with a confirmation
async def ask_cancel(
    query: CallbackQuery, callback_data: RequestActionCb, ctx: UpdateContext
) -> None:
    request_id, t = callback_data.id, ctx.t
    preview = await actions.preview_action(ctx.session, request_id, ctx.user, Action.CANCEL)
    card = preview.card
    if not preview.ok:
        await query.answer(_denied(t, preview.outcome, preview.view), show_alert=True)
        if card is not None:
            await show(query, *card_screen(card, ctx))
        return
    text = card_screen(card, ctx)[0] if card else ""
    await query.answer()
    question = t("my-cancel-confirm", number=request_id)
    await show(query, f"{text}\n\n{question}", cancel_confirm_keyboard(t, request_id))


async def cancel_answered(
    query: CallbackQuery, callback_data: CancelConfirmCb, ctx: UpdateContext
) -> None:
    if callback_data.yes:
        result = await _act(ctx, callback_data.id, Action.CANCEL)
        await _after_action(query, result, ctx, "my-cancel-done")
        return
    card = await service.open_card(ctx.session, callback_data.id, ctx.user)
    if card is None:
        await query.answer(ctx.t("my-not-found"), show_alert=True)
        return
    await query.answer()
    await show(query, *card_screen(card, ctx))


# ------------------------------------------------------------ Fixed / Not fixed
async def confirm(query: CallbackQuery, callback_data: RequestActionCb, ctx: UpdateContext) -> None:
    result = await _act(ctx, callback_data.id, Action.CONFIRM)
    await _after_action(query, result, ctx, "my-confirm-done")
    if result.ok and query.message is not None:
        await query.message.answer(
            ctx.t("my-rate-prompt", number=callback_data.id),
            reply_markup=rating_keyboard(callback_data.id),
        )


async def ask_reopen_reason(
    query: CallbackQuery, callback_data: RequestActionCb, state: FSMContext, ctx: UpdateContext
) -> None:
    """The author says what is wrong first; an admin reopens at once (like staff buttons)."""
    request_id = callback_data.id
    result = await _act(ctx, request_id, Action.REOPEN)
    if result.outcome is not Outcome.REASON_REQUIRED:
        await _after_action(query, result, ctx, "my-reopen-done-toast")
        return
    await _prompt(state, MyStates.reopen_reason, request_id)
    await query.answer()
    prompt = ctx.t("my-reopen-prompt", number=request_id)
    await show(query, prompt, back_to_card_keyboard(ctx.t, request_id), edit=False)


async def reopen_reason(message: Message, state: FSMContext, ctx: UpdateContext) -> None:
    prompt, t = await load_form(state, PromptForm), ctx.t
    reason, problem = clean_reason(message.text)
    if problem is not None:
        await message.answer(
            input_hint(t, "reason", problem),
            reply_markup=back_to_card_keyboard(t, prompt.request_id),
        )
        return
    result = await _act(ctx, prompt.request_id, Action.REOPEN, reason)
    await state.clear()
    if not result.ok:
        await message.answer(_denied(t, result.outcome, result.view))
        return
    text = t("my-reopen-done", number=prompt.request_id)
    if result.card is None:  # pragma: no cover - the author always sees their request
        await message.answer(text)
        return
    card_text, markup = card_screen(result.card, ctx)
    await message.answer(f"{text}\n\n{card_text}", reply_markup=markup)


async def reopen_reason_not_text(message: Message, t: Translator, state: FSMContext) -> None:
    prompt = await load_form(state, PromptForm)
    await message.answer(
        t("req-hint-reason-empty"), reply_markup=back_to_card_keyboard(t, prompt.request_id)
    )


# ------------------------------------------------------------------------- rating
async def ask_rating(query: CallbackQuery, callback_data: RateCb, ctx: UpdateContext) -> None:
    card = await service.get_for_author(ctx.session, callback_data.id, ctx.user)
    if card is None:
        await query.answer(ctx.t("my-not-found"), show_alert=True)
        return
    if not card.can_rate:
        await query.answer(ctx.t("my-rate-not-allowed"), show_alert=True)
        return
    await query.answer()
    prompt = ctx.t("my-rate-prompt", number=callback_data.id)
    await show(query, prompt, rating_keyboard(callback_data.id), edit=False)


async def rated(
    query: CallbackQuery, callback_data: RateCb, state: FSMContext, ctx: UpdateContext
) -> None:
    t = ctx.t
    outcome = await actions.rate(ctx.session, callback_data.id, ctx.user, callback_data.stars)
    if outcome is actions.RateOutcome.NOT_FOUND:
        await query.answer(t("my-not-found"), show_alert=True)
        return
    if outcome is actions.RateOutcome.NOT_ALLOWED:
        await query.answer(t("my-rate-not-allowed"), show_alert=True)
        return
    await _prompt(state, MyStates.rating_comment, callback_data.id)
    await query.answer()
    thanks = t("my-rate-thanks", stars="⭐" * callback_data.stars)
    text = f"{thanks}\n\n{t('my-rate-comment-prompt')}"
    await show(query, text, skip_keyboard(t, callback_data.id))


async def rating_comment_skipped(query: CallbackQuery, t: Translator, state: FSMContext) -> None:
    if await state.get_state() == MyStates.rating_comment.state:
        await state.clear()
    await query.answer()
    await show(query, t("my-rate-comment-thanks"), None)


async def rating_comment(message: Message, state: FSMContext, ctx: UpdateContext) -> None:
    prompt, t = await load_form(state, PromptForm), ctx.t
    text, problem = clean_comment(message.text)
    if problem is not None or not text:
        await message.answer(
            input_hint(t, "comment", problem or "empty"),
            reply_markup=skip_keyboard(t, prompt.request_id),
        )
        return
    outcome = await actions.rate_comment(ctx.session, prompt.request_id, ctx.user, text)
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
    query: CallbackQuery, callback_data: MyCommentCb, state: FSMContext, ctx: UpdateContext
) -> None:
    request_id, t = callback_data.id, ctx.t
    card = await service.get_for_author(ctx.session, request_id, ctx.user)
    if card is None:
        await query.answer(t("my-not-found"), show_alert=True)
        return
    if not card.can_comment:
        await query.answer(t("my-comment-closed", number=request_id), show_alert=True)
        return
    await _prompt(state, MyStates.comment, request_id)
    await query.answer()
    prompt = t("my-comment-prompt", number=request_id)
    await show(query, prompt, back_to_card_keyboard(t, request_id), edit=False)


async def comment_tail(message: Message, state: FSMContext, ctx: UpdateContext) -> None:
    prompt = await load_form(state, PromptForm)
    ref = incoming_file(message)
    tail = message.media_group_id is not None and message.media_group_id == prompt.group
    if not tail or not isinstance(ref, FileRef) or prompt.comment_id is None:
        # Something new: the album is over; let the other handlers have it.
        await state.clear()
        raise SkipHandler
    await attach_files(
        ctx.session, ctx.notifier, comment_id=prompt.comment_id, user=ctx.user, files=[ref]
    )


async def comment(message: Message, state: FSMContext, ctx: UpdateContext) -> None:
    prompt, t = await load_form(state, PromptForm), ctx.t
    request_id = prompt.request_id
    ref = incoming_file(message)
    text, problem = clean_comment(message.text or message.caption)
    hint = _comment_hint(ref, problem, text)
    if hint is not None:
        await message.answer(
            t(hint, **LIMITS["comment"]), reply_markup=back_to_card_keyboard(t, request_id)
        )
        return
    files = [ref] if isinstance(ref, FileRef) else []
    result = await add_comment(
        ctx.session, ctx.notifier, request_id=request_id, user=ctx.user, text=text, files=files
    )
    if result.outcome is CommentOutcome.DONE and message.media_group_id and files:
        # The rest of the album arrives as separate messages: they join this comment.
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


def _comment_hint(
    ref: FileRef | FileProblem | None, problem: TextProblem | None, text: str
) -> str | None:
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
