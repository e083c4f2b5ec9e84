"""The visible categories kept in memory (`bot.services.category_directory`): the dialog
follows every change made in this process at once — in the bot or in the web panel — and
a change made by another replica is caught at the latest on submit."""

from __future__ import annotations

import httpx
from aiogram.methods import AnswerCallbackQuery, EditMessageText
from sqlalchemy import update

from database.engine import create_engine, create_session_pool
from models import Category, Role
from tests.conftest import ADMIN, TEACHER, Harness
from tests.panel_support import client, log_in
from tests.staff import add_person, button_texts
from tests.test_new_request import HEATING, fill_to_summary, requests_in_db, step, submit
from tests.updates import message, press
from utils.callbacks import CategoryHideCb

__all__ = ["client"]  # the fixture

CLEANING = 7  # seeded "Уборка"


async def offered(harness: Harness) -> list[str]:
    """The categories a teacher's /new offers now (the dialog is cancelled again)."""
    await harness.feed(message(TEACHER, "/new"))
    first = step(harness)
    assert "1/5" in first.text
    await harness.feed(message(TEACHER, "/cancel"))
    harness.api.requests.clear()
    return button_texts(first.reply_markup)


async def test_the_dialog_shows_an_admins_change_in_the_bot_at_once(harness: Harness) -> None:
    await add_person(harness.session_pool, ADMIN, Role.ADMIN)
    await add_person(harness.session_pool, TEACHER)
    assert "Уборка" in await offered(harness)  # read once, now kept

    await harness.feed(press(ADMIN, CategoryHideCb(id=CLEANING, hide=True)))
    assert harness.pop(AnswerCallbackQuery).text == "Категория скрыта."
    harness.api.requests.clear()
    assert "Уборка" not in await offered(harness)

    await harness.feed(press(ADMIN, CategoryHideCb(id=CLEANING, hide=False)))
    harness.api.requests.clear()
    assert "Уборка" in await offered(harness)


async def test_the_dialog_shows_a_change_made_in_the_web_panel_at_once(
    harness: Harness, client: httpx.AsyncClient
) -> None:
    await add_person(harness.session_pool, ADMIN, Role.ADMIN)
    await add_person(harness.session_pool, TEACHER)
    assert "Электрика" in await offered(harness)
    csrf = await log_in(harness, client, ADMIN)

    renamed = await client.post("/categories/1", data={"csrf": csrf, "names": "Свет / Light"})
    assert renamed.headers["location"] == "/categories?result=done"
    now = await offered(harness)
    assert "Свет" in now and "Электрика" not in now


async def test_a_change_rolled_back_keeps_what_is_known(harness: Harness) -> None:
    await add_person(harness.session_pool, TEACHER)
    before = await offered(harness)
    async with harness.session_pool() as session:
        await session.execute(update(Category).values(is_hidden=True))
        await session.rollback()
    assert await offered(harness) == before


async def test_a_category_hidden_by_another_replica_is_refused_on_submit(
    harness: Harness, database_url: str
) -> None:
    await add_person(harness.session_pool, TEACHER)
    assert "Отопление" in await offered(harness)
    other_replica = create_engine(database_url, pool_size=1, max_overflow=0)
    try:
        async with create_session_pool(other_replica).begin() as session:
            await session.execute(
                update(Category).where(Category.id == HEATING).values(is_hidden=True)
            )
    finally:
        await other_replica.dispose()
    assert "Отопление" in await offered(harness)  # this process has not heard of it yet

    summary = await fill_to_summary(harness)  # "Отопление" chosen
    answer = await submit(harness, summary, TEACHER)

    assert answer.show_alert and answer.text == "Эта категория больше недоступна. Выберите другую."
    again = harness.pop(EditMessageText)
    assert "1/5" in again.text and "Отопление" not in button_texts(again.reply_markup)
    assert await requests_in_db(harness) == []
    harness.api.requests.clear()
    assert "Отопление" not in await offered(harness)
