"""Queries of the first five minutes: setup codes, chat bindings. Never commits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, exists, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from models import ChatBinding, Role, SetupCode, User


async def admin_exists(session: AsyncSession) -> bool:
    """Is there an admin who is not blocked?"""
    query = select(exists().where(User.role == Role.ADMIN, User.is_blocked.is_(False)))
    return bool(await session.scalar(query))


async def replace_unused_codes(session: AsyncSession, code_hash: str, now: datetime) -> None:
    """The new code becomes the only live one: every unused code dies with it."""
    await session.execute(delete(SetupCode).where(SetupCode.used_at.is_(None)))
    session.add(SetupCode(code_hash=code_hash, created_at=now))
    await session.flush()


async def claim_code(session: AsyncSession, code_hash: str, user_id: int, now: datetime) -> bool:
    """Compare-and-set: the code is marked used by `user_id` only if nobody used it yet."""
    result = await session.execute(
        update(SetupCode)
        .where(SetupCode.code_hash == code_hash, SetupCode.used_at.is_(None))
        .values(used_at=now, used_by_id=user_id)
        .returning(SetupCode.id)
    )
    return result.scalar_one_or_none() is not None


async def make_admin(session: AsyncSession, user_id: int) -> None:
    await session.execute(update(User).where(User.id == user_id).values(role=Role.ADMIN))


async def binding(session: AsyncSession, purpose: str) -> ChatBinding | None:
    return await session.get(ChatBinding, purpose)


async def upsert_binding(
    session: AsyncSession,
    *,
    purpose: str,
    chat_id: int,
    thread_id: int | None,
    title: str,
    bound_by_id: int | None,
    now: datetime,
) -> None:
    dialect = session.bind.dialect.name if session.bind is not None else "postgresql"
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    values = {
        "chat_id": chat_id,
        "thread_id": thread_id,
        "title": title,
        "bound_by_id": bound_by_id,
        "bound_at": now,
    }
    stmt = insert(ChatBinding).values(purpose=purpose, **values)
    await session.execute(stmt.on_conflict_do_update(index_elements=["purpose"], set_=values))


async def move_chat(session: AsyncSession, old_chat_id: int, new_chat_id: int) -> bool:
    """A group became a supergroup (a new id): its bindings follow it."""
    result = await session.execute(
        update(ChatBinding)
        .where(ChatBinding.chat_id == old_chat_id)
        .values(chat_id=new_chat_id, thread_id=None)
        .returning(ChatBinding.purpose)
    )
    return bool(result.scalars().all())


async def drop_chat(session: AsyncSession, chat_id: int) -> bool:
    result = await session.execute(
        delete(ChatBinding).where(ChatBinding.chat_id == chat_id).returning(ChatBinding.purpose)
    )
    return bool(result.scalars().all())
