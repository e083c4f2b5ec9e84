"""The first five minutes as a newcomer lives them: `python -m bot` with only BOT_TOKEN
(and the fake Bot API), in an empty directory, on the embedded database.

The setup link appears in the output; its first opener becomes admin, a second person is
refused; `/here` in a group makes the next new request arrive in that group.
`python -m bot setup-link` prints a fresh link that kills the previous one.
"""

from __future__ import annotations

import asyncio
import re
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from tests.fake_bot_api import ApiCall, FakeBotAPI
from tests.process import bot_env, bot_process
from utils.callbacks import DraftNav, DraftNavCb, DraftPriorityCb
from utils.i18n import Catalogue

TOKEN = "123456:FIRST-FIVE-MINUTES-TOKEN"
USERNAME = "zavhoz_test_bot"  # what the fake Bot API answers to getMe
LINK_RE = re.compile(rf"https://t\.me/{USERNAME}\?start=(setup-[A-Za-z0-9_-]+)")
DIRECTOR = 610_001
CARETAKER_GROUP = -100_610_000
TEACHER = 610_002
T = Catalogue("ru").translator("ru")


# --------------------------------------------------------------------------- helpers
class Console:
    """Everything the process prints, read as it comes (so the pipe never fills up)."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        assert proc.stdout is not None
        self.stream = proc.stdout
        self.lines: list[str] = []
        self._task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        while line := await self.stream.readline():
            self.lines.append(line.decode(errors="replace"))

    @property
    def text(self) -> str:
        return "".join(self.lines)

    async def wait_for(self, pattern: re.Pattern[str], timeout: float = 60) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if found := pattern.search(self.text):
                return found
            await asyncio.sleep(0.1)
        raise AssertionError(f"{pattern.pattern!r} not printed; the output:\n{self.text}")


@asynccontextmanager
async def running_bot(api: FakeBotAPI, workdir: Path, **settings: str) -> AsyncIterator[Console]:
    env = bot_env(BOT_TOKEN=TOKEN, TELEGRAM_API_URL=api.url, **settings)
    async with bot_process(env, workdir) as proc:
        yield Console(proc)


def person(user_id: int, name: str) -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": name, "language_code": "ru"}


def text_update(user_id: int, name: str, text: str, chat: dict[str, Any] | None = None) -> Any:
    entities = []
    if text.startswith("/"):
        entities = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {
        "message": {
            "message_id": int(time.time() * 1000) % 10**9,
            "date": int(time.time()),
            "chat": chat or {"id": user_id, "type": "private", "first_name": name},
            "from": person(user_id, name),
            "text": text,
            "entities": entities,
        }
    }


def press_update(user_id: int, name: str, data: str, on_message: dict[str, Any]) -> Any:
    return {
        "callback_query": {
            "id": f"cq-{time.monotonic_ns()}",
            "from": person(user_id, name),
            "chat_instance": "ci",
            "message": on_message,
            "data": data,
        }
    }


def callback_data(call: ApiCall) -> list[str]:
    markup = call.params.get("reply_markup") or {}
    return [b.get("callback_data", "") for row in markup.get("inline_keyboard", []) for b in row]


async def screen(api: FakeBotAPI, chat_id: int, button: str = "", timeout: float = 30) -> Any:
    """The next message the bot sends or edits in `chat_id` (with a button `button...`)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for method in ("sendMessage", "editMessageText"):
            try:
                call = await api.wait_for(
                    method, lambda p: p.get("chat_id") == chat_id, timeout=0.2
                )
            except TimeoutError:
                continue
            if not button or any(d.startswith(button) for d in callback_data(call)):
                return call
    raise AssertionError(f"no screen with {button!r} for {chat_id}; calls: {api.calls[-10:]}")


def message_of(call: ApiCall) -> dict[str, Any]:
    return call.result if isinstance(call.result, dict) else {}


