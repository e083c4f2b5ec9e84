from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup, ReplyKeyboardMarkup

from models.enums import Role
from utils.callbacks import LanguageCb
from utils.i18n import Translator
from utils.keyboards.builder import InlineKeyboardBuilder, ReplyKeyboardBuilder, built_once

LANGUAGE_NAMES = {"ru": "🇷🇺 Русский", "en": "🇬🇧 English"}


@built_once
def main_menu(t: Translator, role: Role) -> ReplyKeyboardMarkup:
    kb = ReplyKeyboardBuilder()
    kb.button(text=t("menu-new-request"))
    kb.button(text=t("menu-my-requests"))
    sizes = [2]
    if role in (Role.EXECUTOR, Role.ADMIN):
        kb.button(text=t("menu-my-tasks"))
        sizes.append(1)
    if role is Role.ADMIN:
        kb.button(text=t("menu-admin"))
        sizes.append(1)
    kb.button(text=t("menu-help"))
    sizes.append(1)
    kb.adjust(*sizes)
    return kb.as_markup(resize_keyboard=True, input_field_placeholder=t("menu-placeholder"))


def language_keyboard(languages: tuple[str, ...]) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for code in languages:
        kb.button(text=LANGUAGE_NAMES.get(code, code), callback_data=LanguageCb(code=code))
    kb.adjust(2)
    return kb.as_markup()
