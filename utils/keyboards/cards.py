"""Buttons under a request card: exactly the actions the state machine allows."""

from __future__ import annotations

from collections.abc import Collection, Iterable

from aiogram.types import InlineKeyboardMarkup

from models.enums import Action
from utils.callbacks import OpenRequestCb, RequestActionCb
from utils.i18n import Translator
from utils.keyboards.builder import InlineKeyboardBuilder

# Actions a person triggers from a card; AUTO_CLOSE belongs to the scheduler only.
CARD_ACTIONS: tuple[Action, ...] = (
    Action.TAKE,
    Action.ASSIGN,
    Action.RESUME,
    Action.FINISH,
    Action.HOLD,
    Action.REJECT,
    Action.CONFIRM,
    Action.REOPEN,
    Action.CANCEL,
)


def add_action_buttons(
    kb: InlineKeyboardBuilder,
    t: Translator,
    request_id: int,
    order: Iterable[Action],
    allowed: Collection[Action],
) -> None:
    """A button for each action of `order` (in that order) that is `allowed`."""
    for action in order:
        if action in allowed:
            kb.button(
                text=t(f"action-{action}"),
                callback_data=RequestActionCb(action=action, id=request_id),
            )


def card_actions_keyboard(
    t: Translator, request_id: int, actions: Iterable[Action], *, include_open: bool = True
) -> InlineKeyboardMarkup | None:
    kb = InlineKeyboardBuilder()
    add_action_buttons(kb, t, request_id, CARD_ACTIONS, set(actions))
    if include_open:
        kb.button(text=t("action-open"), callback_data=OpenRequestCb(id=request_id))
    kb.adjust(2)
    markup = kb.as_markup()
    return markup if markup.inline_keyboard else None
