"""Buttons of the admin's /outbox view."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup

from utils.callbacks import OutboxCb
from utils.i18n import Translator
from utils.keyboards.builder import InlineKeyboardBuilder


def outbox_keyboard(t: Translator, *, failed: int) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    if failed:
        kb.button(text=t("outbox-requeue"), callback_data=OutboxCb(requeue=True))
    kb.button(text=t("outbox-refresh"), callback_data=OutboxCb())
    kb.adjust(1)
    return kb.as_markup()