async def file_a_request(api: FakeBotAPI) -> None:
    """A teacher goes through the new-request dialog in the Telegram client."""
    name = "Мария"
    api.push_update(text_update(TEACHER, name, "/new"))
    categories = await screen(api, TEACHER, "nrc:")
    heating = next(d for d in callback_data(categories) if d.startswith("nrc:"))
    api.push_update(press_update(TEACHER, name, heating, message_of(categories)))
    await screen(api, TEACHER)
    api.push_update(text_update(TEACHER, name, "Каб. 214"))
    await screen(api, TEACHER)
    api.push_update(text_update(TEACHER, name, "Холодная батарея у окна"))
    photos = await screen(api, TEACHER, DraftNavCb(action=DraftNav.SKIP).pack())
    api.push_update(
        press_update(TEACHER, name, DraftNavCb(action=DraftNav.SKIP).pack(), message_of(photos))
    )
    priorities = await screen(api, TEACHER, "nrp:")
    normal = DraftPriorityCb(priority="normal").pack()  # type: ignore[arg-type]
    api.push_update(press_update(TEACHER, name, normal, message_of(priorities)))
    summary = await screen(api, TEACHER, "nrs:")
    submit = next(d for d in callback_data(summary) if d.startswith("nrs:"))
    api.push_update(press_update(TEACHER, name, submit, message_of(summary)))


async def run_command(workdir: Path, api: FakeBotAPI, *args: str) -> str:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        env=bot_env(BOT_TOKEN=TOKEN, TELEGRAM_API_URL=api.url),
        cwd=workdir,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(proc.communicate(), 120)
    assert proc.returncode == 0, out.decode()
    return out.decode(errors="replace")


# --------------------------------------------------------------------------- the story
async def test_from_a_token_to_requests_in_the_caretakers_group(tmp_path: Path) -> None:
    async with FakeBotAPI(TOKEN) as api, running_bot(api, tmp_path) as console:
        code = (await console.wait_for(LINK_RE)).group(1)

        api.push_update(text_update(DIRECTOR, "Нина", f"/start {code}"))
        welcome = await api.wait_for("sendMessage", lambda p: p["chat_id"] == DIRECTOR, 30)
        assert welcome.params["text"] == T("setup-claimed")
        menu = [b["text"] for row in welcome.params["reply_markup"]["keyboard"] for b in row]
        assert T("menu-admin") in menu
        commands = api.commands  # the admin's own command menu was set
        assert any("admin" in str(v) for v in commands.values()), commands

        api.push_update(text_update(TEACHER, "Мария", f"/start {code}"))
        refusal = await api.wait_for("sendMessage", lambda p: p["chat_id"] == TEACHER, 30)
        assert refusal.params["text"] == T("setup-invalid")

        group = {"id": CARETAKER_GROUP, "type": "supergroup", "title": "Завхозы"}
        api.push_update(text_update(DIRECTOR, "Нина", "/here", chat=group))
        bound = await api.wait_for("sendMessage", lambda p: p["chat_id"] == CARETAKER_GROUP, 30)
        assert bound.params["text"] == T("here-bound")

        await file_a_request(api)
        card = await api.wait_for("sendMessage", lambda p: p["chat_id"] == CARETAKER_GROUP, 60)
    assert "Холодная батарея у окна" in card.params["text"]
    assert "take" in str(card.params.get("reply_markup"))  # the triage buttons came along


async def test_setup_link_command_prints_a_fresh_link_and_kills_the_previous(
    tmp_path: Path,
) -> None:
    async with FakeBotAPI(TOKEN) as api:
        first = LINK_RE.search(await run_command(tmp_path, api, "setup-link"))
        second = LINK_RE.search(await run_command(tmp_path, api, "setup-link"))
        assert first and second and first.group(1) != second.group(1)

        # ADMIN_IDS names somebody else: the bot issues no link of its own at start.
        async with running_bot(api, tmp_path, ADMIN_IDS="1") as console:
            api.push_update(text_update(DIRECTOR, "Нина", f"/start {first.group(1)}"))
            stale = await api.wait_for("sendMessage", lambda p: p["chat_id"] == DIRECTOR, 60)
            api.push_update(text_update(TEACHER, "Мария", f"/start {second.group(1)}"))
            fresh = await api.wait_for("sendMessage", lambda p: p["chat_id"] == TEACHER, 30)
            assert not LINK_RE.search(console.text)
    assert stale.params["text"] == T("setup-invalid")
    assert fresh.params["text"] == T("setup-claimed")
