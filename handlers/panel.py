"""/panel: a staff member gets a one-time link into the web panel (panel/)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.filters import is_staff
from bot.services import panel_auth
from bot.settings import Settings
from models import User
from utils.i18n import Translator
from utils.keyboards.panel import login_url, panel_login_keyboard, telegram_auth_url


async def panel_link(
    message: Message, session: AsyncSession, user: User, t: Translator, settings: Settings
) -> None:
    token = await panel_auth.issue_login_token(session, user=user)
    if token is None:
        await message.answer(t("not-allowed"))
        return
    minutes = int(panel_auth.LOGIN_TTL.total_seconds() // 60)
    telegram_login = settings.panel_telegram_login and settings.panel_url.startswith("https://")
    await message.answer(
        t("panel-login-text", minutes=minutes),
        reply_markup=panel_login_keyboard(
            t,
            login_url(settings.panel_url, token),
            telegram_login_url=telegram_auth_url(settings.panel_url) if telegram_login else None,
        ),
    )


def get_router() -> Router:
    router = Router(name="panel")
    router.message.filter(F.chat.type == "private", is_staff())
    router.message.register(panel_link, Command("panel"))
    return router
