"""PostgreSQL or Redis restarts while the bot runs: apologies meanwhile, then recovery."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import pytest
from aiogram import Bot, Dispatcher
from aiogram.methods import AnswerCallbackQuery, SendMessage
from redis.asyncio import Redis
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.dispatcher import build_dispatcher
from bot.redis_client import build_redis
from bot.sender.loop import OutboxSender
from bot.services.outbox import enqueue
from database.engine import create_engine, create_session_pool
from tests.conftest import TEACHER, TEST_REDIS_URL, make_settings
from tests.recording_session import RecordingSession, make_bot
from tests.tcp_proxy import TcpProxy
from tests.updates import command, press
from utils.callbacks import LanguageCb
from utils.i18n import Catalogue

RECOVERY_LIMIT = 5.0  # seconds from the service coming back to a normal answer


@dataclass
class Bed:
    bot: Bot
    api: RecordingSession
    dp: Dispatcher
    engine: AsyncEngine
    redis: Redis
    sender: OutboxSender
    catalogue: Catalogue

    def replies(self) -> list[SendMessage | AnswerCallbackQuery]:
        calls = list(self.api.requests)
        self.api.requests.clear()
        assert all(isinstance(c, SendMessage | AnswerCallbackQuery) for c in calls), calls
        return calls  # type: ignore[return-value]

    async def help_reply(self) -> str:
        await self.dp.feed_update(self.bot, command(TEACHER, "/help"))
        [reply] = self.replies()
        assert isinstance(reply, SendMessage)
        return reply.text

    async def recovers(self) -> float:
        """Seconds until /help is answered normally again."""
        started = time.monotonic()
        apology = self.catalogue.get("ru", "error-generic")
        while (text := await self.help_reply()) == apology:
            assert time.monotonic() - started < RECOVERY_LIMIT, "no recovery"
            await asyncio.sleep(0.2)
        assert text.startswith(self.catalogue.get("ru", "help-user")[:20])
        return time.monotonic() - started


@pytest.fixture
async def proxies(database_url: str) -> AsyncIterator[tuple[TcpProxy, TcpProxy]]:
    db, redis = make_url(database_url), make_url(TEST_REDIS_URL)
    async with (
        TcpProxy(db.host or "127.0.0.1", db.port or 5432) as pg_proxy,
        TcpProxy(redis.host or "127.0.0.1", redis.port or 6379) as redis_proxy,
    ):
        yield pg_proxy, redis_proxy


@pytest.fixture
async def bed(
    database_url: str,
    clean_state: None,
    catalogue: Catalogue,
    proxies: tuple[TcpProxy, TcpProxy],
) -> AsyncIterator[Bed]:
    """The production factories, with PostgreSQL and Redis reached through the proxies
    and webhook settings (so the per-user lock is in Redis too)."""
    pg_proxy, redis_proxy = proxies
    db_url = (
        make_url(database_url)
        .set(host="127.0.0.1", port=pg_proxy.port)
        .render_as_string(hide_password=False)
    )
    redis_url = str(make_url(TEST_REDIS_URL).set(host="127.0.0.1", port=redis_proxy.port))
    settings = make_settings(
        db_url,
        redis_url=redis_url,
        webhook_url="https://bot.example.test",
        webhook_secret="s",
    )
    engine = create_engine(db_url, pool_size=2, max_overflow=0)
    pool = create_session_pool(engine)
    redis = build_redis(settings)
    assert redis is not None
    api = RecordingSession()
    bot = make_bot(api)
    dp = build_dispatcher(settings, session_pool=pool, catalogue=catalogue, redis=redis)
    sender = OutboxSender(bot, pool, poll_interval=0.1)
    yield Bed(bot, api, dp, engine, redis, sender, catalogue)
    await redis.aclose()
    await engine.dispose()


async def cut_and_restore(
    bed: Bed, proxy: TcpProxy, during: Callable[[], object] | None = None
) -> float:
    """/help works; the service goes away: apologies; it comes back: normal within seconds."""
    apology = bed.catalogue.get("ru", "error-generic")
    assert await bed.help_reply() != apology
    sender = asyncio.create_task(bed.sender.run())

    await proxy.cut()
    assert await bed.help_reply() == apology
    await bed.dp.feed_update(bed.bot, press(TEACHER, LanguageCb(code="en")))
    [alert] = bed.replies()
    assert isinstance(alert, AnswerCallbackQuery)
    assert alert.show_alert
    assert alert.text == apology
    await asyncio.sleep(0.5)  # the sender and the rest keep running through the outage
    assert not sender.done()

    await proxy.restore()
    took = await bed.recovers()

    # Everything is back: a notification committed now is delivered by the same sender.
    async with create_session_pool(bed.engine)() as session, session.begin():
        enqueue(session, SendMessage(chat_id=TEACHER.id, text="Заявка #1 выполнена"))
    bed.sender.wake()
    for _ in range(50):
        if bed.api.requests:
            break
        await asyncio.sleep(0.1)
    [note] = bed.replies()
    assert isinstance(note, SendMessage)
    assert note.text == "Заявка #1 выполнена"
    bed.sender.stop()
    await asyncio.wait_for(sender, 5)
    return took


async def test_postgres_restart(bed: Bed, proxies: tuple[TcpProxy, TcpProxy]) -> None:
    took = await cut_and_restore(bed, proxies[0])
    assert took < RECOVERY_LIMIT


async def test_redis_restart(bed: Bed, proxies: tuple[TcpProxy, TcpProxy]) -> None:
    took = await cut_and_restore(bed, proxies[1])
    assert took < RECOVERY_LIMIT
