"""/categories off the happy path: the card and the list from buttons, stale or forged
buttons, a sticker or invisible text for a name, a rename onto another category's name,
a category removed while its rename form was open, Cancel."""

from __future__ import annotations

from typing import Any

from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage
from sqlalchemy import delete, select

from bot.services import categories as categories_service
from bot.services.categories import NAME_MAX, CategoryOutcome, NameProblem, parse_names
from models import Category, Role
from tests.conftest import ADMIN, TEACHER, Harness
from tests.staff import (
    add_person,
    add_request,
    button_data,
    button_texts,
    dialog_state,
    on_card,
    said,
)
from tests.updates import message, press, sticker
from utils.callbacks import (
    AdminMenuCb,
    CategoriesCb,
    CategoryAddCb,
    CategoryCardCb,
    CategoryHideCb,
    CategoryRenameCb,
    StaffCancelCb,
)

CARD = 885
CLEANING = 7  # seeded "Уборка / Cleaning"


async def names(harness: Harness) -> list[tuple[str, str, bool]]:
    async with harness.session_pool() as session:
        rows = await session.execute(
            select(Category.name_ru, Category.name_en, Category.is_hidden).order_by(Category.id)
        )
        return [tuple(r) for r in rows.all()]  # type: ignore[misc]


async def open_form(harness: Harness, data: CategoryAddCb | CategoryRenameCb) -> str:
    await harness.feed(press(ADMIN, data, on_card(ADMIN, CARD)))
    harness.pop(AnswerCallbackQuery)
    prompt = harness.pop(SendMessage)
    assert button_data(prompt.reply_markup) == [StaffCancelCb().pack()]
    return prompt.text


def test_invisible_characters_are_no_name() -> None:
    assert parse_names("\u200b\u200b") is NameProblem.EMPTY
    assert parse_names("\u2060 / Cleaning") is NameProblem.EMPTY
    assert parse_names("Уб\u00adорка\u200b / Clean\u200bing") == ("Уборка", "Cleaning")


async def test_the_card_and_the_list_from_their_buttons(harness: Harness) -> None:
    pool = harness.session_pool
    await add_person(pool, ADMIN, Role.ADMIN)
    author = await add_person(pool, TEACHER)
    for _ in range(2):
        await add_request(pool, author, category_id=CLEANING)

    await harness.feed(press(ADMIN, CategoryCardCb(id=CLEANING), on_card(ADMIN, CARD)))
    assert harness.pop(AnswerCallbackQuery).text is None
    card = harness.pop(EditMessageText)
    assert card.text == said(
        harness,
        "categories-card",
        name_ru="Уборка",
        name_en="Cleaning",
        requests=2,
        state=said(harness, "categories-visible"),
    )
    assert button_data(card.reply_markup) == [
        CategoryRenameCb(id=CLEANING).pack(),
        CategoryHideCb(id=CLEANING, hide=True).pack(),
        CategoriesCb().pack(),
    ]

    await harness.feed(press(ADMIN, CategoriesCb(), on_card(ADMIN, CARD)))
    harness.pop(AnswerCallbackQuery)
    listing = harness.pop(EditMessageText)
    assert listing.text == said(harness, "categories-title")
    assert button_texts(listing.reply_markup)[:8] == [n for n, _, _ in await names(harness)]
    assert button_data(listing.reply_markup)[-2:] == [CategoryAddCb().pack(), AdminMenuCb().pack()]


async def test_buttons_of_a_category_that_is_gone_answer_with_an_alert(harness: Harness) -> None:
    await add_person(harness.session_pool, ADMIN, Role.ADMIN)
    before = await names(harness)
    for data in (
        CategoryCardCb(id=404),
        CategoryHideCb(id=404, hide=True),
        CategoryRenameCb(id=404),
    ):
        await harness.feed(press(ADMIN, data, on_card(ADMIN, CARD)))
        answer = harness.pop(AnswerCallbackQuery)
        assert answer.show_alert and answer.text == said(harness, "categories-not-found"), data
        harness.expect_nothing()
    assert await dialog_state(harness, ADMIN) is None  # no rename form was opened
    assert await names(harness) == before


