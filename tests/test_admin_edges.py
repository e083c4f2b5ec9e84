"""The admin panel and /outbox off the happy path: Back to the panel, buttons on messages
Telegram no longer shows, search input that is no query, a results page whose search
is gone, and a refresh that changes nothing."""

from __future__ import annotations

from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageReplyMarkup,
    EditMessageText,
    SendMessage,
)
from sqlalchemy import select

from bot.services import outbox
from models import OutboxMessage, OutboxStatus, Priority, Role
from models.queues import FilterField, Queue
from tests.conftest import ADMIN, TEACHER, Harness
from tests.staff import add_person, add_request, button_data, button_texts, fsm_state, on_card
from tests.test_triage_edges import on_an_old_message, ru
from tests.updates import Person, message, press, sticker
from utils.callbacks import (
    AdminMenuCb,
    OutboxCb,
    QueueCb,
    QueueFilterCb,
    SearchPageCb,
    SearchStartCb,
)

PANEL = 321


async def searching(harness: Harness) -> None:
    await add_person(harness.session_pool, ADMIN, Role.ADMIN)
    await harness.feed(press(ADMIN, SearchStartCb()))
    harness.pop(AnswerCallbackQuery)
    assert harness.pop(SendMessage).text == ru(harness)("search-ask")


# -------------------------------------------------------------------------- panel
async def test_back_to_the_panel_redraws_it_with_fresh_counts(harness: Harness) -> None:
    await add_person(harness.session_pool, ADMIN, Role.ADMIN)
    author = await add_person(harness.session_pool, TEACHER)
    for _ in range(3):
        await add_request(harness.session_pool, author)

    await harness.feed(press(ADMIN, AdminMenuCb(), on_card(ADMIN, PANEL)))

    answer = harness.pop(AnswerCallbackQuery)
    assert answer.text is None  # no "refreshed" toast for Back
    panel = harness.pop(EditMessageText)
    assert panel.message_id == PANEL and panel.text == ru(harness)("panel-title")
    assert QueueCb(q=Queue.NEW).pack() in button_data(panel.reply_markup)
    assert any("(3)" in text for text in button_texts(panel.reply_markup))


async def test_a_queue_button_on_a_message_too_old_to_edit(harness: Harness) -> None:
    await add_person(harness.session_pool, ADMIN, Role.ADMIN)

    await harness.feed(on_an_old_message(press(ADMIN, QueueCb(q=Queue.NEW))))

    assert harness.pop(AnswerCallbackQuery).text is None
    harness.expect_nothing()  # nothing to edit, and no new message either


async def test_the_priority_filter_marks_the_chosen_one(harness: Harness) -> None:
    await add_person(harness.session_pool, ADMIN, Role.ADMIN)
    shown_now = QueueFilterCb(q=Queue.ALL, c=2, p=Priority.HIGH, f=FilterField.PRIORITY)

    await harness.feed(press(ADMIN, shown_now, on_card(ADMIN, PANEL)))

    harness.pop(AnswerCallbackQuery)
    options = harness.pop(EditMessageReplyMarkup).reply_markup
    assert button_texts(options) == [
        "Любая",
        "Низкая",
        "Обычная",
        "✓ Высокая",
        "Срочно",
        "◀ Назад",
    ]
    # Each keeps the category filter; Back returns to the queue as it was.
    assert button_data(options)[1] == QueueCb(q=Queue.ALL, c=2, p=Priority.LOW).pack()
    assert button_data(options)[-1] == QueueCb(q=Queue.ALL, c=2, p=Priority.HIGH).pack()


