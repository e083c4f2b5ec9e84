"""Dialog state on real Redis: read once and written once per update, never stale.

bot/fsm.py replaces aiogram's FSMContext with one that loads state and data in one MGET
and writes what changed in one pipeline when the handler returns.
"""

from __future__ import annotations

import pytest
from aiogram.fsm.storage.base import StorageKey
from aiogram.fsm.storage.redis import DefaultKeyBuilder, RedisStorage
from redis.asyncio import Redis
from redis.asyncio.connection import Connection

from bench.instrument import counting_sends
from bot.fsm import UpdateFSMContext

KEY = StorageKey(bot_id=1, chat_id=42, user_id=42)


@pytest.fixture
def storage(redis: Redis) -> RedisStorage:
    return RedisStorage(redis, key_builder=DefaultKeyBuilder(prefix="t", with_destiny=True))


@pytest.fixture
def round_trips(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    count = [0]

    def one() -> None:
        count[0] += 1

    monkeypatch.setattr(Connection, "send_packed_command", counting_sends(one))
    return count


@pytest.fixture
async def dialog(storage: RedisStorage, round_trips: list[int]) -> UpdateFSMContext:
    """The context of an update in a dialog stored at the location step with one file;
    the round trips are counted from here on."""
    await storage.set_state(KEY, "Dialog:location")
    await storage.set_data(KEY, {"files": ["a"]})
    round_trips[0] = 0
    return UpdateFSMContext(storage, KEY)


async def test_one_read_and_one_write_per_update(
    dialog: UpdateFSMContext, storage: RedisStorage, round_trips: list[int]
) -> None:
    assert await dialog.get_state() == "Dialog:location"
    data = await dialog.get_data()
    data["files"].append("changed only in the copy")
    assert await dialog.get_data() == {"files": ["a"]}
    await dialog.update_data(location="Каб. 214")
    await dialog.set_state("Dialog:description")
    assert round_trips[0] == 1  # one MGET, nothing written yet
    assert await storage.get_state(KEY) == "Dialog:location"

    await dialog.flush()
    assert round_trips[0] == 3  # the pipeline, plus the check above
    assert await storage.get_state(KEY) == "Dialog:description"
    assert await storage.get_data(KEY) == {"files": ["a"], "location": "Каб. 214"}


async def test_after_the_handler_changes_are_written_at_once(storage: RedisStorage) -> None:
    context = UpdateFSMContext(storage, KEY)
    await context.set_state("Dialog:category")
    await context.flush()
    await context.clear()  # e.g. from an error handler, after the FSM middleware is done
    assert await storage.get_state(KEY) is None
    assert await storage.get_data(KEY) == {}


async def test_nothing_changed_writes_nothing(
    storage: RedisStorage, round_trips: list[int]
) -> None:
    context = UpdateFSMContext(storage, KEY)
    assert await context.get_state() is None
    assert await context.get_data() == {}
    await context.flush()
    assert round_trips[0] == 1


async def test_setting_what_is_stored_writes_nothing(
    dialog: UpdateFSMContext, storage: RedisStorage, round_trips: list[int]
) -> None:
    """A step shown again (a hint, /start with no dialog) costs no write."""
    assert await dialog.get_state() == "Dialog:location"
    await dialog.set_state("Dialog:location")
    await dialog.set_data({"files": ["a"]})
    await dialog.flush()
    assert round_trips[0] == 1  # the MGET only

    await dialog.set_data({"files": ["a", "b"]})  # after the handler: written at once
    assert await storage.get_data(KEY) == {"files": ["a", "b"]}
