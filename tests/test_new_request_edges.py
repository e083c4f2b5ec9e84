"""The new-request dialog off the happy path: Back from "did you mean", files cleared,
an album without a caption at the description step, a file at the summary, the edit
menu closed, a Submit of an earlier dialog, and a category hidden before Submit."""

from __future__ import annotations

from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage
from sqlalchemy import select, update

from models import Attachment, Category, Request, RequestFollower
from tests.conftest import OTHER_TEACHER, TEACHER, Harness
from tests.staff import add_person, add_request, button_texts, count
from tests.test_new_request import (
    HEATING,
    button_data,
    fill_to_summary,
    requests_in_db,
    shown,
    step,
    submit,
    walk_to_step,
)
from tests.test_places_dialog import catalogue
from tests.test_triage_edges import ru
from tests.updates import album, message, photo, press
from utils.callbacks import DraftNav, DraftNavCb, DraftSubmitCb


async def test_back_from_did_you_mean_asks_to_type_the_place_again(harness: Harness) -> None:
    await catalogue(harness, "Кабинет 214", "Кабинет 215")
    await walk_to_step(harness, 2)
    await harness.feed(message(TEACHER, "Кабинет 21"))
    suggestions = step(harness)
    assert "📍 Кабинет 214" in button_texts(suggestions.reply_markup)

    await harness.feed(press(TEACHER, DraftNavCb(action=DraftNav.BACK), shown(suggestions)))

    again = step(harness)
    assert "Шаг 2/5" in again.text
    assert "📍 Кабинет 214" not in button_texts(again.reply_markup)  # no suggestions left
    assert "Вы написали" not in again.text
    await harness.feed(message(TEACHER, "Спортзал"))
    assert "Шаг 3/5" in step(harness).text  # typed anew, taken as it is


async def test_clearing_the_files_keeps_the_step_and_files_nothing(harness: Harness) -> None:
    await walk_to_step(harness, 4)
    for file_id in ("p-1", "p-2"):
        await harness.feed(photo(TEACHER, file_id))
        harness.pop(SendMessage)

    await harness.feed(press(TEACHER, DraftNavCb(action=DraftNav.CLEAR)))

    assert harness.pop(AnswerCallbackQuery).text == ru(harness)("draft-photos-cleared")
    cleared = harness.pop(EditMessageText)
    assert "Шаг 4/5" in cleared.text and "Прикреплено" not in cleared.text
    await harness.feed(press(TEACHER, DraftNavCb(action=DraftNav.SKIP)))
    priorities = step(harness)
    await harness.feed(press(TEACHER, button_data(priorities.reply_markup, "nrp:")))
    summary = step(harness)
    assert "Файлов" not in summary.text
    await submit(harness, summary, TEACHER)
    harness.pop_all()
    assert len(await requests_in_db(harness)) == 1
    assert await count(harness.session_pool, Attachment) == 0


async def test_an_album_without_a_caption_at_the_description_keeps_its_files(
    harness: Harness,
) -> None:
    await walk_to_step(harness, 3)

    await harness.feed(*album(TEACHER, ["a-1", "a-2", "a-3"]))

    hint = step(harness)  # one answer for the album, not three
    assert "Шаг 3/5" in hint.text
    harness.expect_nothing()
    await harness.feed(message(TEACHER, "Сломан стул у окна"))
    photos = step(harness)
    assert "Шаг 4/5" in photos.text and "Прикреплено: 3 из 10" in photos.text


async def test_a_file_at_the_summary_is_not_taken(harness: Harness) -> None:
    await fill_to_summary(harness)

    await harness.feed(photo(TEACHER, "late-1"))

    again = step(harness)
    assert ru(harness)("req-hint-use-buttons") in again.text
    assert "Проверьте заявку" in again.text and "Файлов" not in again.text
    await submit(harness, again, TEACHER)
    harness.pop_all()
    assert await count(harness.session_pool, Attachment) == 0


async def test_closing_the_edit_menu_returns_to_the_same_summary(harness: Harness) -> None:
    summary = await fill_to_summary(harness)
    await harness.feed(press(TEACHER, DraftNavCb(action=DraftNav.EDIT), shown(summary)))
    harness.pop(AnswerCallbackQuery)
    assert harness.pop(EditMessageText).text == ru(harness)("draft-edit-choose")

    await harness.feed(press(TEACHER, DraftNavCb(action=DraftNav.SUMMARY), shown(summary)))

    harness.pop(AnswerCallbackQuery)
    back = harness.pop(EditMessageText)
    assert back.text == summary.text


async def test_submit_of_an_earlier_dialog_shows_the_current_step(harness: Harness) -> None:
    """A Submit button left from a dialog that was cancelled, pressed in a new one."""
    summary = await fill_to_summary(harness)
    old = DraftSubmitCb(token="0" * 32)

    await harness.feed(press(TEACHER, old, shown(summary)))

    answer = harness.pop(AnswerCallbackQuery)
    assert answer.show_alert and answer.text == ru(harness)("draft-old-button")
    current = harness.pop(SendMessage)
    assert "Проверьте заявку" in current.text
    assert await requests_in_db(harness) == []


async def test_a_category_hidden_before_submit_asks_for_another(harness: Harness) -> None:
    summary = await fill_to_summary(harness)
    async with harness.session_pool() as session, session.begin():
        await session.execute(update(Category).where(Category.id == HEATING).values(is_hidden=True))

    answer = await submit(harness, summary, TEACHER)

    assert answer.show_alert and answer.text == ru(harness)("draft-category-gone")
    categories = harness.pop(EditMessageText)
    assert "шаг 1/5" in categories.text.lower() and "Отопление" not in button_texts(
        categories.reply_markup
    )
    assert await requests_in_db(harness) == []
    async with harness.session_pool() as session:
        assert await session.scalar(select(Request)) is None


async def test_typing_on_the_me_too_screen_shows_it_again_with_a_hint(harness: Harness) -> None:
    rooms = await catalogue(harness, "Кабинет 214")
    author = await add_person(harness.session_pool, OTHER_TEACHER)
    open_one = await add_request(harness.session_pool, author, location="Кабинет 214")
    async with harness.session_pool() as session, session.begin():
        await session.execute(
            update(Request).where(Request.id == open_one).values(place_id=rooms["Кабинет 214"].id)
        )
    await harness.feed(message(TEACHER, f"/start {rooms['Кабинет 214'].code}"))
    screen = harness.pop(SendMessage)
    assert f"#{open_one}" in screen.text

    await harness.feed(message(TEACHER, "У меня тоже течёт"))

    again = harness.pop(SendMessage)
    assert again.text.startswith(ru(harness)("req-hint-use-buttons") + "\n\n")
    assert "здесь уже есть открытые заявки" in again.text  # the same choice, not step 1
    assert f"#{open_one} · 🆕 Новая" in again.text
    assert button_texts(again.reply_markup) == button_texts(screen.reply_markup)
    assert await count(harness.session_pool, RequestFollower) == 0
