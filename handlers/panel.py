"""/panel: a staff member gets a one-time link into the web panel (panel/)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import Message

from bot.context import UpdateContext
from bot.filters import is_staff, role_router
from bot.services import panel_auth
from utils.keyboards.panel import login_url, panel_login_keyboard, telegram_auth_url


async def panel_link(message: Message, ctx: UpdateContext) -> None:
    token = await panel_auth.issue_login_token(ctx.session, user=ctx.user)
    # Only staff reach this handler (is_staff() on the router; the database middleware
    # answers a blocked person itself): the service's refusal cannot happen here.
    assert token is not None
    settings = ctx.settings
    minutes = int(panel_auth.LOGIN_TTL.total_seconds() // 60)
    telegram_login = settings.panel_telegram_login and settings.panel_url.startswith("https://")
    await message.answer(
        ctx.t("panel-login-text", minutes=minutes),
        reply_markup=panel_login_keyboard(
            ctx.t,
            login_url(settings.panel_url, token),
            telegram_login_url=telegram_auth_url(settings.panel_url) if telegram_login else None,
        ),
    )


def get_router() -> Router:
    router = role_router("panel", is_staff())
    router.message.register(panel_link, Command("panel"), F.chat.type == "private")
    return router
