"""The web panel's login links and sessions. Takes a session, never commits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import PanelLoginToken, PanelSession, User


async def add_login_token(
    session: AsyncSession, *, token_hash: str, user_id: int, now: datetime, expires_at: datetime
) -> None:
    # The person's links that can no longer be used go first: the table stays small.
    await session.execute(
        delete(PanelLoginToken).where(
            PanelLoginToken.user_id == user_id,
            or_(PanelLoginToken.expires_at <= now, PanelLoginToken.used_at.is_not(None)),
        )
    )
    session.add(
        PanelLoginToken(
            token_hash=token_hash, user_id=user_id, created_at=now, expires_at=expires_at
        )
    )


async def redeem_login_token(
    session: AsyncSession, *, token_hash: str, now: datetime
) -> int | None:
    """Mark the link used (compare-and-set: unused and not expired); its user's id, or None."""
    stmt = (
        update(PanelLoginToken)
        .where(
            PanelLoginToken.token_hash == token_hash,
            PanelLoginToken.used_at.is_(None),
            PanelLoginToken.expires_at > now,
        )
        .values(used_at=now)
        .returning(PanelLoginToken.user_id)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def add_session(
    session: AsyncSession, *, token_hash: str, user_id: int, csrf_token: str, now: datetime
) -> None:
    session.add(
        PanelSession(
            token_hash=token_hash,
            user_id=user_id,
            csrf_token=csrf_token,
            created_at=now,
            last_seen_at=now,
        )
    )


async def session_and_user(
    session: AsyncSession, token_hash: str
) -> tuple[PanelSession, User] | None:
    stmt = (
        select(PanelSession, User)
        .join(User, User.id == PanelSession.user_id)
        .where(PanelSession.token_hash == token_hash)
        .execution_options(populate_existing=True)
    )
    row = (await session.execute(stmt)).first()
    return None if row is None else (row[0], row[1])


async def touch_session(session: AsyncSession, session_id: int, now: datetime) -> None:
    await session.execute(
        update(PanelSession).where(PanelSession.id == session_id).values(last_seen_at=now)
    )


async def delete_session(session: AsyncSession, token_hash: str) -> None:
    await session.execute(delete(PanelSession).where(PanelSession.token_hash == token_hash))


async def delete_idle_sessions(session: AsyncSession, user_id: int, before: datetime) -> None:
    await session.execute(
        delete(PanelSession).where(
            PanelSession.user_id == user_id, PanelSession.last_seen_at < before
        )
    )
