"""Sending and recording "sent" are two transactions (issue 13 item 2).

When PostgreSQL refuses the recording for a moment, the sender retries it while its
leases last, so the batch is not sent a second time when the leases run out; and when
the database stays away longer than that, every copy that reached a chat is still
remembered, so a card sent twice has both copies' buttons redrawn.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiogram.methods import SendMessage
from sqlalchemy import event, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.sender.loop import OutboxSender
from database.engine import create_engine, create_session_pool
from models import CardMessage, OutboxMessage, OutboxStatus
from tests.test_outbox import new_sender, queue_cards
from tests.virtual_clock import VirtualClock

GROUP = -100_500


class Blip:
    """Makes the next `count` "mark sent" statements fail, as a PostgreSQL restart does."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.count = 0
        self.failed = 0
        event.listen(engine.sync_engine, "before_cursor_execute", self._before)

    def _before(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if self.count and statement.startswith("UPDATE outbox SET status"):
            self.count -= 1
            self.failed += 1
            raise OperationalError(statement, None, ConnectionResetError("server closed"))


@pytest.fixture
async def flaky(database_url: str, clean_state: None) -> AsyncIterator[tuple[Blip, Any]]:
    engine = create_engine(database_url)
    try:
        yield Blip(engine), create_session_pool(engine)
    finally:
        await engine.dispose()


async def state(pool: async_sessionmaker[AsyncSession]) -> tuple[set[OutboxStatus], list[int]]:
    async with pool() as session:
        statuses = set(await session.scalars(select(OutboxMessage.status)))
        copies = list(await session.scalars(select(CardMessage.message_id)))
    return statuses, copies


async def deliver(sender: OutboxSender, clock: VirtualClock) -> None:
    while await sender.deliver_pending():
        pass
    clock.advance(121)  # past every lease: anything unrecorded is claimed again
    while await sender.deliver_pending():
        pass


async def test_a_blip_while_recording_sent_does_not_send_the_batch_twice(
    flaky: tuple[Blip, Any],
) -> None:
    blip, pool = flaky
    await queue_cards(pool, ["card 0", "card 1"])
    clock = VirtualClock()
    sender, api = new_sender(pool, clock)
    blip.count = 2  # the first two recordings fail

    await deliver(sender, clock)

    assert blip.failed == 2
    texts = [m.text for _, m in api.log if isinstance(m, SendMessage)]
    assert sorted(texts) == ["card 0", "card 1"]  # once each
    statuses, copies = await state(pool)
    assert statuses == {OutboxStatus.SENT}
    assert len(copies) == 2


async def test_a_card_sent_twice_after_a_long_outage_has_both_copies_remembered(
    flaky: tuple[Blip, Any],
) -> None:
    blip, pool = flaky
    await queue_cards(pool, ["card 0"])
    clock = VirtualClock()
    sender, api = new_sender(pool, clock)
    blip.count = 1000  # down for longer than the lease

    while await sender.deliver_pending():
        pass
    blip.count = 0
    clock.advance(121)
    while await sender.deliver_pending():
        pass

    sent = [m for _, m in api.log if isinstance(m, SendMessage)]
    assert len(sent) == 2  # at-least-once: the unrecorded send was repeated
    statuses, copies = await state(pool)
    assert statuses == {OutboxStatus.SENT}
    assert len(copies) == 2  # the first copy, kept in memory, was written with the second
