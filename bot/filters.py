"""Filters that read what the middlewares put into the handler data."""

from __future__ import annotations

from aiogram.filters import Filter
from aiogram.types import Message

from models import Role, User
from utils.i18n import Catalogue


class RoleFilter(Filter):
    """Passes when the current user (from the database middleware) has one of the roles."""

    def __init__(self, *roles: Role) -> None:
        self.roles = frozenset(roles)

    async def __call__(self, _event: object, user: User | None = None) -> bool:
        return user is not None and user.role in self.roles


def is_admin() -> RoleFilter:
    return RoleFilter(Role.ADMIN)


def is_staff() -> RoleFilter:
    return RoleFilter(Role.ADMIN, Role.EXECUTOR)


class TextKey(Filter):
    """A reply-keyboard button: the message text equals the catalogue text in any language."""

    def __init__(self, key: str) -> None:
        self.key = key

    async def __call__(self, message: Message, catalogue: Catalogue) -> bool:
        return message.text is not None and message.text in catalogue.variants(self.key)


MENU_KEYS: tuple[str, ...] = (
    "menu-new-request",
    "menu-my-requests",
    "menu-my-tasks",
    "menu-admin",
    "menu-help",
)


class FreeText(Filter):
    """Typed text that is neither a command nor a main-menu button (an answer in a dialog).

    A command or a menu button pressed in the middle of a dialog goes to its own handler.
    """

    async def __call__(self, message: Message, catalogue: Catalogue) -> bool:
        text = message.text
        if not text or text.startswith("/"):
            return False
        return not any(text in catalogue.variants(key) for key in MENU_KEYS)
