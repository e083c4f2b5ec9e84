"""Registering and refreshing the user behind an update."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from database.engine import statements_commit_alone
from database.repositories import users as users_repo
from models import Role, User
from models.admin_ids import apply_admin_ids

if TYPE_CHECKING:
    from bot.services.user_cache import UserCache


@dataclass(frozen=True, slots=True)
class TelegramProfile:
    telegram_id: int
    username: str | None
    full_name: str
    language_code: str | None


async def register_or_refresh(
    session: AsyncSession,
    profile: TelegramProfile,
    *,
    admin_ids: frozenset[int],
    language: str,
    private_chat: bool,
    cache: UserCache | None = None,
    epoch: bytes | None = None,
) -> User:
    """Load the user, creating them on first contact; keep name, username and role fresh.

    One SELECT on the common path; a write only when something changed. Ids listed in
    ADMIN_IDS are admins whatever the table says; removed from the list, they return to the
    role they had (models/admin_ids.py). A user writing to the bot in private has
    evidently unblocked it.

    With a `cache` and the users `epoch` read for this update, a person known under that
    epoch is served from memory (no statement at all when nothing changed).
    """
    async with session.begin():
        user = cache.attach(session, profile.telegram_id, epoch) if cache is not None else None
        read = user is None
        if read:
            # One SELECT, and at most one INSERT or one UPDATE: no transaction needed.
            await statements_commit_alone(session)
            user = await users_repo.by_telegram_id(session, profile.telegram_id)
        forced_admin = profile.telegram_id in admin_ids
        if user is None:
            return await users_repo.insert_if_absent(
                session,
                telegram_id=profile.telegram_id,
                username=profile.username,
                full_name=profile.full_name,
                language=language,
                role=Role.ADMIN if forced_admin else Role.USER,
                role_before_admin_ids=Role.USER if forced_admin else None,
            )
        changed = _refresh(user, profile, forced_admin=forced_admin, private_chat=private_chat)
        if changed and not read:
            await statements_commit_alone(session)  # the one UPDATE commits by itself
    if read and not changed and cache is not None:
        cache.remember(user, epoch)
    return user


def _refresh(
    user: User, profile: TelegramProfile, *, forced_admin: bool, private_chat: bool
) -> bool:
    """Bring what Telegram and ADMIN_IDS say into `user`; True when something changed."""
    changed = False
    if user.username != profile.username:
        user.username = profile.username
        changed = True
    if user.full_name != profile.full_name:
        user.full_name = profile.full_name
        changed = True
    # and back, once the id leaves the list
    changed = apply_admin_ids(user, listed=forced_admin) or changed
    if private_chat and user.bot_blocked:
        user.bot_blocked = False
        changed = True
    return changed


async def set_language(session: AsyncSession, user: User, language: str) -> None:
    """`user` is the one the middleware loaded into this session."""
    async with session.begin():
        user.language = language


async def mark_bot_blocked(session: AsyncSession, telegram_id: int, blocked: bool) -> None:
    async with session.begin():
        await users_repo.set_bot_blocked(session, telegram_id, blocked)
