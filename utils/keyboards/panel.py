"""The web panel's login button (a pure builder)."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from utils.i18n import Translator


def login_url(panel_url: str, token: str) -> str:
    return f"{panel_url.rstrip('/')}/login/{token}"


def panel_login_keyboard(t: Translator, url: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=t("panel-login-button"), url=url)]]
    )
