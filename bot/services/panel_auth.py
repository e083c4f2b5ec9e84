"""Logging in to the web panel without a password.

A staff member sends /panel to the bot and gets a one-time link (valid LOGIN_TTL, single
use, bound to them). Opening it starts a browser session (its token in an HttpOnly
cookie) that lapses after SESSION_IDLE without a click. Only SHA-256 hashes of both
tokens are stored. Every request re-reads the person's role and block flag: a demoted or
blocked person is out on the next click.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from database.repositories import panel_auth as repo
from database.repositories import users as users_repo
from models import Role, User, utcnow

log = structlog.get_logger(__name__)

LOGIN_TTL = timedelta(minutes=10)
SESSION_IDLE = timedelta(hours=12)
# last_seen_at is written at most this often (not on every click).
TOUCH_EVERY = timedelta(minutes=1)
PANEL_ROLES = frozenset({Role.ADMIN, Role.EXECUTOR})


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def may_use_panel(user: User) -> bool:
    return user.role in PANEL_ROLES and not user.is_blocked


async def issue_login_token(
    session: AsyncSession, *, user: User, now: datetime | None = None
) -> str | None:
    """A new one-time login token for `user` (None: not staff, or blocked)."""
    if not may_use_panel(user):
        return None
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    async with session.begin():
        await repo.add_login_token(
            session,
            token_hash=token_hash(token),
            user_id=user.id,
            now=now,
            expires_at=now + LOGIN_TTL,
        )
    log.info("panel_login_issued", user_id=user.id)
    return token


@dataclass(frozen=True, slots=True)
class NewSession:
    token: str  # goes into the cookie
    user_id: int


async def start_session(
    session: AsyncSession, *, login_token: str, now: datetime | None = None
) -> NewSession | None:
    """Trade a login token for a session; None when it is unknown, used, expired, or its
    person may no longer use the panel."""
    now = now or utcnow()
    if not login_token or len(login_token) > 128:
        return None
    async with session.begin():
        user_id = await repo.redeem_login_token(
            session, token_hash=token_hash(login_token), now=now
        )
        if user_id is None:
            log.info("panel_login_refused")
            return None
        user = await users_repo.by_id(session, user_id)
        if user is None or not may_use_panel(user):
            log.info("panel_login_refused", user_id=user_id)
            return None
        token = await _open_session(session, user_id, now)
    log.info("panel_login", user_id=user_id)
    return NewSession(token, user_id)


async def _open_session(session: AsyncSession, user_id: int, now: datetime) -> str:
    await repo.delete_idle_sessions(session, user_id, now - SESSION_IDLE)
    token = secrets.token_urlsafe(32)
    await repo.add_session(
        session,
        token_hash=token_hash(token),
        user_id=user_id,
        csrf_token=secrets.token_urlsafe(32),
        now=now,
    )
    return token


# ------------------------------------------------------------------- Telegram Login
TELEGRAM_AUTH_MAX_AGE = timedelta(minutes=5)


def telegram_login_id(
    params: Mapping[str, str], bot_token: str, now: datetime | None = None
) -> int | None:
    """The Telegram user id of a Telegram Login redirect (LoginUrl button or widget), or
    None when its hash is wrong (HMAC-SHA256 keyed by SHA-256 of the bot token, compared
    in constant time) or its auth_date is older than TELEGRAM_AUTH_MAX_AGE."""
    now = now or utcnow()
    sent = params.get("hash", "")
    fields = {k: v for k, v in params.items() if k != "hash"}
    check = "\n".join(f"{k}={fields[k]}" for k in sorted(fields))
    key = hashlib.sha256(bot_token.encode()).digest()
    expected = hmac.new(key, check.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, sent.lower()):
        return None
    try:
        auth_date = datetime.fromtimestamp(int(fields.get("auth_date", "")), tz=UTC)
        telegram_id = int(fields.get("id", ""))
    except (ValueError, OverflowError, OSError):
        return None
    if not timedelta(0) <= now - auth_date <= TELEGRAM_AUTH_MAX_AGE + timedelta(seconds=30):
        return None
    return telegram_id


async def start_telegram_session(
    session: AsyncSession, *, telegram_id: int, now: datetime | None = None
) -> NewSession | None:
    """A session for a checked Telegram Login (the person must already be staff)."""
    now = now or utcnow()
    async with session.begin():
        user = await users_repo.by_telegram_id(session, telegram_id)
        if user is None or not may_use_panel(user):
            log.info("panel_login_refused")
            return None
        token = await _open_session(session, user.id, now)
    log.info("panel_login", user_id=user.id, via="telegram")
    return NewSession(token, user.id)


@dataclass(frozen=True, slots=True)
class Identity:
    """Who is behind a browser session, as the database says now."""

    user: User
    csrf_token: str
    touched: bool = False  # last_seen_at moved on: the cookie's lifetime may follow


async def current(
    session: AsyncSession, *, session_token: str | None, now: datetime | None = None
) -> Identity | None:
    if not session_token or len(session_token) > 128:
        return None
    now = now or utcnow()
    hashed = token_hash(session_token)
    async with session.begin():
        found = await repo.session_and_user(session, hashed)
        if found is None:
            return None
        row, user = found
        if row.last_seen_at + SESSION_IDLE <= now:
            await repo.delete_session(session, hashed)
            return None
        if not may_use_panel(user):
            return None
        touched = now - row.last_seen_at >= TOUCH_EVERY
        if touched:
            await repo.touch_session(session, row.id, now)
        return Identity(user, row.csrf_token, touched)


async def end_session(session: AsyncSession, *, session_token: str | None) -> None:
    if not session_token or len(session_token) > 128:
        return
    async with session.begin():
        await repo.delete_session(session, token_hash(session_token))
    log.info("panel_logout")
