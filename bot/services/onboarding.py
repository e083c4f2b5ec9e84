"""The first five minutes: claiming the bot with a one-time link, binding the staff group.

A setup code is `setup-` + 32 random URL-safe characters (`secrets.token_urlsafe`, 192
bits). Only its SHA-256 is stored; issuing a new code kills every unused one; claiming is
a compare-and-set on the code's row, so of two people opening the link at once exactly
one becomes admin.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.staff_chat import StaffChat, StaffChatRoute
from database.repositories import onboarding as onboarding_repo
from models import STAFF_PURPOSE, Role, User, utcnow
from utils.deep_links import SETUP_PREFIX

log = structlog.get_logger(__name__)

CODE_BYTES = 24  # 32 characters of token_urlsafe


def new_setup_code() -> str:
    return SETUP_PREFIX + secrets.token_urlsafe(CODE_BYTES)


def code_hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


async def needs_setup(session: AsyncSession, admin_ids: frozenset[int]) -> bool:
    """Nobody can administer the bot yet: no admin in the database and no ADMIN_IDS."""
    if admin_ids:
        return False
    async with session.begin():
        return not await onboarding_repo.admin_exists(session)


async def issue_setup_code(session: AsyncSession, *, now: datetime | None = None) -> str:
    """A fresh code; the previous unused ones stop working."""
    code = new_setup_code()
    async with session.begin():
        await onboarding_repo.replace_unused_codes(session, code_hash(code), now or utcnow())
    log.info("setup_code_issued")
    return code


async def issue_if_needed(
    session_pool: async_sessionmaker[AsyncSession], admin_ids: frozenset[int]
) -> str | None:
    """At start: a code when nobody can administer the bot yet, else None."""
    async with session_pool() as session:
        if not await needs_setup(session, admin_ids):
            return None
        return await issue_setup_code(session)


class ClaimOutcome(StrEnum):
    CLAIMED = "claimed"  # the user is admin now
    INVALID = "invalid"  # unknown, used or replaced: "this link is no longer valid"


async def claim(
    session: AsyncSession, user: User, code: str, *, now: datetime | None = None
) -> ClaimOutcome:
    """`user` (loaded in this session by the middleware) opens a setup link."""
    async with session.begin():
        won = await onboarding_repo.claim_code(session, code_hash(code), user.id, now or utcnow())
        if not won:
            log.info("setup_code_refused")
            return ClaimOutcome.INVALID
        user.role = Role.ADMIN
    log.info("setup_code_claimed", user_id=user.id)
    return ClaimOutcome.CLAIMED


# ----------------------------------------------------------------- the staff group
class BindOutcome(StrEnum):
    BOUND = "bound"
    NOT_ALLOWED = "not_allowed"


@dataclass(frozen=True, slots=True)
class BindResult:
    outcome: BindOutcome
    chat: StaffChat | None = None


async def bind_staff_chat(
    session: AsyncSession,
    route: StaffChatRoute,
    *,
    user: User,
    chat_id: int,
    thread_id: int | None,
    title: str,
    now: datetime | None = None,
) -> BindResult:
    """New requests go to this chat (and topic) from now on, in every process."""
    if user.role is not Role.ADMIN or user.is_blocked:
        return BindResult(BindOutcome.NOT_ALLOWED)
    async with session.begin():
        await onboarding_repo.upsert_binding(
            session,
            purpose=STAFF_PURPOSE,
            chat_id=chat_id,
            thread_id=thread_id,
            title=title[:256],
            bound_by_id=user.id,
            now=now or utcnow(),
        )
    chat = StaffChat(chat_id, thread_id)
    route.remember(chat)
    log.info("staff_chat_bound", chat_id=chat_id, thread_id=thread_id, user_id=user.id)
    return BindResult(BindOutcome.BOUND, chat)


async def staff_chat_migrated(
    session: AsyncSession, route: StaffChatRoute, *, old_chat_id: int, new_chat_id: int
) -> None:
    """A bound group became a supergroup: the binding follows its new id."""
    async with session.begin():
        moved = await onboarding_repo.move_chat(session, old_chat_id, new_chat_id)
    bound = route.bound
    if moved and bound is not None and bound.chat_id == old_chat_id:
        route.remember(StaffChat(new_chat_id))
        log.info("staff_chat_migrated", chat_id=new_chat_id)


async def staff_chat_gone(session: AsyncSession, route: StaffChatRoute, *, chat_id: int) -> None:
    """The bot left (or was removed from) a group: a binding to it is dropped."""
    async with session.begin():
        dropped = await onboarding_repo.drop_chat(session, chat_id)
    bound = route.bound
    if bound is not None and bound.chat_id == chat_id:
        route.remember(None)
    if dropped:
        log.info("staff_chat_unbound", chat_id=chat_id)
