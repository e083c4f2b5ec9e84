"""Telegram's limits hold for all processes together when they share Redis (issue 13
item 3): two senders (two webhook replicas) on one Redis send at most the global rate
between them, and a private chat gets at most one message a second from both.

The senders share a virtual clock, which jumps when one of them sleeps, also while the
other waits for Redis; so the moments checked are those Redis granted each call at (a
real sender calls Telegram right after the grant). Every call is granted once.
"""

from __future__ import annotations

import asyncio
import itertools
from collections import defaultdict

import pytest
from aiogram.methods import SendMessage
from redis.asyncio import Redis
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.sender.limits import SharedLimits
from bot.sender.loop import OutboxSender
from bot.services import outbox
from bot.settings import Settings
from models import OutboxMessage, OutboxStatus
from tests.conftest import make_settings
from tests.recording_session import RecordingSession, make_bot
from tests.virtual_clock import VirtualClock, busiest_window

Pool = async_sessionmaker[AsyncSession]
RATE = 10.0


async def pending(db: Pool) -> int:
    async with db() as session:
        return (
            await session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.status == OutboxStatus.PENDING)
            )
            or 0
        )


@pytest.fixture
def grants(monkeypatch: pytest.MonkeyPatch) -> list[tuple[float, int]]:
    """(time, chat id) of every call Redis granted."""
    granted: list[tuple[float, int]] = []
    reserve = SharedLimits.reserve

    async def recording(self: SharedLimits, chat_id: int, *args: object) -> float:
        now = args[-1]
        at = await reserve(self, chat_id, *args)  # type: ignore[arg-type]
        if at == now:
            granted.append((at, chat_id))
        return at

    monkeypatch.setattr(SharedLimits, "reserve", recording)
    return granted


def settings(*, replicated: bool) -> Settings:
    webhook = {"webhook_url": "https://bot.example.org", "webhook_secret": "s3cret"}
    return make_settings("sqlite+aiosqlite://", **(webhook if replicated else {}))


async def send_everything(
    db: Pool, redis: Redis | None, *, replicated: bool = True
) -> list[tuple[float, SendMessage]]:
    """Two senders built as the bot builds them (`OutboxSender.from_settings`), on one
    database and Redis: what both sent, stamped."""
    async with db() as session, session.begin():
        for n in range(60):
            outbox.enqueue(session, SendMessage(chat_id=30_000 + n, text=f"всем {n}"))
        for n in range(6):
            for chat_id in (7001, 7002):
                outbox.enqueue(session, SendMessage(chat_id=chat_id, text=f"{chat_id}:{n}"))
    clock = VirtualClock()
    senders: list[tuple[OutboxSender, RecordingSession]] = []
    for _ in range(2):
        api = RecordingSession()
        api.clock = clock.now
        sender = OutboxSender.from_settings(
            make_bot(api),
            db,
            settings(replicated=replicated),
            redis,
            clock=clock,
            rate_per_second=RATE,
            batch_size=8,
        )
        senders.append((sender, api))

    async def until_empty(sender: OutboxSender) -> None:
        for _ in range(2_000):
            await sender.deliver_pending()
            if not await pending(db):
                return
            await asyncio.sleep(0.001)  # the other process holds the rest for now
        raise AssertionError("the outbox never emptied")

    await asyncio.gather(*(until_empty(sender) for sender, _ in senders))
    assert all(api.log for _, api in senders)  # both did part of the work
    calls = [entry for _, api in senders for entry in api.log]
    assert all(isinstance(method, SendMessage) for _, method in calls)
    return calls  # type: ignore[return-value]


async def test_two_senders_on_one_redis_keep_one_global_rate_and_chat_rate(
    db: Pool, redis: Redis, grants: list[tuple[float, int]]
) -> None:
    calls = await send_everything(db, redis)

    assert len(calls) == len(grants) == 72
    assert busiest_window([at for at, _ in grants], 1.0) == RATE  # reached, never passed
    times: dict[int, list[float]] = defaultdict(list)
    for at, chat_id in grants:
        times[chat_id].append(at)
    for chat_id in (7001, 7002):
        spaced = sorted(times[chat_id])
        assert all(b - a >= 1.0 for a, b in itertools.pairwise(spaced)), chat_id
    assert sorted(m.chat_id for _, m in calls) == sorted(chat for _, chat in grants)


async def test_without_redis_each_sender_keeps_only_its_own_limits(db: Pool) -> None:
    calls = await send_everything(db, None)

    assert busiest_window([stamp for stamp, _ in calls], 1.0) > RATE  # why Redis is needed


async def test_one_polling_process_keeps_the_limits_without_redis(
    db: Pool, redis: Redis, grants: list[tuple[float, int]]
) -> None:
    """Polling is one process, the only one that sends: its limits need no round trip.
    (Two such senders, as here, do not happen: Telegram serves one getUpdates consumer.)"""
    calls = await send_everything(db, redis, replicated=False)

    assert grants == [] and len(calls) == 72
