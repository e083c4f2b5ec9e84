"""The Bot object: one factory for every process that talks to Telegram (the bot, the web
panel, the CLI). Kept apart from bot/app.py so a process that is not the bot (the panel's
`python -m panel`) builds the same Bot without importing the dispatcher and its handlers.
"""

from __future__ import annotations

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode

from bot.settings import Settings
from utils.render import LimitsMiddleware

__all__ = ["build_bot"]


def build_bot(settings: Settings, session: BaseSession | None = None) -> Bot:
    """The Bot: HTML by default, every request fitted to Telegram's limits (utils.render)."""
    if session is None:
        session = (
            AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_url))
            if settings.telegram_api_url
            else AiohttpSession()
        )
    session.middleware(LimitsMiddleware())
    return Bot(
        token=settings.bot_token.get_secret_value(),
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )
