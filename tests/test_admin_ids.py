"""ADMIN_IDS is the source of a role, and removing an id takes it away (issue 13 item 5).

An id in ADMIN_IDS makes that person an admin; once the id is removed they return to the
role they had before, at the next start and at their next update. An admin made in the
bot (not by the list) stays an admin.
"""

from __future__ import annotations

from aiogram.methods import SendMessage
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.admin_ids import sync_admin_ids
from models import Role, User
from tests.conftest import ADMIN, EXECUTOR, TEACHER, Harness
from tests.staff import add_person
from tests.updates import Person, message

BOSS = Person(id=900_099, first_name="Директор")


async def role_of(db: async_sessionmaker[AsyncSession], person: Person) -> Role:
    async with db() as session:
        role = await session.scalar(select(User.role).where(User.telegram_id == person.id))
    assert role is not None
    return role


async def test_an_executor_removed_from_admin_ids_is_an_executor_again_at_the_next_start(
    db: async_sessionmaker[AsyncSession],
) -> None:
    await add_person(db, EXECUTOR, Role.EXECUTOR)
    await add_person(db, BOSS, Role.ADMIN)  # made an admin in the bot
    first = await sync_admin_ids(db, frozenset({EXECUTOR.id, ADMIN.id}))
    assert list(first.granted) == [EXECUTOR.id]
    assert await role_of(db, EXECUTOR) is Role.ADMIN

    again = await sync_admin_ids(db, frozenset({ADMIN.id}))  # the id left the list

    assert [(r.telegram_id, r.role) for r in again.revoked] == [(EXECUTOR.id, Role.EXECUTOR)]
    assert await role_of(db, EXECUTOR) is Role.EXECUTOR
    assert await role_of(db, BOSS) is Role.ADMIN  # the table's own admin is untouched
    assert (await sync_admin_ids(db, frozenset({ADMIN.id}))).revoked == []


async def test_a_listed_admin_removed_from_the_list_is_a_user_at_the_next_update(
    harness: Harness,
) -> None:
    listed = harness.settings.model_copy(update={"admin_ids": frozenset({ADMIN.id, TEACHER.id})})
    harness.dp = harness.build_dispatcher(admin_ids=listed.admin_ids)  # the id is listed
    await harness.feed(message(TEACHER, "/start"))  # first contact: an admin by the list
    harness.pop(SendMessage)
    assert await role_of(harness.session_pool, TEACHER) is Role.ADMIN

    harness.restart()  # ADMIN_IDS is back to {ADMIN.id}
    await harness.feed(message(TEACHER, "/admin"))

    refusal = harness.pop(SendMessage)
    assert refusal.text == harness.catalogue.get("ru", "not-allowed")
    assert await role_of(harness.session_pool, TEACHER) is Role.USER
