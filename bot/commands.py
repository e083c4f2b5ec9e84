"""The bot's command menu, per role and language (setMyCommands)."""

from __future__ import annotations

import structlog
from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import BotCommand, BotCommandScopeChat, BotCommandScopeDefault

from models import Role
from utils.i18n import Catalogue

log = structlog.get_logger(__name__)

ROLE_COMMANDS: dict[Role, tuple[str, ...]] = {
    Role.USER: ("start", "new", "my", "help", "cancel", "language"),
    Role.EXECUTOR: ("start", "new", "my", "tasks", "panel", "help", "cancel", "language"),
    Role.ADMIN: (
        "start",
        "new",
        "my",
        "tasks",
        "admin",
        "users",
        "categories",
        "planned",
        "stats",
        "export",
        "invite",
        "outbox",
        "panel",
        "help",
        "cancel",
        "language",
    ),
}


def commands_for(catalogue: Catalogue, role: Role, language: str | None) -> list[BotCommand]:
    return [
        BotCommand(command=name, description=catalogue.get(language, f"cmd-{name}"))
        for name in ROLE_COMMANDS[role]
    ]


async def set_default_commands(bot: Bot, catalogue: Catalogue) -> None:
    """Requester commands for everyone, in each language and the default one."""
    scope = BotCommandScopeDefault()
    await bot.set_my_commands(commands_for(catalogue, Role.USER, None), scope=scope)
    for language in catalogue.languages:
        await bot.set_my_commands(
            commands_for(catalogue, Role.USER, language), scope=scope, language_code=language
        )


async def set_user_commands(
    bot: Bot, catalogue: Catalogue, telegram_id: int, role: Role, language: str | None
) -> bool:
    """A staff member's chat gets the commands of their role; a demoted one loses them.

    The menu is a convenience, one person at a time: when Telegram refuses it (400 "chat
    not found" for someone who never opened a private chat with the bot, 403, an outage)
    the failure is logged and False returned, never raised. Start-up and a role change
    go on (the role is saved either way; the menu is set again at the next start).
    """
    scope = BotCommandScopeChat(chat_id=telegram_id)
    try:
        if role is Role.USER:
            await bot.delete_my_commands(scope=scope)
        else:
            await bot.set_my_commands(commands_for(catalogue, role, language), scope=scope)
    except TelegramAPIError as exc:
        log.warning(
            "user_commands_failed",
            telegram_id=telegram_id,
            role=role.value,
            error=type(exc).__name__,
            detail=exc.message[:200],
        )
        return False
    return True
