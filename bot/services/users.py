"""Registering and refreshing the user behind an update."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from database.engine import statements_commit_alone
from database.repositories import users as users_repo
from models import Role, User
from models.admin_ids import apply_admin_ids


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
) -> User:
    """Load the user, creating them on first contact; keep name, username and role fresh.

    One SELECT on the common path; a write only when something changed. Ids listed in
    ADMIN_IDS are admins whatever the table says; removed from the list, they return to the
    role they had (models/admin_ids.py). A user writing to the bot in private has
    evidently unblocked it.
    """
    async with session.begin():
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
        if user.username != profile.username:
            user.username = profile.username
        if user.full_name != profile.full_name:
            user.full_name = profile.full_name
        apply_admin_ids(user, listed=forced_admin)  # and back, once the id leaves the list
        if private_chat and user.bot_blocked:
            user.bot_blocked = False
    return user


async def set_language(session: AsyncSession, user: User, language: str) -> None:
    """`user` is the one the middleware loaded into this session."""
    async with session.begin():
        user.language = language


async def mark_bot_blocked(session: AsyncSession, telegram_id: int, blocked: bool) -> None:
    async with session.begin():
        await users_repo.set_bot_blocked(session, telegram_id, blocked)
