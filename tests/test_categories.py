"""/categories: add, rename, hide and show; hidden ones leave the new-request choice only."""

from __future__ import annotations

from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage
from sqlalchemy import select

from bot.services import categories as categories_service
from bot.services.categories import NameProblem, parse_names
from models import Category, Role
from tests.conftest import ADMIN, EXECUTOR, TEACHER, Harness
from tests.staff import add_person, add_request, button_data, button_texts, on_card
from tests.updates import message, press
from utils.callbacks import (
    CategoryAddCb,
    CategoryCardCb,
    CategoryHideCb,
    CategoryRenameCb,
    OpenRequestCb,
)

CARD = 880


def test_names_are_parsed_and_validated() -> None:
    assert parse_names(" Лифты  / Elevators ") == ("Лифты", "Elevators")
    assert parse_names("Лифты") == ("Лифты", "Лифты")
    assert parse_names(" / Elevators") is NameProblem.EMPTY
    assert parse_names("x" * 65) is NameProblem.TOO_LONG


async def test_add_validates_and_refuses_duplicates(harness: Harness) -> None:
    await add_person(harness.session_pool, ADMIN, Role.ADMIN)
    await harness.feed(message(ADMIN, "/categories"))
    listing = harness.pop(SendMessage)
    assert button_texts(listing.reply_markup)[:2] == ["Электрика", "Сантехника"]
    assert CategoryAddCb().pack() in button_data(listing.reply_markup)

    await harness.feed(press(ADMIN, CategoryAddCb()))
    harness.pop(AnswerCallbackQuery)
    assert "Русское / English" in harness.pop(SendMessage).text
    await harness.feed(message(ADMIN, "Л" * 70))
    assert "до 64 символов" in harness.pop(SendMessage).text
    await harness.feed(message(ADMIN, "сантехника / Pipes"))
    assert "уже есть" in harness.pop(SendMessage).text
    await harness.feed(message(ADMIN, "Лифты / Elevators"))
    saved = harness.pop(SendMessage)
    assert "<b>Лифты</b> / Elevators" in saved.text and "видна в новой заявке" in saved.text
    async with harness.session_pool() as session:
        added = await session.scalar(select(Category).where(Category.name_en == "Elevators"))
    assert added is not None and added.position == 9 and not added.is_hidden


async def test_rename_hide_and_show(harness: Harness) -> None:
    pool = harness.session_pool
    await add_person(pool, ADMIN, Role.ADMIN)
    author = await add_person(pool, TEACHER)
    rid = await add_request(pool, author, category_id=7)  # "Уборка"
    card = on_card(ADMIN, CARD)

    await harness.feed(press(ADMIN, CategoryRenameCb(id=7), card))
    harness.pop(AnswerCallbackQuery)
    assert "Сейчас: Уборка / Cleaning" in harness.pop(SendMessage).text
    await harness.feed(message(ADMIN, "Клининг / Cleaning service"))
    assert "<b>Клининг</b> / Cleaning service" in harness.pop(SendMessage).text

    await harness.feed(press(ADMIN, CategoryHideCb(id=7, hide=True), card))
    assert harness.pop(AnswerCallbackQuery).text == "Категория скрыта."
    shown = harness.pop(EditMessageText)
    assert "🙈 скрыта" in shown.text and "Заявок: 1" in shown.text
    assert "👁 Показать" in button_texts(shown.reply_markup)

    async with pool() as session:
        offered = [c.name_ru for c in await categories_service.visible(session)]
    assert "Клининг" not in offered and len(offered) == 7
    # The old request keeps its category.
    await harness.feed(press(ADMIN, OpenRequestCb(id=rid)))
    harness.pop(AnswerCallbackQuery)
    assert "📂 Категория: Клининг" in harness.pop(SendMessage).text
    # The list marks it hidden.
    await harness.feed(message(ADMIN, "/categories"))
    assert "🙈 Клининг" in button_texts(harness.pop(SendMessage).reply_markup)

    await harness.feed(press(ADMIN, CategoryHideCb(id=7, hide=False), card))
    harness.pop(AnswerCallbackQuery)
    harness.pop(EditMessageText)
    async with pool() as session:
        assert "Клининг" in [c.name_ru for c in await categories_service.visible(session)]


async def test_categories_are_for_admins_only(harness: Harness) -> None:
    await add_person(harness.session_pool, EXECUTOR, Role.EXECUTOR)
    await harness.feed(message(EXECUTOR, "/categories"))
    assert "только сотрудникам" in harness.pop(SendMessage).text
    for data in (CategoryHideCb(id=1, hide=True), CategoryCardCb(id=1), CategoryAddCb()):
        await harness.feed(press(EXECUTOR, data))
        assert harness.pop(AnswerCallbackQuery).show_alert
    async with harness.session_pool() as session:
        electrics = await session.get(Category, 1)
    assert electrics is not None and not electrics.is_hidden
