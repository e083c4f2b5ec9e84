"""A real `python -m bot` process against a fake Bot API server (TELEGRAM_API_URL)."""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any

from tests.conftest import TEST_REDIS_URL
from tests.fake_bot_api import FakeBotAPI
from tests.ops_support import process_env
from tests.process import bot_env, bot_process, output_of

TOKEN = "123456:SMOKE-TEST-TOKEN"


def start_update(user_id: int, first_name: str = "Нина") -> dict[str, Any]:
    return {
        "message": {
            "message_id": 1,
            "date": int(time.time()),
            "chat": {"id": user_id, "type": "private", "first_name": first_name},
            "from": {
                "id": user_id,
                "is_bot": False,
                "first_name": first_name,
                "language_code": "ru",
            },
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        }
    }


def reply_buttons(params: dict[str, Any]) -> list[str]:
    markup = params.get("reply_markup") or {}
    return [b["text"] for row in markup.get("keyboard", []) for b in row]


async def answer_start(api: FakeBotAPI, env: dict[str, str], cwd: Path) -> dict[str, Any]:
    async with bot_process(env, cwd) as proc:
        try:
            await api.wait_for("deleteWebhook", timeout=60)
            commands = await api.wait_for("setMyCommands", timeout=10)
            assert commands.params["commands"][0]["command"] == "start"
            api.push_update(start_update(555_001))
            sent = await api.wait_for("sendMessage", lambda p: p["chat_id"] == 555_001, timeout=30)
        except TimeoutError:
            proc.terminate()
            raise AssertionError(await output_of(proc)) from None
        return sent.params


async def test_postgres_and_redis(database_url: str, clean_state: None, tmp_path: Path) -> None:
    async with FakeBotAPI(TOKEN) as api:
        env = process_env(api, database_url, TEST_REDIS_URL)
        params = await answer_start(api, env, tmp_path)
    assert "Нина" in params["text"]
    assert reply_buttons(params) == ["📝 Новая заявка", "📋 Мои заявки", "❓ Помощь"]


async def test_embedded_default_in_an_empty_directory(tmp_path: Path) -> None:
    workdir = tmp_path / f"fresh-{uuid.uuid4().hex[:6]}"
    workdir.mkdir()
    async with FakeBotAPI(TOKEN) as api:
        env = bot_env(BOT_TOKEN=TOKEN, TELEGRAM_API_URL=api.url)
        params = await answer_start(api, env, workdir)
    assert reply_buttons(params)[0] == "📝 Новая заявка"
    assert (workdir / "data" / "zavhoz.sqlite3").is_file()  # migrated a new SQLite file
