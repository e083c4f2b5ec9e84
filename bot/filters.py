"""Filters that read what the middlewares put into the handler data."""

from __future__ import annotations

from aiogram import Router
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


class FreeInput(Filter):
    """What the user typed for the current step: not a command, not a menu button.

    Dialog steps use it so that commands and the menu keep working in the middle of a form.
    """

    async def __call__(self, message: Message, catalogue: Catalogue) -> bool:
        text = message.text
        if text is None:
            return True
        if text.startswith("/"):
            return False
        return not any(text in catalogue.variants(key) for key in MENU_KEYS)


def role_router(name: str, role_filter: RoleFilter) -> Router:
    """A sub-router whose every message and button handler is for these roles only:
    the role is checked once here, never in a handler body."""
    router = Router(name=name)
    router.message.filter(role_filter)
    router.callback_query.filter(role_filter)
    return router
