"""Keyboards of the first five minutes. Pure builders: plain values in, markup out."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup

from utils.callbacks import StaffChatCb
from utils.i18n import Translator
from utils.keyboards.builder import InlineKeyboardBuilder


def use_group_keyboard(t: Translator) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("join-use-button"), callback_data=StaffChatCb())
    return kb.as_markup()
