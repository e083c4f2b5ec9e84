"""The people kept in memory between their updates (bot.services.user_cache).

A known person costs no statement, yet a role taken away or a block holds on the very next
update: in the bot, in the web panel, in another replica. A write that cannot move the
users epoch is refused; a change made by hand in the database is seen within the TTL.
"""

from __future__ import annotations

from dataclasses import replace

import httpx
import pytest
from aiogram.methods import SendMessage
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from sqlalchemy import event, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.services import user_cache
from bot.services.user_cache import watch_epoch
from database.engine import create_engine, create_session_pool
from models import Role, User
from panel.__main__ import panel_sessions
from tests.conftest import ADMIN, TEACHER, Harness
from tests.panel_support import client, logged_in
from tests.staff import add_person
from tests.updates import Person, message

__all__ = ["client"]  # the fixture


async def answer_to(harness: Harness, person: Person, text: str) -> str:
    await harness.feed(message(person, text))
    return harness.pop(SendMessage).text


async def statements_of(harness: Harness, engine: AsyncEngine, person: Person, text: str) -> int:
    seen: list[str] = []

    def count(*_args: object) -> None:
        seen.append("")

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        await answer_to(harness, person, text)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)
    return len(seen)


def refusal(harness: Harness) -> str:
    return harness.catalogue.get("ru", "not-allowed")


async def test_a_known_person_costs_no_statement(harness: Harness, engine: AsyncEngine) -> None:
    await add_person(harness.session_pool, TEACHER)
    assert await statements_of(harness, engine, TEACHER, "/help") == 1  # read once
    assert await statements_of(harness, engine, TEACHER, "/help") == 0
    # A new name on Telegram is written (and the person read again after that write).
    renamed = replace(TEACHER, first_name="Мария", last_name="Петровна")
    assert await statements_of(harness, engine, renamed, "/help") == 1
    async with harness.session_pool() as session:
        assert await session.scalar(
            select(User.full_name).where(User.telegram_id == TEACHER.id)
        ) == ("Мария Петровна")


async def test_a_role_taken_away_in_the_web_panel_holds_on_the_next_update(
    harness: Harness, client: httpx.AsyncClient
) -> None:
    _, csrf = await logged_in(harness, client)
    executor = await add_person(harness.session_pool, TEACHER, Role.EXECUTOR)
    assert await answer_to(harness, TEACHER, "/tasks") != refusal(harness)  # now known

    changed = await client.post(
        f"/people/{executor.id}/role", data={"csrf": csrf, "role": Role.USER.value}
    )
    assert changed.headers["location"] == "/people?result=done"
    harness.api.requests.clear()  # the commands menu and the notice of the change

    assert await answer_to(harness, TEACHER, "/tasks") == refusal(harness)


async def test_a_block_in_the_panels_own_process_holds_on_the_next_update(
    harness: Harness, database_url: str, redis: Redis
) -> None:
    await add_person(harness.session_pool, ADMIN, Role.ADMIN)
    assert await answer_to(harness, ADMIN, "/admin") != refusal(harness)

    panel_process = create_engine(database_url, pool_size=1, max_overflow=0)
    try:
        async with panel_sessions(panel_process, redis).begin() as session:  # python -m panel
            await session.execute(
                update(User).where(User.telegram_id == ADMIN.id).values(is_blocked=True)
            )
    finally:
        await panel_process.dispose()

    blocked = harness.catalogue.get("ru", "user-blocked")
    assert await answer_to(harness, ADMIN, "/admin") == blocked


async def test_a_write_that_cannot_move_the_epoch_is_refused(
    harness: Harness, database_url: str
) -> None:
    teacher = await add_person(harness.session_pool, TEACHER, Role.EXECUTOR)
    other_replica = create_engine(database_url, pool_size=1, max_overflow=0)
    unreachable = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.5)
    try:
        pool = create_session_pool(other_replica)
        watch_epoch(pool, unreachable)
        with pytest.raises(RedisConnectionError):
            async with pool.begin() as session:
                await session.execute(update(User).values(role=Role.USER))
        async with pool() as session:
            assert await session.scalar(select(User.role).where(User.id == teacher.id)) is (
                Role.EXECUTOR
            )
    finally:
        await unreachable.aclose()
        await other_replica.dispose()


async def test_a_change_by_hand_in_the_database_is_seen_after_the_ttl(
    harness: Harness, engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    await add_person(harness.session_pool, TEACHER, Role.EXECUTOR)
    assert await answer_to(harness, TEACHER, "/tasks") != refusal(harness)
    async with engine.begin() as connection:  # psql, say: no epoch moves
        await connection.execute(update(User).values(role=Role.USER))

    assert await answer_to(harness, TEACHER, "/tasks") != refusal(harness)  # kept, for now
    monkeypatch.setattr(user_cache, "TTL_SECONDS", -1.0)  # the minute has passed
    assert await answer_to(harness, TEACHER, "/tasks") == refusal(harness)


async def test_a_change_in_a_savepoint_moves_the_epoch_once_the_transaction_commits(
    harness: Harness, database_url: str, redis: Redis
) -> None:
    await add_person(harness.session_pool, TEACHER)
    replica = create_engine(database_url, pool_size=1, max_overflow=0)
    try:
        pool = create_session_pool(replica)
        watch_epoch(pool, redis)
        async with pool.begin() as session:
            async with session.begin_nested():
                await session.execute(update(User).values(language="en"))
            released = await redis.get(user_cache.EPOCH_KEY)
        committed = await redis.get(user_cache.EPOCH_KEY)
    finally:
        await replica.dispose()
    # Visible only now: a reader between the two must not keep the old row as current.
    assert committed is not None and committed != released
