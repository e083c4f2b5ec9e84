"""Engine and session factory. Built by the composition root, never at import time."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, exc
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

#: A pooled connection idle longer than this is pinged before it is handed out.
IDLE_PING_AFTER = 10.0


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def create_engine(
    url: str, *, pool_size: int = 20, max_overflow: int = 0, echo: bool = False
) -> AsyncEngine:
    """A pooled engine that keeps statement parameters out of exceptions. PostgreSQL: a
    connection idle for a while is pinged before use, so a restarted server is survived
    (see `_ping_idle_connections`).

    The pool hands out the connection returned last (LIFO): under a light load one or two
    connections do all the work and stay warm (no ping, statements already prepared),
    while the rest wait idle for a burst. Connections above `pool_size` (`max_overflow`)
    are closed as soon as they are returned, so under a load near the limit each update
    would pay for a new one: a TLS handshake and every statement prepared again. That is
    why the default is a pool of 20 and no overflow (about 7 % of an update's CPU in
    `make bench-ab`).

    SQLite (the embedded default): the file's folder is created, foreign keys and WAL
    are switched on for every connection.
    """
    parsed = make_url(url)
    # A statement's parameters are user texts: an exception's message must not carry
    # them ("[parameters: (...)]") into the logs or to Sentry.
    kwargs: dict[str, Any] = {"echo": echo, "hide_parameters": True}
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:":
            Path(database).expanduser().resolve().parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, **kwargs)

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=5000")
            cursor.close()

        return engine
    kwargs.update(
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_recycle=1800,
        pool_timeout=10,
        pool_use_lifo=True,
        # An unreachable database host fails a connect in 5 s instead of the driver's 60,
        # so users get the apology quickly during an outage.
        connect_args={
            "timeout": 5,
            "command_timeout": 30,
            "server_settings": {
                "application_name": "zavhoz",
                # asyncpg prepares every statement; after five runs PostgreSQL may switch
                # to a generic plan that ignores the parameters' values — the outbox claim
                # went from 7 ms to 390 ms that way. Plan each execution with its values.
                "plan_cache_mode": "force_custom_plan",
            },
        },
    )
    engine = create_async_engine(url, **kwargs)
    _ping_idle_connections(engine)
    return engine


def _ping_idle_connections(engine: AsyncEngine) -> None:
    """`pool_pre_ping`, but only for connections idle longer than IDLE_PING_AFTER.

    SQLAlchemy's pre-ping costs a round trip (and a transaction) on every checkout, which
    is most of the cost of a short update. A connection in steady use has just proved
    itself; one that sat idle may have been cut by a server restart, so it is pinged,
    and a dead one is replaced before anyone sees it (the pool retries the checkout on
    DisconnectionError). A server that restarts under load fails at most the statement
    in flight: the disconnect invalidates the whole pool.
    """
    sync = engine.sync_engine

    @event.listens_for(sync, "checkin")
    def _idle_since(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(sync, "checkout")
    def _ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < IDLE_PING_AFTER:
            return
        try:
            sync.dialect.do_ping(dbapi_connection)
        except Exception as error:
            raise exc.DisconnectionError(str(error)) from error


async def statements_commit_alone(session: AsyncSession) -> None:
    """The rest of this unit runs without BEGIN and COMMIT: each statement commits by
    itself. For units that only read, or whose every write is one statement (it saves two
    round trips and the driver's transaction bookkeeping). Call it first in the unit;
    PostgreSQL only (elsewhere the unit keeps its transaction)."""
    if session.get_bind().dialect.name == "postgresql":
        await session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


@asynccontextmanager
async def reading(session: AsyncSession) -> AsyncIterator[None]:
    """A unit that only reads, without BEGIN and COMMIT: two round trips fewer. Each SELECT
    sees what was committed when it started, as it would in a READ COMMITTED transaction."""
    async with session.begin():
        await statements_commit_alone(session)
        yield


def create_session_pool(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)
