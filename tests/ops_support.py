"""Helpers for the operations tests: a slow fake Bot API, running bots, webhook posts."""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from aiogram.types import Update

from tests.fake_bot_api import FakeBotAPI
from tests.process import bot_env

TOKEN = "123456:OPS-TEST-TOKEN"
SECRET = "ops-test_Secret-42"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class SlowBotAPI(FakeBotAPI):
    """The fake Bot API, where chosen methods take `delays[method]` seconds to answer.

    `arrived` lists the calls as they come in (before the delay); `completed` is the
    fake's own `calls` list (recorded once answered).
    """

    def __init__(self, token: str = TOKEN, **kwargs: Any) -> None:
        super().__init__(token, **kwargs)
        self.delays: dict[str, float] = {}
        self.arrived: list[tuple[str, dict[str, Any]]] = []
        self._arrival = asyncio.Condition()

    async def _call(self, method: str, params: dict[str, Any], files: Any) -> Any:
        async with self._arrival:
            self.arrived.append((method, params))
            self._arrival.notify_all()
        delay = self.delays.get(method)
        if delay:
            await asyncio.sleep(delay)
        return await super()._call(method, params, files)

    async def wait_arrival(
        self, method: str, chat_id: int | None = None, timeout: float = 15
    ) -> None:
        """Until a call of `method` (to `chat_id`, if given) has come in."""

        def seen() -> bool:
            return any(
                m == method and (chat_id is None or p.get("chat_id") == chat_id)
                for m, p in self.arrived
            )

        async with self._arrival:
            await asyncio.wait_for(self._arrival.wait_for(seen), timeout)


@dataclass
class RunningBot:
    """A `python -m bot` process whose output is read continuously (a full pipe would
    block the process)."""

    proc: asyncio.subprocess.Process
    lines: list[str] = field(default_factory=list)
    reader: asyncio.Task[None] | None = None

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def json_lines(self) -> list[dict[str, Any]]:
        out = []
        for line in self.lines:
            if line.startswith("{"):
                out.append(json.loads(line))
        return out

    async def _read(self) -> None:
        assert self.proc.stdout is not None
        async for raw in self.proc.stdout:
            self.lines.append(raw.decode(errors="replace").rstrip("\n"))

    async def stop(self, timeout: float = 20) -> int:
        """SIGTERM and wait; returns the exit code."""
        if self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
        return await self.wait(timeout)

    async def wait(self, timeout: float = 20) -> int:
        try:
            code = await asyncio.wait_for(self.proc.wait(), timeout)
        except TimeoutError:
            self.proc.kill()
            await self.proc.wait()
            raise AssertionError(f"the bot did not exit in {timeout} s:\n{self.output}") from None
        if self.reader is not None:
            await self.reader
        return code


@asynccontextmanager
async def running_bot(env: dict[str, str], cwd: Path) -> AsyncIterator[RunningBot]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        env=env,
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    bot = RunningBot(proc)
    bot.reader = asyncio.create_task(bot._read())
    try:
        yield bot
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        await bot.reader


def process_env(api: FakeBotAPI, database_url: str, redis_url: str, **extra: str) -> dict[str, str]:
    """A bot on the fake Bot API (and its token), PostgreSQL and Redis, logging JSON lines."""
    return bot_env(
        BOT_TOKEN=api.token,
        TELEGRAM_API_URL=api.url,
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        LOG_FORMAT="json",
        **extra,
    )


def webhook_env(api: FakeBotAPI, database_url: str, redis_url: str, **extra: str) -> dict[str, str]:
    return process_env(
        api,
        database_url,
        redis_url,
        AUTO_MIGRATE="false",
        WEBHOOK_URL="https://bot.example.test",
        WEBHOOK_SECRET=SECRET,
        WEBHOOK_HOST="127.0.0.1",
        WEBHOOK_PORT=str(free_port()),
        OUTBOX_POLL_INTERVAL="0.2",
        RATE_LIMIT_PER_SECOND="100",
        RATE_LIMIT_BURST="100",
        **extra,
    )


def as_json(update: Update) -> dict[str, Any]:
    """An update as Telegram posts it."""
    return update.model_dump(mode="json", exclude_none=True, by_alias=True)


async def post_update(
    http: aiohttp.ClientSession, port: int, update: Update, secret: str | None = SECRET
) -> int:
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    async with http.post(
        f"http://127.0.0.1:{port}/telegram/webhook", json=as_json(update), headers=headers
    ) as resp:
        await resp.read()
        return resp.status


async def wait_listening(port: int, bot: RunningBot, timeout: float = 60) -> None:
    """Until something accepts connections on `port` (the bot finished starting)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        if bot.proc.returncode is not None:
            raise AssertionError(f"the bot exited with {bot.proc.returncode}:\n{bot.output}")
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            if loop.time() > deadline:
                raise AssertionError(f"nothing listens on {port}:\n{bot.output}") from None
            await asyncio.sleep(0.1)
            continue
        writer.close()
        await writer.wait_closed()
        return