async def test_a_sticker_or_invisible_text_is_asked_again(harness: Harness) -> None:
    await add_person(harness.session_pool, ADMIN, Role.ADMIN)
    before = await names(harness)
    await open_form(harness, CategoryAddCb())
    empty = said(harness, "categories-name-empty", limit=NAME_MAX)
    for update in (sticker(ADMIN), message(ADMIN, "\u200b"), message(ADMIN, "Лифты / \u200b")):
        await harness.feed(update)
        answer = harness.pop(SendMessage)
        assert answer.text == empty
        assert button_data(answer.reply_markup) == [StaffCancelCb().pack()]
    # A hidden character does not make a second "Электрика" either.
    await harness.feed(message(ADMIN, "Электрика\u200b / Power"))
    assert harness.pop(SendMessage).text == said(harness, "categories-duplicate")
    assert await names(harness) == before
    assert await dialog_state(harness, ADMIN) is not None  # still asking


async def test_rename_onto_another_categorys_name_is_refused(harness: Harness) -> None:
    await add_person(harness.session_pool, ADMIN, Role.ADMIN)
    before = await names(harness)
    prompt = await open_form(harness, CategoryRenameCb(id=CLEANING))
    assert prompt == said(
        harness, "categories-ask-rename", name_ru="Уборка", name_en="Cleaning", limit=NAME_MAX
    )
    await harness.feed(message(ADMIN, "Уборка / ELECTRICS"))
    assert harness.pop(SendMessage).text == said(harness, "categories-duplicate")
    assert await names(harness) == before
    # Its own names, in other letters, are no clash with itself.
    await harness.feed(message(ADMIN, "УБОРКА / cleaning"))
    saved = harness.pop(SendMessage)
    assert saved.text.startswith(said(harness, "categories-saved"))
    assert "<b>УБОРКА</b> / cleaning" in saved.text
    assert (await names(harness))[CLEANING - 1] == ("УБОРКА", "cleaning", False)
    assert await dialog_state(harness, ADMIN) is None


async def test_renaming_a_category_removed_meanwhile_says_it_is_gone(harness: Harness) -> None:
    await add_person(harness.session_pool, ADMIN, Role.ADMIN)
    await open_form(harness, CategoryRenameCb(id=CLEANING))
    async with harness.session_pool() as session, session.begin():
        await session.execute(delete(Category).where(Category.id == CLEANING))

    await harness.feed(message(ADMIN, "Клининг / Cleaning service"))
    assert harness.pop(SendMessage).text == said(harness, "categories-not-found")
    assert "Клининг" not in [ru for ru, _, _ in await names(harness)]
    assert await dialog_state(harness, ADMIN) is None


async def test_cancel_closes_the_form_and_nothing_is_added(harness: Harness) -> None:
    await add_person(harness.session_pool, ADMIN, Role.ADMIN)
    before = await names(harness)
    await open_form(harness, CategoryAddCb())
    await harness.feed(press(ADMIN, StaffCancelCb(), on_card(ADMIN, CARD + 1)))
    harness.pop(AnswerCallbackQuery)
    assert harness.pop(EditMessageText).text == said(harness, "dialog-cancelled")
    assert await dialog_state(harness, ADMIN) is None
    assert await names(harness) == before


async def test_the_service_refuses_missing_categories(harness: Harness) -> None:
    """What the web panel relies on: an id from an old page changes nothing."""
    before = await names(harness)
    async with harness.session_pool() as session:
        got = await categories_service.get(session, category_id=404)
        renamed = await categories_service.rename(
            session, category_id=404, name_ru="Лифты", name_en="Lifts"
        )
        hidden = await categories_service.set_hidden(session, category_id=404, hidden=True)
    results: list[Any] = [renamed.outcome, hidden.outcome]
    assert got is None
    assert results == [CategoryOutcome.NOT_FOUND, CategoryOutcome.NOT_FOUND]
    assert await names(harness) == before
