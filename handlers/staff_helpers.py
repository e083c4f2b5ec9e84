"""Small pieces shared by the staff-side handlers (not a router)."""

from __future__ import annotations

import html

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.sender import is_not_modified
from bot.services.notifications import STAFF_VIEWER, Notifier, viewer_actor
from bot.services.transitions import Outcome, TransitionResult
from bot.services.triage import PressedCard
from bot.settings import Settings
from database.repositories.details import StaffCard
from database.repositories.requests import Person
from models import Action, RequestStatus, Role, User, utcnow
from utils.callbacks import AdminMenuCb, TasksCb
from utils.cards import status_label
from utils.i18n import Catalogue, Translator
from utils.keyboards.planned import checklist_button
from utils.keyboards.staff import full_card_keyboard
from utils.staff_cards import render_full_card


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


async def edit_markup(message: Message, markup: InlineKeyboardMarkup | None) -> None:
    try:
        await message.edit_reply_markup(reply_markup=markup)
    except TelegramBadRequest as exc:
        if not is_not_modified(exc):
            raise


def denial_text(t: Translator, action: Action | None, result: TransitionResult) -> str:
    view = result.view
    match result.outcome:
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


def card_back(user: User) -> AdminMenuCb | TasksCb:
    return AdminMenuCb() if user.role is Role.ADMIN else TasksCb()


def full_card_view(
    t: Translator, card: StaffCard, user: User, settings: Settings
) -> tuple[str, InlineKeyboardMarkup]:
    text = render_full_card(t, card, tz=settings.tz, now=utcnow())
    keyboard = full_card_keyboard(
        t,
        card.view.id,
        actions=card.actions,
        file_count=card.file_count,
        can_comment=card.can_comment,
        can_note=card.can_note,
        can_delete_comments=card.can_delete_comments,
        back=card_back(user),
    )
    if card.view.planned_job_id is not None:  # 🗓 the checklist is one tap away
        keyboard.inline_keyboard.insert(0, [checklist_button(t, card.view.id)])
    return text, keyboard


def copy_view(
    catalogue: Catalogue,
    notifier: Notifier,
    pressed: PressedCard,
    user: User,
    *,
    private_chat: bool,
    action: Action | None = None,
) -> tuple[str, InlineKeyboardMarkup | None]:
    """A remembered copy is rendered the way the outbox renders it for that chat."""
    view = pressed.view
    if private_chat:
        t = catalogue.translator(user.language)
        viewer = viewer_actor(user.id, user.role, view)
    else:
        t = catalogue.translator(None)
        viewer = STAFF_VIEWER
    return notifier.staff_card(
        t,
        view,
        utcnow(),
        viewer=viewer,
        actor=Person.of(user) if action is not None else None,
        action=action,
    )


async def show_pressed(
    bot: Bot,
    message: Message,
    pressed: PressedCard,
    *,
    user: User,
    t: Translator,
    catalogue: Catalogue,
    settings: Settings,
    action: Action | None = None,
    keyboard_only: bool = False,
    notifier: Notifier,
) -> None:
    """Redraw the message a button was pressed on: a card copy or a full card."""
    if pressed.card is None:
        text, markup = copy_view(
            catalogue,
            notifier,
            pressed,
            user,
            private_chat=message.chat.type == "private",
            action=action,
        )
    else:
        text, markup = full_card_view(t, pressed.card, user, settings)
    if keyboard_only:
        await edit_markup(message, markup)
    else:
        await edit_text(bot, message.chat.id, message.message_id, text, markup)
