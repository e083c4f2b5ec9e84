"""The bot's command menu, per role and language (setMyCommands)."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import BotCommand, BotCommandScopeChat, BotCommandScopeDefault

from models import Role
from utils.i18n import Catalogue

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
        "stats",
        "export",
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
) -> None:
    """A staff member's chat gets the commands of their role; a demoted one loses them."""
    scope = BotCommandScopeChat(chat_id=telegram_id)
    if role is Role.USER:
        await bot.delete_my_commands(scope=scope)
        return
    await bot.set_my_commands(commands_for(catalogue, role, language), scope=scope)
