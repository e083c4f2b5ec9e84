"""ADMIN_IDS at start-up: listed ids are admins, ids removed from the list lose the admin
role the list gave them (and return to the role they had). The same rule applies at each
update (bot/services/users.py), so a change of the list also takes effect at once for
whoever writes next.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from database.repositories import admin_ids as admin_ids_repo
from models import Role

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Revoked:
    telegram_id: int
    role: Role  # the role they are back to
    language: str | None


@dataclass(frozen=True, slots=True)
class AdminIdsSync:
    granted: Sequence[int]
    revoked: Sequence[Revoked]


async def sync_admin_ids(
    session_pool: async_sessionmaker[AsyncSession], admin_ids: frozenset[int]
) -> AdminIdsSync:
    async with session_pool() as session, session.begin():
        granted = await admin_ids_repo.grant_listed(session, admin_ids)
        revoked = [
            Revoked(telegram_id, role, language)
            for telegram_id, role, language in await admin_ids_repo.revoke_unlisted(
                session, admin_ids
            )
        ]
    if granted or revoked:
        log.info(
            "admin_ids_applied",
            granted=list(granted),
            revoked=[r.telegram_id for r in revoked],
        )
    return AdminIdsSync(granted, revoked)