async def test_the_assignee_filter_pages_through_the_staff(harness: Harness) -> None:
    admin = await add_person(harness.session_pool, ADMIN, Role.ADMIN)
    staff = [admin] + [
        await add_person(
            harness.session_pool, Person(id=910_000 + i, first_name=f"Мастер{i}"), Role.EXECUTOR
        )
        for i in range(9)
    ]
    first = QueueFilterCb(q=Queue.NEW, f=FilterField.ASSIGNEE)
    await harness.feed(press(ADMIN, first, on_card(ADMIN, PANEL)))
    harness.pop(AnswerCallbackQuery)
    page1 = harness.pop(EditMessageReplyMarkup).reply_markup
    texts = button_texts(page1)
    assert texts[:2] == ["✓ Любая", "Не назначен"] and texts[-2:] == ["Дальше ▶", "◀ Назад"]
    assert len(texts) == 2 + 8 + 2
    nxt = QueueFilterCb.unpack(button_data(page1)[-2])
    assert nxt.after == staff[7].id

    await harness.feed(press(ADMIN, nxt, on_card(ADMIN, PANEL)))

    harness.pop(AnswerCallbackQuery)
    page2 = harness.pop(EditMessageReplyMarkup).reply_markup
    assert button_texts(page2) == ["🛠 Мастер7", "🛠 Мастер8", "◀ Назад"]  # no "any" again
    assert button_data(page2)[0] == QueueCb(q=Queue.NEW, a=staff[8].id).pack()


# ------------------------------------------------------------------------- search
async def test_a_search_too_long_is_refused_and_asked_again(harness: Harness) -> None:
    await searching(harness)

    await harness.feed(message(ADMIN, "кран " * 21))

    assert harness.pop(SendMessage).text == ru(harness)("search-too-long", limit=100)
    assert await fsm_state(harness, ADMIN) is not None  # still searching


async def test_punctuation_or_a_sticker_is_no_query(harness: Harness) -> None:
    await searching(harness)

    for nothing in (message(ADMIN, "?!.. —"), sticker(ADMIN)):
        await harness.feed(nothing)
        again = harness.pop(SendMessage)
        assert again.text == ru(harness)("search-ask")
        assert button_texts(again.reply_markup) == ["✖ Отмена"]
    assert await fsm_state(harness, ADMIN) is not None


async def test_a_results_page_after_the_search_is_gone_is_outdated(harness: Harness) -> None:
    """The next-page button of results whose query is no longer in the dialog
    (another search was cancelled, or Redis was flushed)."""
    await add_person(harness.session_pool, ADMIN, Role.ADMIN)

    await harness.feed(press(ADMIN, SearchPageCb(after=5), on_card(ADMIN, PANEL)))

    answer = harness.pop(AnswerCallbackQuery)
    assert answer.show_alert and answer.text == ru(harness)("button-outdated")


# ------------------------------------------------------------------------- outbox
async def test_outbox_refresh_shows_the_counts_as_they_are(harness: Harness) -> None:
    await add_person(harness.session_pool, ADMIN, Role.ADMIN)
    async with harness.session_pool() as session, session.begin():
        outbox.enqueue(session, SendMessage(chat_id=TEACHER.id, text="ждёт"))

    await harness.feed(press(ADMIN, OutboxCb(), on_card(ADMIN, 31)))

    assert harness.pop(AnswerCallbackQuery).text is None  # a refresh, not a requeue
    view = harness.pop(EditMessageText)
    assert ru(harness)("outbox-counts", pending=1, sent=0, failed=0) in view.text
    assert ru(harness)("outbox-requeue") not in button_texts(view.reply_markup)
    async with harness.session_pool() as session:
        statuses = (await session.scalars(select(OutboxMessage.status))).all()
    assert statuses == [OutboxStatus.PENDING]  # looking changes nothing


async def test_outbox_refresh_that_changes_nothing_is_fine(harness: Harness) -> None:
    await add_person(harness.session_pool, ADMIN, Role.ADMIN)
    harness.api.fail_next(
        EditMessageText,
        TelegramBadRequest(EditMessageText(text="x"), "Bad Request: message is not modified"),
    )

    await harness.feed(press(ADMIN, OutboxCb(), on_card(ADMIN, 31)))

    assert harness.pop(AnswerCallbackQuery).text is None
    harness.expect_nothing()  # no error reply, no second message


async def test_outbox_refresh_on_a_message_too_old_to_edit(harness: Harness) -> None:
    await add_person(harness.session_pool, ADMIN, Role.ADMIN)

    await harness.feed(on_an_old_message(press(ADMIN, OutboxCb(), on_card(ADMIN, 31))))

    assert harness.pop(AnswerCallbackQuery).text is None
    harness.expect_nothing()
