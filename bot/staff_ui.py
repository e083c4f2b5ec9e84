"""What the staff handlers share: answering, editing in place, drawing cards, refusing.

Not a handler module (handlers never import each other): a role-gated handler module
builds its router with `gated`, which puts the refusal handlers below after its role
sub-routers.
"""

from __future__ import annotations

import html
from typing import Any

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Filter, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.fsm.storage.base import BaseStorage, StorageKey
from aiogram.types import CallbackQuery, ForceReply, InlineKeyboardMarkup, Message

from bot.context import UpdateContext
from bot.filters import FreeInput
from bot.services.notifications import STAFF_VIEWER, viewer_actor
from bot.services.transitions import Outcome, TransitionResult
from bot.services.triage import AssignOptions, PressedCard, preflight
from models import Action, RequestStatus, Role, User, utcnow
from models.views import Person, RequestView, StaffCard
from utils.callbacks import AdminMenuCb, TasksCb
from utils.cards import status_label
from utils.i18n import Translator
from utils.keyboards.planned import checklist_button
from utils.keyboards.staff import cancel_keyboard, full_card_keyboard
from utils.staff_cards import render_full_card
from utils.telegram import is_not_modified


# ------------------------------------------------------------------ answering
async def alert(query: CallbackQuery, text: str) -> None:
    """An alert is plain text: the catalogue's HTML escaping is undone."""
    await query.answer(html.unescape(text)[:200], show_alert=True)


async def toast(query: CallbackQuery, text: str) -> None:
    await query.answer(html.unescape(text)[:200])


async def edit_text(
    bot: Bot, chat_id: int, message_id: int, text: str, markup: InlineKeyboardMarkup | None
) -> None:
    try:
        await bot.edit_message_text(
            chat_id=chat_id, message_id=message_id, text=text, reply_markup=markup
        )
    except TelegramBadRequest as exc:
        if not is_not_modified(exc):
            raise


async def redraw_or_gone(
    query: CallbackQuery,
    bot: Bot,
    screen: tuple[str, InlineKeyboardMarkup | None] | None,
    gone: str,
    done: str | None = None,
) -> None:
    """The screen in place of the pressed message (`done`, if any, as a toast); when what
    it shows is no longer there (`screen` None), the `gone` text as an alert instead."""
    if screen is None or not isinstance(query.message, Message):
        await alert(query, gone)
        return
    await (query.answer() if done is None else toast(query, done))
    await edit_pressed(query, bot, *screen)


async def edit_pressed(
    query: CallbackQuery, bot: Bot, text: str, markup: InlineKeyboardMarkup | None
) -> None:
    """The message the button was pressed on shows this now (if it is still accessible)."""
    if isinstance(query.message, Message):
        await edit_text(bot, query.message.chat.id, query.message.message_id, text, markup)


async def edit_markup(message: Message, markup: InlineKeyboardMarkup | None) -> None:
    try:
        await message.edit_reply_markup(reply_markup=markup)
    except TelegramBadRequest as exc:
        if not is_not_modified(exc):
            raise


def prompt_markup(t: Translator, message: Message) -> InlineKeyboardMarkup | ForceReply:
    """In a group the bot sees only replies to it, so the client is asked to reply."""
    if message.chat.type == "private":
        return cancel_keyboard(t)
    return ForceReply(selective=True)


async def ask(
    query: CallbackQuery,
    state: FSMContext,
    step: State,
    text: str,
    markup: InlineKeyboardMarkup | ForceReply,
    data: dict[str, Any] | None = None,
) -> None:
    """Open a dialog step from a button: a fresh dialog, the prompt sent below the card."""
    await state.clear()
    await state.set_state(step)
    if data:
        await state.set_data(data)
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.answer(text, reply_markup=markup)


# ------------------------------------------------------------------ refusing
def denial_text(
    t: Translator, action: Action | None, outcome: Outcome, view: RequestView | None
) -> str:
    match outcome:
        case Outcome.NOT_FOUND:
            return t("triage-not-found")
        case Outcome.FORBIDDEN:
            return t("triage-forbidden")
        case Outcome.BAD_ASSIGNEE:
            return t("triage-bad-assignee")
        case Outcome.REASON_REQUIRED:
            return t("reason-empty")
        case Outcome.CHECKLIST_OPEN:
            return t("planned-finish-checklist-open")
    if view is None:
        return t("triage-not-found")
    if (
        action in (Action.TAKE, Action.ASSIGN)
        and view.assignee is not None
        and view.status is not RequestStatus.NEW
    ):
        return t("triage-taken-by", number=view.id, name=view.assignee.display)
    return t("triage-stale", number=view.id, status=status_label(t, view.status))


