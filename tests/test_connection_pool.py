"""The database pool of the process `create_app` builds: connections stay open.

An overflow connection is closed the moment it is returned, so a load near the pool's
limit used to open (and TLS-handshake, and prepare every statement on) a new PostgreSQL
connection for about every update. A light load keeps using the connection returned
last, so it never waits for the idle ping.
"""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import event, text

from bot.app import create_app
from tests.conftest import make_settings


async def test_bursts_and_a_light_load_reuse_the_open_connections(database_url: str) -> None:
    app = await create_app(make_settings(database_url))
    opened: list[int] = []

    @event.listens_for(app.engine.sync_engine, "connect")
    def _opened(_dbapi_connection: Any, _record: Any) -> None:
        opened.append(1)

    async def unit(seconds: float = 0.0) -> int:
        async with app.session_pool() as session:
            pid = await session.scalar(
                text("SELECT pg_backend_pid() FROM pg_sleep(:s)"), {"s": seconds}
            )
            assert isinstance(pid, int)
            return pid

    try:
        # Three bursts of 15 units at once (more than the old pool of 10, within the
        # old overflow of 5): the first opens 15 connections, the others none.
        after_each_burst = []
        for _ in range(3):
            await asyncio.gather(*(unit(0.05) for _ in range(15)))
            after_each_burst.append(len(opened))
        assert after_each_burst == [15, 15, 15]

        # Then one unit at a time: always the same connection, not a round of all 15.
        assert len({await unit() for _ in range(10)}) == 1
        assert len(opened) == 15
    finally:
        await app.close()
