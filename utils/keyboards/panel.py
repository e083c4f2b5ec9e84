"""The web panel's login button (a pure builder)."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, LoginUrl

from utils.i18n import Translator


def login_url(panel_url: str, token: str) -> str:
    return f"{panel_url.rstrip('/')}/login/{token}"


def telegram_auth_url(panel_url: str) -> str:
    return f"{panel_url.rstrip('/')}/auth/telegram"


def panel_login_keyboard(
    t: Translator, url: str, *, telegram_login_url: str | None = None
) -> InlineKeyboardMarkup:
    """The one-time link; and "Log in with Telegram" when the bot's domain allows it."""
    rows = [[InlineKeyboardButton(text=t("panel-login-button"), url=url)]]
    if telegram_login_url is not None:
        rows.append(
            [
                InlineKeyboardButton(
                    text=t("panel-login-telegram"), login_url=LoginUrl(url=telegram_login_url)
                )
            ]
        )
    return InlineKeyboardMarkup(inline_keyboard=rows)