async def allowed_on(
    query: CallbackQuery,
    t: Translator,
    action: Action,
    check: TransitionResult | AssignOptions,
) -> Message | None:
    """The card a button was pressed on when the pre-check allows `action`; otherwise
    the refusal is alerted and None returned."""
    if check.ok and isinstance(query.message, Message):
        return query.message
    await alert(query, denial_text(t, action, check.outcome, check.view))
    return None


async def card_if_allowed(
    query: CallbackQuery, ctx: UpdateContext, request_id: int, action: Action
) -> Message | None:
    """The card pressed on, when `ctx.user` may do `action` to the request as it is now
    (a dialog then asks for what the action needs); otherwise None, the refusal alerted."""
    check = await preflight(ctx.session, request_id=request_id, action=action, user=ctx.user)
    return await allowed_on(query, ctx.t, action, check)


async def not_allowed(message: Message, t: Translator) -> None:
    """A command of a role this person does not have (any more)."""
    await message.answer(t("not-allowed"))


async def not_allowed_alert(query: CallbackQuery, t: Translator) -> None:
    await alert(query, t("not-allowed"))


async def dialog_revoked(message: Message, state: FSMContext, t: Translator) -> None:
    """A step of a staff dialog from someone whose role no longer allows it (demoted
    while the prompt was open): the dialog is dropped, nothing is shown."""
    await state.clear()
    await message.answer(t("not-allowed"))


def gated(
    name: str,
    *role_routers: Router,
    commands: Filter | None = None,
    dialogs: type[StatesGroup] | None = None,
    buttons: Filter | None = None,
) -> Router:
    """A module's router: its role sub-routers, then the refusals for whoever is not (any
    more) of the role: `commands` in a private chat and `buttons` are refused, a step of
    one of the `dialogs` drops the dialog."""
    refusals = Router(name=f"{name}-refusals")
    if commands is not None:
        refusals.message.register(not_allowed, commands, F.chat.type == "private")
    if dialogs is not None:
        refusals.message.register(dialog_revoked, StateFilter(dialogs), FreeInput())
    if buttons is not None:
        refusals.callback_query.register(not_allowed_alert, buttons)
    router = Router(name=name)
    router.include_routers(*role_routers, refusals)
    return router


async def drop_dialog(storage: BaseStorage, bot: Bot, telegram_id: int) -> None:
    """Clear the dialog of this person in their private chat (e.g. when blocked)."""
    key = StorageKey(bot_id=bot.id, chat_id=telegram_id, user_id=telegram_id)
    await storage.set_state(key, None)
    await storage.set_data(key, {})


# ------------------------------------------------------------------ the cards
def card_back(user: User) -> AdminMenuCb | TasksCb:
    return AdminMenuCb() if user.role is Role.ADMIN else TasksCb()


def full_card_view(ctx: UpdateContext, card: StaffCard) -> tuple[str, InlineKeyboardMarkup]:
    text = render_full_card(ctx.t, card, tz=ctx.settings.tz, now=utcnow())
    keyboard = full_card_keyboard(
        ctx.t,
        card.view.id,
        actions=card.actions,
        file_count=card.file_count,
        can_comment=card.can_comment,
        can_note=card.can_note,
        can_delete_comments=card.can_delete_comments,
        back=card_back(ctx.user),
        # The place's other requests: admins only (an executor sees only their own).
        place_id=card.view.place_id if ctx.user.role is Role.ADMIN else None,
    )
    if card.view.planned_job_id is not None:  # 🗓 the checklist is one tap away
        keyboard.inline_keyboard.insert(0, [checklist_button(ctx.t, card.view.id)])
    return text, keyboard


def copy_view(
    ctx: UpdateContext,
    view: RequestView,
    *,
    private_chat: bool,
    action: Action | None = None,
) -> tuple[str, InlineKeyboardMarkup | None]:
    """A remembered copy is rendered the way the outbox renders it for that chat."""
    user, notifier = ctx.user, ctx.notifier
    if private_chat:
        t = notifier.catalogue.translator(user.language)
        viewer = viewer_actor(user.id, user.role, view)
    else:
        t = notifier.catalogue.translator(None)
        viewer = STAFF_VIEWER
    actor = Person.of(user) if action is not None else None
    return notifier.staff_card(t, view, utcnow(), viewer=viewer, actor=actor, action=action)


async def show_pressed(
    bot: Bot,
    message: Message,
    pressed: PressedCard,
    ctx: UpdateContext,
    *,
    action: Action | None = None,
    keyboard_only: bool = False,
) -> None:
    """Redraw the message a button was pressed on: a card copy or a full card."""
    if pressed.card is None:
        private = message.chat.type == "private"
        text, markup = copy_view(ctx, pressed.view, private_chat=private, action=action)
    else:
        text, markup = full_card_view(ctx, pressed.card)
    if keyboard_only:
        await edit_markup(message, markup)
    else:
        await edit_text(bot, message.chat.id, message.message_id, text, markup)
