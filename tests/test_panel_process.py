"""`make run` serves the panel: a real `python -m bot` (SQLite, no Redis) with PANEL_PORT.

A newcomer's first minute: /panel to the bot, open the link, land on the queue; SIGTERM
still ends the process cleanly with the panel's server inside it.
"""

from __future__ import annotations

import socket
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

from tests.fake_bot_api import FakeBotAPI
from tests.process import bot_env, bot_process, output_of

TOKEN = "123456:PANEL-PROCESS-TOKEN"
ADMIN_ID = 555_101


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def panel_command(user_id: int) -> dict[str, Any]:
    return {
        "message": {
            "message_id": 1,
            "date": int(time.time()),
            "chat": {"id": user_id, "type": "private", "first_name": "Анна"},
            "from": {"id": user_id, "is_bot": False, "first_name": "Анна", "language_code": "ru"},
            "text": "/panel",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        }
    }


async def test_make_run_serves_the_panel_and_the_link_logs_in(tmp_path: Path) -> None:
    workdir = tmp_path / f"fresh-{uuid.uuid4().hex[:6]}"
    workdir.mkdir()
    port = free_port()
    panel_url = f"http://127.0.0.1:{port}"
    async with FakeBotAPI(TOKEN) as api:
        env = bot_env(
            BOT_TOKEN=TOKEN,
            TELEGRAM_API_URL=api.url,
            ADMIN_IDS=str(ADMIN_ID),
            PANEL_PORT=str(port),
            PANEL_URL=panel_url,
            # No digest: after 08:00 Moscow a fresh bot's first tick sends today's digest
            # to the admin, and it raced the /panel answer this test waits for.
            DIGEST_TIME="",
        )
        async with bot_process(env, workdir) as proc:
            try:
                await api.wait_for("deleteWebhook", timeout=60)
                api.push_update(panel_command(ADMIN_ID))
                sent = await api.wait_for(
                    "sendMessage", lambda p: p["chat_id"] == ADMIN_ID, timeout=30
                )
                url = sent.params["reply_markup"]["inline_keyboard"][0][0]["url"]
                assert url.startswith(panel_url + "/login/")
                async with httpx.AsyncClient() as http:
                    landed = await http.get(url, follow_redirects=True)
                    assert landed.status_code == 200
                    assert str(landed.url) == panel_url + "/queue"
                    assert "Новые" in landed.text
            except (TimeoutError, AssertionError, httpx.HTTPError):
                proc.terminate()
                raise AssertionError(await output_of(proc)) from None
            proc.terminate()  # SIGTERM
            assert await proc.wait() == 0, await output_of(proc)
