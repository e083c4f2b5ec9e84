"""Admins manage people: the user list, roles, blocking.

Ids in ADMIN_IDS are admins by configuration: nobody demotes or blocks them from the bot.
An admin does not change their own role or block themselves (no locking oneself out).
The person whose role changed is told through the outbox, with their new menu.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

import structlog
from aiogram.methods import SendMessage
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.outbox import enqueue
from database.repositories import user_admin as user_admin_repo
from database.repositories import users as users_repo
from models import Role, User
from models.views import UserRow
from utils.i18n import Catalogue
from utils.keyboards.common import main_menu

log = structlog.get_logger(__name__)

SEARCH_MAX = 64


class ChangeOutcome(StrEnum):
    DONE = "done"
    UNCHANGED = "unchanged"
    NOT_FOUND = "not_found"
    FORBIDDEN = "forbidden"  # the one asking is not an admin
    PROTECTED = "protected"  # listed in ADMIN_IDS
    SELF = "self"


@dataclass(frozen=True, slots=True)
class ChangeResult:
    outcome: ChangeOutcome
    row: UserRow | None = None
    # Who to give the new command list (the caller calls setMyCommands after the commit).
    telegram_id: int | None = None
    language: str | None = None


async def users_page(
    session: AsyncSession, *, after_id: int = 0, query: str | None = None
) -> tuple[list[UserRow], bool]:
    async with session.begin():
        return await user_admin_repo.page(session, after_id=after_id, query=query)


async def user_row(session: AsyncSession, *, user_id: int) -> UserRow | None:
    async with session.begin():
        return await user_admin_repo.row(session, user_id)


def _guard(actor: User, target: User | None, admin_ids: frozenset[int]) -> ChangeOutcome | None:
    if actor.role is not Role.ADMIN:
        return ChangeOutcome.FORBIDDEN
    if target is None:
        return ChangeOutcome.NOT_FOUND
    if target.telegram_id in admin_ids:
        return ChangeOutcome.PROTECTED
    if target.id == actor.id:
        return ChangeOutcome.SELF
    return None


async def _change(
    session: AsyncSession,
    actor: User,
    user_id: int,
    admin_ids: frozenset[int],
    apply: Callable[[User], bool],
) -> tuple[ChangeOutcome, User | None, UserRow | None]:
    """One admin's change to one person, in one transaction: refused by `_guard`, or
    `apply(target)` (True: it changed something) and the person's row as it is now."""
    async with session.begin():
        target = await users_repo.by_id(session, user_id)
        denied = _guard(actor, target, admin_ids)
        if denied is not None:
            return denied, None, None
        assert target is not None
        changed = apply(target)
        await session.flush()
        row = await user_admin_repo.row(session, user_id)
    return (ChangeOutcome.DONE if changed else ChangeOutcome.UNCHANGED), target, row


async def change_role(
    session: AsyncSession,
    catalogue: Catalogue,
    *,
    actor: User,
    user_id: int,
    role: Role,
    admin_ids: frozenset[int],
) -> ChangeResult:
    def apply(target: User) -> bool:
        if target.role is role:
            return False
        target.role = role
        t = catalogue.translator(target.language)
        text = t("users-your-role", role=t(f"role-{role}")) + "\n" + t(f"start-role-{role}")
        enqueue(
            session,
            SendMessage(chat_id=target.telegram_id, text=text, reply_markup=main_menu(t, role)),
        )
        return True

    outcome, target, row = await _change(session, actor, user_id, admin_ids, apply)
    if outcome is not ChangeOutcome.DONE or target is None:
        return ChangeResult(outcome, row)
    log.info("user_role_changed", user_id=user_id, role=role, by=actor.id)
    return ChangeResult(outcome, row, target.telegram_id, target.language)


async def set_blocked(
    session: AsyncSession,
    *,
    actor: User,
    user_id: int,
    blocked: bool,
    admin_ids: frozenset[int],
) -> ChangeResult:
    def apply(target: User) -> bool:
        changed = target.is_blocked is not blocked
        target.is_blocked = blocked
        return changed

    outcome, _, row = await _change(session, actor, user_id, admin_ids, apply)
    if outcome is ChangeOutcome.DONE:
        log.info("user_blocked" if blocked else "user_unblocked", user_id=user_id, by=actor.id)
    return ChangeResult(outcome, row)
