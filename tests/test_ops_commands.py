"""The per-person command menu (setMyCommands) never stops the bot (issue 13 item 4).

A staff member who never opened a private chat with the bot makes Telegram answer 400
"chat not found". At start-up that person is logged and skipped (the process used to
exit and a container restarted into a crash loop); after a role change the admin gets
the normal answer (it used to be an apology although the role was saved).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest
import structlog
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import AnswerCallbackQuery, EditMessageText, SetMyCommands
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import create_app, setup_commands
from models import Role
from tests.conftest import ADMIN, EXECUTOR, Harness, make_settings
from tests.fake_bot_api import FakeBotAPI
from tests.recording_session import BOT_TOKEN
from tests.staff import add_person, on_card
from tests.updates import Person, press
from utils.callbacks import UserRoleCb

HELPER = Person(id=900_077, first_name="Помощник")  # promoted, never wrote to the bot


@pytest.fixture
async def api() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI(BOT_TOKEN) as fake:
        yield fake


def chat_scopes(api: FakeBotAPI) -> dict[int, bool]:
    """Chat id -> whether its setMyCommands succeeded."""
    return {
        call.params["scope"]["chat_id"]: call.ok
        for call in api.calls_to("setMyCommands")
        if call.params.get("scope", {}).get("type") == "chat"
    }


async def test_start_up_skips_a_staff_member_telegram_does_not_know(
    api: FakeBotAPI, database_url: str, db: async_sessionmaker[AsyncSession]
) -> None:
    await add_person(db, ADMIN, Role.ADMIN)
    await add_person(db, HELPER, Role.EXECUTOR)
    await add_person(db, EXECUTOR, Role.EXECUTOR)
    api.forget_chat(HELPER.id)
    app = await create_app(make_settings(database_url, telegram_api_url=api.url))
    try:
        with structlog.testing.capture_logs() as logs:
            await setup_commands(app)
    finally:
        await app.close()

    assert chat_scopes(api) == {ADMIN.id: True, HELPER.id: False, EXECUTOR.id: True}
    staff_menus = {
        json.loads(key)[0].get("chat_id"): [c["command"] for c in commands]
        for key, commands in api.commands.items()
    }
    assert "admin" in staff_menus[ADMIN.id] and "tasks" in staff_menus[EXECUTOR.id]
    [skipped] = [e for e in logs if e["event"] == "user_commands_failed"]
    assert skipped["telegram_id"] == HELPER.id
    assert skipped["error"] == "TelegramBadRequest"


async def test_role_change_of_an_unknown_chat_is_answered_normally(harness: Harness) -> None:
    await add_person(harness.session_pool, ADMIN, Role.ADMIN)
    helper = await add_person(harness.session_pool, HELPER)
    harness.api.fail_next(
        SetMyCommands, TelegramBadRequest(SetMyCommands(commands=[]), "Bad Request: chat not found")
    )

    await harness.feed(
        press(ADMIN, UserRoleCb(id=helper.id, role=Role.EXECUTOR), on_card(ADMIN, 640))
    )

    answer = harness.pop(AnswerCallbackQuery)
    assert answer.text != harness.catalogue.get("ru", "error-generic")
    assert "исполнитель" in (answer.text or "")
    assert "Роль: 🛠 исполнитель" in (harness.pop(EditMessageText).text or "")
    harness.api.requests.clear()  # the new menu waits in the outbox
