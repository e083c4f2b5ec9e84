"""Queries on users. Takes a session, never commits."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from models import Role, User

# Built once: this runs for every update, and building a statement (and its cache key)
# costs more than running it from SQLAlchemy's compiled cache.
_BY_TELEGRAM_ID = select(User).where(User.telegram_id == bindparam("telegram_id"))


async def by_telegram_id(session: AsyncSession, telegram_id: int) -> User | None:
    return await session.scalar(_BY_TELEGRAM_ID, {"telegram_id": telegram_id})


async def by_id(session: AsyncSession, user_id: int) -> User | None:
    return await session.get(User, user_id)


async def insert_if_absent(
    session: AsyncSession,
    *,
    telegram_id: int,
    username: str | None,
    full_name: str,
    language: str,
    role: Role,
    role_before_admin_ids: Role | None = None,
) -> User:
    """Create the user; when another update created it meanwhile, return that one."""
    dialect = session.bind.dialect.name if session.bind is not None else "postgresql"
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = (
        insert(User)
        .values(
            telegram_id=telegram_id,
            username=username,
            full_name=full_name,
            language=language,
            role=role,
            role_before_admin_ids=role_before_admin_ids,
        )
        .on_conflict_do_nothing(index_elements=[User.telegram_id])
        .returning(User)
    )
    user = await session.scalar(stmt, execution_options={"populate_existing": True})
    if user is None:
        user = await by_telegram_id(session, telegram_id)
    assert user is not None
    return user


async def set_bot_blocked(session: AsyncSession, telegram_id: int, blocked: bool) -> None:
    await session.execute(
        update(User).where(User.telegram_id == telegram_id).values(bot_blocked=blocked)
    )


async def with_roles(session: AsyncSession, roles: Sequence[Role]) -> Sequence[User]:
    result = await session.scalars(
        select(User).where(User.role.in_(roles), User.is_blocked.is_(False)).order_by(User.id)
    )
    return result.all()


async def by_telegram_ids(session: AsyncSession, telegram_ids: Sequence[int]) -> Sequence[User]:
    if not telegram_ids:
        return []
    result = await session.scalars(select(User).where(User.telegram_id.in_(telegram_ids)))
    return result.all()
