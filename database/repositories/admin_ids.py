"""ADMIN_IDS applied to the whole users table at start-up. Takes a session, never commits.

The same rule as `models.admin_ids.apply_admin_ids`, row by row at each update, here as
two set-based UPDATEs.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from models import Role, User


async def grant_listed(session: AsyncSession, admin_ids: Collection[int]) -> Sequence[int]:
    """Listed users who are not admins become admins, remembering their role."""
    if not admin_ids:
        return []
    result = await session.scalars(
        update(User)
        .where(User.telegram_id.in_(list(admin_ids)), User.role != Role.ADMIN)
        .values(role_before_admin_ids=User.role, role=Role.ADMIN)
        .returning(User.telegram_id)
        .execution_options(synchronize_session=False)
    )
    return result.all()


async def revoke_unlisted(
    session: AsyncSession, admin_ids: Collection[int]
) -> Sequence[tuple[int, Role, str | None]]:
    """Admins made by the list whose id left it go back to the role they had:
    (telegram_id, role now, language) of each."""
    stmt = update(User).where(User.role_before_admin_ids.is_not(None))
    if admin_ids:
        stmt = stmt.where(User.telegram_id.not_in(list(admin_ids)))
    result = await session.execute(
        stmt.values(role=User.role_before_admin_ids, role_before_admin_ids=None)
        .returning(User.telegram_id, User.role, User.language)
        .execution_options(synchronize_session=False)
    )
    return [(telegram_id, role, language) for telegram_id, role, language in result.all()]
