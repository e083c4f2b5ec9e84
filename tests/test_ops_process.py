"""`python -m bot` as an operator runs it: webhook mode, endpoints, and stopping cleanly."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

import aiohttp
from aiogram.methods import SendMessage
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.outbox import enqueue
from models import OutboxMessage, OutboxStatus
from tests.conftest import TEST_REDIS_URL
from tests.ops_support import (
    SECRET,
    TOKEN,
    SlowBotAPI,
    as_json,
    free_port,
    post_update,
    process_env,
    running_bot,
    webhook_env,
)
from tests.process import bot_env, without_coverage
from tests.updates import Person, command

NINA = Person(id=555_101, first_name="Нина")
PETR = Person(id=555_102, first_name="Пётр")


async def test_webhook_process_serves_signed_updates_and_stops_after_work_in_flight(
    database_url: str, db: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    metrics_port = free_port()
    async with SlowBotAPI() as api, aiohttp.ClientSession() as http:
        env = webhook_env(
            api,
            database_url,
            TEST_REDIS_URL,
            METRICS_PORT=str(metrics_port),
            METRICS_HOST="127.0.0.1",
        )
        port = int(env["WEBHOOK_PORT"])
        async with running_bot(env, tmp_path) as bot:
            try:
                hook = await api.wait_for("setWebhook", timeout=60)
            except TimeoutError:
                raise AssertionError(bot.output) from None
            assert hook.params["url"] == "https://bot.example.test/telegram/webhook"
            assert hook.params["secret_token"] == SECRET
            assert {"message", "callback_query"} <= set(hook.params["allowed_updates"])

            # Not from Telegram: refused, and nothing is handled.
            assert await post_update(http, port, command(NINA, "/start"), secret=None) == 401
            assert await post_update(http, port, command(NINA, "/start"), secret="guess") == 401
            # From Telegram: acknowledged at once, answered in the background.
            assert await post_update(http, port, command(NINA, "/start")) == 200
            greeting = await api.wait_for("sendMessage", lambda p: p["chat_id"] == NINA.id)
            assert "Нина" in greeting.params["text"]
            assert len(api.calls_to("sendMessage")) == 1

            async with http.get(f"http://127.0.0.1:{metrics_port}/healthz") as resp:
                assert resp.status == 200
                assert await resp.json() == {
                    "status": "ok",
                    "checks": {"database": "ok", "redis": "ok"},
                }
            counted = 'updates_total{handler="common.start",type="message"} 1.0'
            for _ in range(50):  # counted just after the reply went out
                async with http.get(f"http://127.0.0.1:{metrics_port}/metrics") as resp:
                    metrics = (await resp.text()).splitlines()
                if counted in metrics:
                    break
                await asyncio.sleep(0.1)
            assert counted in metrics
            assert 'handler_latency_seconds_count{handler="common.start"} 1.0' in metrics

            # Work in flight when SIGTERM comes: a handler waiting for Telegram, and the
            # outbox sender in the middle of a notification.
            api.delays["sendMessage"] = 1.5
            async with db() as session, session.begin():
                row = enqueue(session, SendMessage(chat_id=PETR.id, text="Заявка #7 выполнена"))
            assert await post_update(http, port, command(NINA, "/help")) == 200
            await api.wait_arrival("sendMessage", NINA.id)
            await api.wait_arrival("sendMessage", PETR.id)

            code = await bot.stop()

            assert code == 0, bot.output
            delivered = {c.params["chat_id"] for c in api.calls_to("sendMessage") if c.ok}
            assert delivered == {NINA.id, PETR.id}
            async with db() as session:
                status = await session.scalar(
                    select(OutboxMessage.status).where(OutboxMessage.id == row.id)
                )
            assert status is OutboxStatus.SENT
            assert "Traceback" not in bot.output
            lines = bot.json_lines()
            events = [line["event"] for line in lines]
            assert "shutdown_requested" in events
            assert events[-1] == "bot_stopped"
            help_line = next(
                line
                for line in lines
                if line.get("handler") == "common.help_" and line["event"] == "update"
            )
            assert help_line["outcome"] == "handled"
            assert help_line["user_id"] == NINA.id


async def test_stop_request_during_startup_exits_zero(
    database_url: str, clean_state: None, tmp_path: Path
) -> None:
    async with SlowBotAPI() as api:
        api.delays["getMe"] = 30  # start-up hangs on Telegram
        env = process_env(api, database_url, TEST_REDIS_URL)
        async with running_bot(env, tmp_path) as bot:
            await api.wait_arrival("getMe", timeout=60)
            bot.proc.send_signal(signal.SIGINT)
            code = await bot.wait(timeout=10)

    assert code == 0, bot.output
    assert "Traceback" not in bot.output
    events = [line["event"] for line in bot.json_lines()]
    assert "startup_interrupted" in events
    assert events[-1] == "bot_stopped"


async def test_stop_request_while_python_imports_exits_zero(tmp_path: Path) -> None:
    env = without_coverage(bot_env(BOT_TOKEN=TOKEN, TELEGRAM_API_URL="http://127.0.0.1:9"))
    async with running_bot(env, tmp_path) as bot:
        await asyncio.sleep(0.3)
        code = await bot.stop(timeout=10)
    assert code == 0, bot.output
    assert "Traceback" not in bot.output


async def test_polling_process_finishes_the_update_in_flight_and_confirms_only_it(
    database_url: str, clean_state: None, tmp_path: Path
) -> None:
    async with SlowBotAPI() as api, aiohttp.ClientSession() as http:
        env = process_env(
            api, database_url, TEST_REDIS_URL, AUTO_MIGRATE="false", MAX_CONCURRENT_UPDATES="1"
        )
        async with running_bot(env, tmp_path) as bot:
            try:
                await api.wait_for("getUpdates", timeout=60)
            except TimeoutError:
                raise AssertionError(bot.output) from None
            api.delays["sendMessage"] = 1.5
            # One batch of two; with one update at a time the second waits for the first.
            first = api.push_update(as_json(command(NINA, "/start")))
            api.push_update(as_json(command(PETR, "/start")))
            await api.wait_arrival("sendMessage", NINA.id)

            code = await bot.stop()

        async with http.post(f"{api.url}/bot{TOKEN}/getWebhookInfo") as resp:
            pending = (await resp.json())["result"]["pending_update_count"]

    assert code == 0, bot.output
    assert "Traceback" not in bot.output
    [greeting] = [c for c in api.calls_to("sendMessage") if c.ok]
    assert greeting.params["chat_id"] == NINA.id
    [line] = [line for line in bot.json_lines() if line["event"] == "update"]
    assert (line["handler"], line["outcome"]) == ("common.start", "handled")
    # Telegram was told the first update is done (the next process will not get it
    # again) and still holds the second one for the next process.
    assert api.calls_to("getUpdates")[-1].params["offset"] == first["update_id"] + 1
    assert pending == 1
