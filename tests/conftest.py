"""The test bed: real PostgreSQL (migrated by Alembic) and real Redis.

A run creates a uniquely named database, migrates it, empties the tables between tests
and drops the database at the end. Redis database TEST_REDIS_URL is flushed before each
test. A service that does not answer fails the run with a message on how to start it.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any, TypeVar

import pytest
from aiogram import Bot, Dispatcher
from aiogram.methods import TelegramMethod
from aiogram.types import Update
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.dispatcher import build_dispatcher
from bot.logging import configure_logging
from bot.sender.loop import OutboxSender
from bot.settings import LogFormat, Settings
from database import migrate
from database.engine import create_engine, create_session_pool
from models import Base
from tests.logs_support import RecordingTransport, recording_sentry, restored_logging
from tests.recording_session import BOT_TOKEN, RecordingSession, make_bot
from tests.updates import Person
from tests.virtual_clock import FastForwardClock
from utils.i18n import Catalogue

M = TypeVar("M", bound=TelegramMethod[Any])

TEST_DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")

ADMIN = Person(id=900_001, first_name="Анна", last_name="Админова", username="caretaker")
EXECUTOR = Person(id=900_002, first_name="Иван", last_name="Мастеров", username="fixer")
TEACHER = Person(id=900_003, first_name="Мария", last_name="Учителева", username="teacher")
OTHER_TEACHER = Person(id=900_004, first_name="Олег", username="olegteach", language_code="en")

HOW_TO_START = (
    "Start them with `docker compose up -d postgres redis`, or on Debian: "
    "`apt-get install postgresql redis-server` and "
    "`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`, "
    "`redis-server --daemonize yes`. Or point TEST_DATABASE_URL / TEST_REDIS_URL elsewhere."
)


# --------------------------------------------------------------------------- services
@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    """A fresh database for this run, migrated with Alembic, dropped at the end."""
    import asyncpg

    base = make_url(TEST_DATABASE_URL)
    name = f"zavhoz_test_{uuid.uuid4().hex[:10]}"
    admin_dsn = base.set(drivername="postgresql").render_as_string(hide_password=False)

    async def _admin(sql: str) -> None:
        conn = await asyncpg.connect(admin_dsn, timeout=5)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    try:
        asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    except (OSError, asyncpg.PostgresError) as exc:
        pytest.exit(
            f"PostgreSQL at {base.host}:{base.port} is not reachable ({exc}). {HOW_TO_START}", 2
        )
    url = base.set(database=name).render_as_string(hide_password=False)
    migrate.upgrade(url)
    yield url
    asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    eng = create_engine(database_url, pool_size=5, max_overflow=10)
    yield eng
    await eng.dispose()


@pytest.fixture(scope="session")
def session_pool(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_session_pool(engine)


@pytest.fixture(scope="session")
async def seeded_categories(engine: AsyncEngine) -> list[dict[str, Any]]:
    async with engine.connect() as conn:
        rows = await conn.execute(text("SELECT * FROM categories ORDER BY id"))
        return [dict(r._mapping) for r in rows]


@pytest.fixture(scope="session")
async def redis() -> AsyncIterator[Redis]:
    client = Redis.from_url(TEST_REDIS_URL)
    try:
        await client.ping()
    except Exception as exc:
        pytest.exit(f"Redis at {TEST_REDIS_URL} is not reachable ({exc}). {HOW_TO_START}", 2)
    yield client
    await client.flushdb()
    await client.aclose()


@pytest.fixture
async def clean_state(
    engine: AsyncEngine, seeded_categories: list[dict[str, Any]], redis: Redis
) -> None:
    """Empty tables (categories back to the seed) and an empty Redis database."""
    tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
    async with engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        await conn.execute(Base.metadata.tables["categories"].insert(), seeded_categories)
        await conn.execute(
            text("SELECT setval('categories_id_seq', (SELECT max(id) FROM categories))")
        )
    await redis.flushdb()


@pytest.fixture
def db(
    session_pool: async_sessionmaker[AsyncSession], clean_state: None
) -> async_sessionmaker[AsyncSession]:
    """The session factory, over clean tables."""
    return session_pool


# ------------------------------------------------------------------------- the bot
def make_settings(database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "bot_token": BOT_TOKEN,
        "database_url": database_url,
        "redis_url": TEST_REDIS_URL,
        "admin_ids": frozenset({ADMIN.id}),
        "auto_migrate": False,
        "metrics_port": 0,
        "panel_port": 0,
        "digest_time": None,
        "rate_limit_per_second": 100.0,
        "rate_limit_burst": 100,
        # Comments are told at once; tests/test_comment_bursts.py runs the waiting window.
        "comment_coalesce_seconds": 0,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return Catalogue("ru")


class Harness:
    """The production dispatcher fed updates, and the calls the bot made, in order."""

    def __init__(
        self,
        *,
        settings: Settings,
        session_pool: async_sessionmaker[AsyncSession],
        catalogue: Catalogue,
        redis: Redis,
    ) -> None:
        self.settings = settings
        self.session_pool = session_pool
        self.catalogue = catalogue
        self.redis = redis
        self.api = RecordingSession()
        self.bot: Bot = make_bot(self.api)
        self.dp: Dispatcher = self.build_dispatcher()
        # Rate limits are kept, in fast-forwarded time: nothing waits in real time.
        self.clock = FastForwardClock()
        self.api.clock = self.clock.now
        self.sender = OutboxSender.from_settings(self.bot, session_pool, settings, clock=self.clock)

    def build_dispatcher(self, **overrides: Any) -> Dispatcher:
        settings = self.settings.model_copy(update=overrides) if overrides else self.settings
        return build_dispatcher(
            settings, session_pool=self.session_pool, catalogue=self.catalogue, redis=self.redis
        )

    def restart(self) -> None:
        """A new process: new dispatcher, same database and Redis."""
        self.dp = self.build_dispatcher()

    async def feed(self, *updates: Update) -> None:
        for update in updates:
            await self.dp.feed_update(self.bot, update)

    async def deliver_outbox(self) -> None:
        """Run the outbox sender until nothing is due."""
        while await self.sender.deliver_pending():
            pass

    # -- reading what was sent ---------------------------------------------------------
    def pop(self, kind: type[M]) -> M:
        assert self.api.requests, f"expected {kind.__name__}, the bot sent nothing"
        req = self.api.requests.popleft()
        assert isinstance(req, kind), f"expected {kind.__name__}, got {req!r}"
        return req

    def pop_all(self) -> list[TelegramMethod[Any]]:
        items = list(self.api.requests)
        self.api.requests.clear()
        return items

    def expect_nothing(self) -> None:
        assert not self.api.requests, f"unexpected calls: {list(self.api.requests)!r}"


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    """Settings the harness has beyond make_settings()'s; a test module may override this."""
    return {}


@pytest.fixture
async def harness(
    database_url: str,
    session_pool: async_sessionmaker[AsyncSession],
    catalogue: Catalogue,
    redis: Redis,
    clean_state: None,
    settings_overrides: dict[str, Any],
) -> AsyncIterator[Harness]:
    h = Harness(
        settings=make_settings(database_url, **settings_overrides),
        session_pool=session_pool,
        catalogue=catalogue,
        redis=redis,
    )
    yield h
    h.expect_nothing()  # an API call no test looked at is a failure, not noise


# ------------------------------------------------------------------- logs and Sentry
@pytest.fixture
def transport() -> Iterator[RecordingTransport]:
    """A Sentry client writing to a recording transport, torn down after the test."""
    with recording_sentry() as recording:
        yield recording


@pytest.fixture
def logging_state() -> Iterator[None]:
    """Whatever configure_logging() the test does is undone afterwards."""
    with restored_logging():
        yield


@pytest.fixture
def json_logging(logging_state: None) -> None:
    """configure_logging() at INFO in JSON for the test, undone afterwards."""
    configure_logging("INFO", LogFormat.JSON)
