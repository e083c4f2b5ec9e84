"""A Telegram outage longer than the old retry window, with a `kill -9` in the middle.

A real `python -m bot` against the fake Bot API (issue 13 item 1). Telegram answers 502
to every send; the process is killed while it keeps retrying; a new process takes over,
still in the outage; Telegram comes back. Every committed notification arrives, exactly
once, within one backoff step of Telegram answering again.

The backoff is shrunk by its settings (base 0.05 s, cap 1.5 s instead of 1 s and 300 s).
The old sender gave up after 8 attempts: at this base that is at most
0.05 * (1 + 2 + ... + 64) = 6.35 s of waiting, and the outage here lasts longer (and
spans the restart).
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from pathlib import Path

from aiogram.methods import SendMessage
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.outbox import enqueue
from models import OutboxMessage, OutboxStatus
from tests.conftest import TEST_REDIS_URL
from tests.fake_bot_api import FakeBotAPI
from tests.ops_support import TOKEN, running_bot
from tests.process import bot_env

OLD_WINDOW = 0.05 * sum(2**k for k in range(7))  # 6.35 s at the shrunk base
CAP = 1.5
LEASE = 10.0
SLACK = 3.0  # a loaded CI machine: polling, process scheduling


async def commit_notifications(db: async_sessionmaker[AsyncSession], texts: list[str]) -> None:
    async with db() as session, session.begin():
        for n, text in enumerate(texts):
            enqueue(session, SendMessage(chat_id=700_100 + n, text=text))


async def until(condition: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, what
        await asyncio.sleep(0.1)


def refused(api: FakeBotAPI) -> int:
    return sum(1 for call in api.calls_to("sendMessage") if call.status == 502)


def delivered(api: FakeBotAPI) -> list[str]:
    return [call.params["text"] for call in api.calls_to("sendMessage") if call.ok]


async def test_outage_with_a_kill_in_the_middle_delivers_everything_once(
    database_url: str, db: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    env = bot_env(
        BOT_TOKEN=TOKEN,
        DATABASE_URL=database_url,
        REDIS_URL=TEST_REDIS_URL,
        LOG_FORMAT="json",
        AUTO_MIGRATE="false",
        OUTBOX_POLL_INTERVAL="0.2",
        OUTBOX_BACKOFF_BASE_SECONDS="0.05",
        OUTBOX_BACKOFF_MAX_SECONDS=str(CAP),
        OUTBOX_RETRY_HOURS="0.1",
        OUTBOX_LEASE_SECONDS=str(LEASE),
    )
    before_kill = ["до сбоя 1", "до сбоя 2", "до сбоя 3"]
    while_dead = ["без бота 1", "без бота 2"]
    async with FakeBotAPI(TOKEN) as api:
        env["TELEGRAM_API_URL"] = api.url
        api.start_outage(502, "Bad Gateway")
        outage_started = time.monotonic()
        async with running_bot(env, tmp_path) as first:
            await api.wait_for("getUpdates", timeout=60)
            await commit_notifications(db, before_kill)
            await until(lambda: refused(api) >= 9, 30, f"no retries:\n{first.output}")
            first.proc.kill()  # kill -9: no shutdown, whatever it held stays claimed
            await first.proc.wait()
        killed_at = time.monotonic()
        await commit_notifications(db, while_dead)

        async with running_bot(env, tmp_path) as second:
            await api.wait_for("getUpdates", timeout=60)
            refused_by_first = refused(api)
            # Still down: longer than the old window, and past any lease the first held.
            await until(
                lambda: (
                    time.monotonic() - outage_started > OLD_WINDOW + LEASE
                    and time.monotonic() - killed_at > LEASE + 1
                    and refused(api) > refused_by_first + 5
                ),
                60,
                f"the second process does not retry:\n{second.output}",
            )
            api.end_outage()
            back = time.monotonic()
            everything = before_kill + while_dead
            await until(
                lambda: len(delivered(api)) >= len(everything),
                CAP + LEASE + SLACK,
                f"not everything arrived: {delivered(api)}\n{second.output}",
            )
            arrived_after = time.monotonic() - back
            await asyncio.sleep(CAP)  # anything sent twice would show up by now
            code = await second.stop()

    assert code == 0, second.output
    assert time.monotonic() - outage_started > OLD_WINDOW
    assert arrived_after <= CAP + SLACK, arrived_after
    assert Counter(delivered(api)) == Counter(everything)  # each exactly once
    async with db() as session:
        statuses = set(await session.scalars(select(OutboxMessage.status)))
    assert statuses == {OutboxStatus.SENT}
    assert "outbox_failed" not in second.output and "Traceback" not in second.output
