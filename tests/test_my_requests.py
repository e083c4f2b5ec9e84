"""My requests: the list, the card, and the author's actions, on PostgreSQL and Redis."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageText,
    SendMediaGroup,
    SendMessage,
    SendPhoto,
)
from sqlalchemy import select, update

from bot.services.notifications import Notifier
from bot.services.transitions import perform
from models import (
    Action,
    Attachment,
    AttachmentKind,
    Comment,
    OutboxMessage,
    Priority,
    Request,
    RequestStatus,
    Role,
    StatusChange,
    User,
    utcnow,
)
from tests.conftest import ADMIN, EXECUTOR, OTHER_TEACHER, TEACHER, Harness
from tests.test_new_request import buttons, shown
from tests.updates import Person, album, message, press, sticker
from utils.callbacks import (
    CancelConfirmCb,
    MyCommentCb,
    MyListCb,
    MyOpenCb,
    MyPhotosCb,
    OpenRequestCb,
    RateCb,
    RateSkipCb,
    RequestActionCb,
)


# --------------------------------------------------------------------------- helpers
async def register(harness: Harness, *people: Person) -> None:
    for person in people:
        await harness.feed(message(person, "/start"))
        harness.pop(SendMessage)
    async with harness.session_pool() as session, session.begin():
        await session.execute(
            update(User).where(User.telegram_id == EXECUTOR.id).values(role=Role.EXECUTOR)
        )


async def user_of(harness: Harness, person: Person) -> User:
    async with harness.session_pool() as session:
        user = await session.scalar(select(User).where(User.telegram_id == person.id))
    assert user is not None
    return user


async def make_request(
    harness: Harness,
    person: Person,
    *,
    location: str = "Каб. 12",
    created_ago: timedelta = timedelta(minutes=5),
    photos: int = 0,
) -> int:
    author = await user_of(harness, person)
    async with harness.session_pool() as session, session.begin():
        req = Request(
            author_id=author.id,
            category_id=2,
            location=location,
            description="Течёт кран",
            priority=Priority.NORMAL,
            created_at=utcnow() - created_ago,
            due_at=utcnow() + timedelta(days=1),
        )
        session.add(req)
        await session.flush()
        session.add(
            StatusChange(
                request_id=req.id,
                to_status=RequestStatus.NEW,
                actor_id=author.id,
                at=req.created_at,
            )
        )
        for i in range(photos):
            session.add(
                Attachment(
                    request_id=req.id,
                    kind=AttachmentKind.PHOTO,
                    file_id=f"req{req.id}-p{i}",
                    file_unique_id=f"u{req.id}-{i}",
                )
            )
    return req.id


def notifier(harness: Harness) -> Notifier:
    return Notifier(harness.catalogue, ZoneInfo("Europe/Moscow"))


async def act(harness: Harness, person: Person, request_id: int, action: Action) -> None:
    async with harness.session_pool() as session:
        result = await perform(
            session,
            notifier(harness),
            request_id=request_id,
            action=action,
            user=await user_of(harness, person),
        )
    assert result.ok, result


async def status_of(harness: Harness, request_id: int) -> RequestStatus:
    async with harness.session_pool() as session:
        req = await session.get(Request, request_id)
    assert req is not None
    return req.status


# ------------------------------------------------------------------------- the list
async def test_list_is_newest_first_with_keyset_pages(harness: Harness) -> None:
    await register(harness, TEACHER, OTHER_TEACHER)
    ids = [
        await make_request(
            harness, TEACHER, location=f"Каб. {i}", created_ago=timedelta(hours=30 - i)
        )
        for i in range(12)
    ]
    foreign = await make_request(harness, OTHER_TEACHER, location="Чужой кабинет")
    await harness.feed(message(TEACHER, "📋 Мои заявки"))
    first = harness.pop(SendMessage)
    assert "Мои заявки</b> (12)" in first.text
    lines = first.text.splitlines()[2:]
    assert len(lines) == 10
    assert lines[0] == "🆕 <b>#12</b> · Сантехника · Каб. 11 · 19 ч"
    assert lines[-1].startswith("🆕 <b>#3</b>")
    assert "Чужой" not in first.text and f"#{foreign}" not in first.text
    row_texts = [t for t, _ in buttons(first.reply_markup)]
    assert row_texts[:5] == ["🆕 #12", "🆕 #11", "🆕 #10", "🆕 #9", "🆕 #8"]
    assert row_texts[-2:] == ["стр. 1/2", "▶"]

    next_data = dict(buttons(first.reply_markup))["▶"]
    await harness.feed(press(TEACHER, next_data, shown(first)))
    harness.pop(AnswerCallbackQuery)
    second = harness.pop(EditMessageText)
    assert [line.split()[1] for line in second.text.splitlines()[2:]] == [
        "<b>#2</b>",
        "<b>#1</b>",
    ]
    assert "1 д" in second.text  # 30 hours ago
    assert [t for t, _ in buttons(second.reply_markup)][-2:] == ["◀", "стр. 2/2"]

    back_data = dict(buttons(second.reply_markup))["◀"]
    await harness.feed(press(TEACHER, back_data, shown(second)))
    harness.pop(AnswerCallbackQuery)
    again = harness.pop(EditMessageText)
    assert again.text == first.text
    assert ids[0] == 1


async def test_empty_list(harness: Harness) -> None:
    await harness.feed(message(TEACHER, "/my"))
    assert "пока нет заявок" in harness.pop(SendMessage).text


async def test_forged_cursor_shows_own_first_page(harness: Harness) -> None:
    await register(harness, TEACHER, OTHER_TEACHER)
    await make_request(harness, TEACHER)
    foreign = await make_request(harness, OTHER_TEACHER, location="Чужой кабинет")
    await harness.feed(press(TEACHER, MyListCb(page=2, cursor=foreign, older=True)))
    harness.pop(AnswerCallbackQuery)
    page = harness.pop(EditMessageText)
    assert "#1" in page.text and "Чужой" not in page.text


# ------------------------------------------------------------------------- the card
async def test_card_shows_everything_but_internal_notes(harness: Harness) -> None:
    await register(harness, TEACHER, EXECUTOR)
    rid = await make_request(harness, TEACHER, photos=3)
    await act(harness, EXECUTOR, rid, Action.TAKE)
    executor = await user_of(harness, EXECUTOR)
    async with harness.session_pool() as session, session.begin():
        session.add_all(
            [
                Comment(request_id=rid, author_id=executor.id, text="Завтра приду <b>утром</b>"),
                Comment(request_id=rid, author_id=executor.id, text="секрет", is_internal=True),
            ]
        )
    await harness.deliver_outbox()
    harness.pop(SendMessage)  # the author was told "in progress"

    await harness.feed(press(TEACHER, MyOpenCb(id=rid)))
    harness.pop(AnswerCallbackQuery)
    card = harness.pop(EditMessageText)
    assert "<b>Заявка #1</b>" in card.text
    for part in ("Сантехника", "Каб. 12", "Течёт кран", "🔧 В работе", "Иван Мастеров"):
        assert part in card.text
    assert "⏳ Срок:" in card.text and "📷 Фото: 3" in card.text
    assert "История" in card.text and "🆕 Новая, Мария Учителева" in card.text
    assert "Завтра приду &lt;b&gt;утром&lt;/b&gt;" in card.text
    assert "секрет" not in card.text
    texts = [t for t, _ in buttons(card.reply_markup)]
    assert texts == ["✖ Отменить заявку", "💬 Комментарий", "📷 Показать фото (3)", "◀ Мои заявки"]

    await harness.feed(press(TEACHER, MyPhotosCb(id=rid)))
    harness.pop(AnswerCallbackQuery)
    album_sent = harness.pop(SendMediaGroup)
    assert album_sent.chat_id == TEACHER.id and len(album_sent.media) == 3

    # By number, and from a notification's Open button.
    await harness.feed(message(TEACHER, "/my 1"))
    assert "<b>Заявка #1</b>" in harness.pop(SendMessage).text
    await harness.feed(message(TEACHER, "#1"))
    assert "<b>Заявка #1</b>" in harness.pop(SendMessage).text
    await harness.feed(press(TEACHER, OpenRequestCb(id=rid)))
    harness.pop(AnswerCallbackQuery)
    assert "<b>Заявка #1</b>" in harness.pop(SendMessage).text


async def test_someone_elses_request_does_not_exist(harness: Harness) -> None:
    await register(harness, TEACHER, OTHER_TEACHER)
    rid = await make_request(harness, TEACHER, photos=1)
    forged = [
        MyOpenCb(id=rid),
        OpenRequestCb(id=rid),
        MyPhotosCb(id=rid),
        MyCommentCb(id=rid),
        RequestActionCb(action=Action.CANCEL, id=rid),
        RequestActionCb(action=Action.CONFIRM, id=rid),
        RequestActionCb(action=Action.REOPEN, id=rid),
        CancelConfirmCb(id=rid, yes=True),
        RateCb(id=rid, stars=5),
        RateCb(id=rid, stars=0),
    ]
    for data in forged:
        await harness.feed(press(OTHER_TEACHER, data))
        answer = harness.pop(AnswerCallbackQuery)
        assert answer.show_alert and answer.text == "Request not found.", (data, answer.text)
    for text in ("/my 1", "#1"):
        await harness.feed(message(OTHER_TEACHER, text))
        assert harness.pop(SendMessage).text == "Request not found."
    async with harness.session_pool() as session:
        req = await session.get(Request, rid)
        assert req is not None and req.status is RequestStatus.NEW and req.rating is None
        assert (await session.scalars(select(Comment))).all() == []
        assert (await session.scalars(select(OutboxMessage))).all() == []
        assert len((await session.scalars(select(StatusChange))).all()) == 1
    assert await harness.dp.storage.get_state(_key(OTHER_TEACHER)) is None


# ------------------------------------------------------------------------- comments
async def test_comment_with_text_and_photos_reaches_the_staff(harness: Harness) -> None:
    await register(harness, TEACHER, ADMIN, EXECUTOR)
    rid = await make_request(harness, TEACHER)

    await harness.feed(press(TEACHER, MyCommentCb(id=rid)))
    harness.pop(AnswerCallbackQuery)
    prompt = harness.pop(SendMessage)
    assert "Напишите комментарий к заявке #1" in prompt.text
    await harness.feed(sticker(TEACHER))
    assert "Пришлите текст или фото" in harness.pop(SendMessage).text
    await harness.feed(message(TEACHER, "Стало хуже, вода на полу"))
    assert harness.pop(SendMessage).text == "💬 Комментарий к заявке #1 отправлен."
    # Nobody assigned: every admin hears it.
    await harness.deliver_outbox()
    told = harness.pop(SendMessage)
    assert told.chat_id == ADMIN.id and "Стало хуже, вода на полу" in told.text

    # Assigned: only the assignee hears; an album is one comment with all its photos.
    await act(harness, EXECUTOR, rid, Action.TAKE)
    await harness.deliver_outbox()
    harness.pop(SendMessage)  # the author: "in progress"
    await harness.feed(press(TEACHER, MyCommentCb(id=rid)))
    harness.pop(AnswerCallbackQuery)
    harness.pop(SendMessage)
    await harness.feed(*album(TEACHER, ["c1", "c2", "c3"], caption="Вот фото"))
    assert harness.pop(SendMessage).text == "💬 Комментарий к заявке #1 отправлен."
    harness.expect_nothing()
    await harness.deliver_outbox()
    note = harness.pop(SendMessage)
    assert note.chat_id == EXECUTOR.id and "Вот фото" in note.text
    assert [harness.pop(SendPhoto).photo for _ in range(3)] == ["c1", "c2", "c3"]
    async with harness.session_pool() as session:
        comments = (await session.scalars(select(Comment).order_by(Comment.id))).all()
        files = (await session.scalars(select(Attachment))).all()
    assert [c.text for c in comments] == ["Стало хуже, вода на полу", "Вот фото"]
    assert {f.comment_id for f in files} == {comments[1].id} and len(files) == 3
    # After the album, the next message is handled normally again.
    await harness.feed(message(TEACHER, "привет"))
    assert "/help" in harness.pop(SendMessage).text


async def test_comment_back_button_returns_to_the_card(harness: Harness) -> None:
    await register(harness, TEACHER)
    rid = await make_request(harness, TEACHER)
    await harness.feed(press(TEACHER, MyCommentCb(id=rid)))
    harness.pop(AnswerCallbackQuery)
    prompt = harness.pop(SendMessage)
    back = next(d for _, d in buttons(prompt.reply_markup))
    await harness.feed(press(TEACHER, back, shown(prompt)))
    harness.pop(AnswerCallbackQuery)
    assert "<b>Заявка #1</b>" in harness.pop(EditMessageText).text
    assert await harness.dp.storage.get_state(_key(TEACHER)) is None


# --------------------------------------------------------------------------- cancel
async def press_cancel(harness: Harness, person: Person, request_id: int) -> EditMessageText:
    """`person` presses Cancel on the request's card: the card, now asking to confirm."""
    await harness.feed(press(person, RequestActionCb(action=Action.CANCEL, id=request_id)))
    harness.pop(AnswerCallbackQuery)
    return harness.pop(EditMessageText)


async def test_cancel_asks_first(harness: Harness) -> None:
    await register(harness, TEACHER, ADMIN)
    rid = await make_request(harness, TEACHER)
    ask = await press_cancel(harness, TEACHER, rid)
    assert "Отменить заявку #1?" in ask.text
    assert [t for t, _ in buttons(ask.reply_markup)] == ["✖ Да, отменить", "◀ Нет, оставить"]
    assert await status_of(harness, rid) is RequestStatus.NEW

    await harness.feed(press(TEACHER, CancelConfirmCb(id=rid, yes=False)))
    harness.pop(AnswerCallbackQuery)
    kept = harness.pop(EditMessageText)
    assert "Отменить заявку #1?" not in kept.text and "🆕 Новая" in kept.text
    assert await status_of(harness, rid) is RequestStatus.NEW

    await press_cancel(harness, TEACHER, rid)
    await harness.feed(press(TEACHER, CancelConfirmCb(id=rid, yes=True)))
    assert harness.pop(AnswerCallbackQuery).text == "Заявка #1 отменена."
    done = harness.pop(EditMessageText)
    assert "✖ Отменена" in done.text
    assert "✖ Отменить заявку" not in [t for t, _ in buttons(done.reply_markup)]
    assert await status_of(harness, rid) is RequestStatus.CANCELLED
    # Pressing Yes again changes nothing.
    await harness.feed(press(TEACHER, CancelConfirmCb(id=rid, yes=True)))
    assert "уже изменилась" in (harness.pop(AnswerCallbackQuery).text or "")
    harness.pop(EditMessageText)
    async with harness.session_pool() as session:
        changes = (await session.scalars(select(StatusChange).order_by(StatusChange.id))).all()
    assert [c.to_status for c in changes] == [RequestStatus.NEW, RequestStatus.CANCELLED]


async def test_admin_cancels_from_the_staff_card(harness: Harness) -> None:
    await register(harness, TEACHER, ADMIN)
    rid = await make_request(harness, TEACHER)
    ask = await press_cancel(harness, ADMIN, rid)
    assert "Отменить заявку #1?" in ask.text and "Автор: Мария Учителева" in ask.text
    await harness.feed(press(ADMIN, CancelConfirmCb(id=rid, yes=True)))
    harness.pop(AnswerCallbackQuery)
    harness.pop(EditMessageText)
    assert await status_of(harness, rid) is RequestStatus.CANCELLED
    await harness.deliver_outbox()
    told = harness.pop(SendMessage)
    assert told.chat_id == TEACHER.id and "✖ Отменена" in told.text and "Анна Админова" in told.text


async def test_executor_cannot_cancel(harness: Harness) -> None:
    await register(harness, TEACHER, EXECUTOR)
    rid = await make_request(harness, TEACHER)
    await act(harness, EXECUTOR, rid, Action.TAKE)
    await harness.deliver_outbox()
    harness.pop(SendMessage)
    await harness.feed(press(EXECUTOR, RequestActionCb(action=Action.CANCEL, id=rid)))
    assert "нельзя" in (harness.pop(AnswerCallbackQuery).text or "")
    harness.pop(EditMessageText)  # the card shown as it is
    assert await status_of(harness, rid) is RequestStatus.IN_PROGRESS


async def test_author_buttons_from_someone_not_on_the_request_show_no_card(
    harness: Harness,
) -> None:
    """An executor the request is not assigned to (someone else took it) gets a refusal,
    never the card: executors see new requests to take and their own, nothing else."""
    await register(harness, TEACHER, EXECUTOR, ADMIN)
    rid = await make_request(harness, TEACHER)
    await act(harness, ADMIN, rid, Action.TAKE)
    for action in (Action.CONFIRM, Action.REOPEN):
        await harness.feed(press(EXECUTOR, RequestActionCb(action=action, id=rid)))
        assert harness.pop(AnswerCallbackQuery).show_alert
        harness.expect_nothing()  # no card: not theirs to see
    assert await status_of(harness, rid) is RequestStatus.IN_PROGRESS


# --------------------------------------------------------------- Fixed / Not fixed
async def finished_request(harness: Harness) -> tuple[int, SendMessage]:
    await register(harness, TEACHER, EXECUTOR)
    rid = await make_request(harness, TEACHER)
    await act(harness, EXECUTOR, rid, Action.TAKE)
    await act(harness, EXECUTOR, rid, Action.FINISH)
    await harness.deliver_outbox()
    harness.pop(SendMessage)  # in progress
    done = harness.pop(SendMessage)
    assert "✅ Выполнена" in done.text and "Иван Мастеров" in done.text
    return rid, done


async def test_fixed_closes_and_asks_for_a_rating(harness: Harness) -> None:
    rid, done = await finished_request(harness)
    assert [t for t, _ in buttons(done.reply_markup)][:2] == ["✅ Исправлено", "↩ Не исправлено"]
    confirm = dict(buttons(done.reply_markup))["✅ Исправлено"]
    await harness.feed(press(TEACHER, confirm, shown(done)))
    assert harness.pop(AnswerCallbackQuery).text == "✅ Спасибо! Заявка #1 закрыта."
    assert "🔒 Закрыта" in harness.pop(EditMessageText).text
    ask = harness.pop(SendMessage)
    assert "Оцените от 1 до 5" in ask.text
    assert len(buttons(ask.reply_markup)) == 5
    assert await status_of(harness, rid) is RequestStatus.CLOSED
    await harness.deliver_outbox()
    told = harness.pop(SendMessage)  # the assignee hears the author closed it
    assert told.chat_id == EXECUTOR.id and "🔒 Закрыта" in told.text

    await harness.feed(press(TEACHER, RateCb(id=rid, stars=4), shown(ask)))
    harness.pop(AnswerCallbackQuery)
    thanks = harness.pop(EditMessageText)
    assert "Спасибо за оценку ⭐⭐⭐⭐" in thanks.text and "Пропустить" in str(thanks.reply_markup)
    await harness.feed(sticker(TEACHER))
    assert "Пришлите текст" in harness.pop(SendMessage).text
    await harness.feed(message(TEACHER, "Быстро и аккуратно"))
    assert harness.pop(SendMessage).text == "Спасибо, комментарий сохранён."
    # Only once.
    await harness.feed(press(TEACHER, RateCb(id=rid, stars=1)))
    assert "нельзя оценить" in (harness.pop(AnswerCallbackQuery).text or "")
    async with harness.session_pool() as session:
        req = await session.get(Request, rid)
    assert req is not None and (req.rating, req.rating_comment) == (4, "Быстро и аккуратно")
    # The card shows the rating and offers no second one.
    await harness.feed(press(TEACHER, MyOpenCb(id=rid)))
    harness.pop(AnswerCallbackQuery)
    card = harness.pop(EditMessageText)
    assert "Оценка: ⭐⭐⭐⭐" in card.text and "Оценить" not in str(card.reply_markup)


async def test_rating_comment_can_be_skipped_and_rating_needs_closed(harness: Harness) -> None:
    rid, _done = await finished_request(harness)
    await harness.feed(press(TEACHER, RateCb(id=rid, stars=5)))
    assert "нельзя оценить" in (harness.pop(AnswerCallbackQuery).text or "")  # not closed yet
    await harness.feed(press(TEACHER, RequestActionCb(action=Action.CONFIRM, id=rid)))
    harness.pop(AnswerCallbackQuery)
    harness.pop(EditMessageText)
    harness.pop(SendMessage)
    await harness.deliver_outbox()
    harness.pop(SendMessage)
    await harness.feed(press(TEACHER, RateCb(id=rid, stars=5)))
    harness.pop(AnswerCallbackQuery)
    harness.pop(EditMessageText)
    await harness.feed(press(TEACHER, RateSkipCb(id=rid)))
    harness.pop(AnswerCallbackQuery)
    harness.pop(EditMessageText)
    assert await harness.dp.storage.get_state(_key(TEACHER)) is None
    async with harness.session_pool() as session:
        req = await session.get(Request, rid)
    assert req is not None and (req.rating, req.rating_comment) == (5, None)


async def test_not_fixed_asks_a_reason_and_returns_to_work(harness: Harness) -> None:
    rid, done = await finished_request(harness)
    reopen = dict(buttons(done.reply_markup))["↩ Не исправлено"]
    await harness.feed(press(TEACHER, reopen, shown(done)))
    harness.pop(AnswerCallbackQuery)
    prompt = harness.pop(SendMessage)
    assert "Что осталось не так по заявке #1?" in prompt.text
    await harness.feed(message(TEACHER, "ну"))
    assert "Слишком коротко" in harness.pop(SendMessage).text
    assert await status_of(harness, rid) is RequestStatus.DONE
    await harness.feed(message(TEACHER, "Всё ещё капает"))
    back = harness.pop(SendMessage)
    assert "возвращена в работу" in back.text and "🔧 В работе" in back.text
    assert await status_of(harness, rid) is RequestStatus.IN_PROGRESS
    await harness.deliver_outbox()
    told = harness.pop(SendMessage)
    assert told.chat_id == EXECUTOR.id
    assert "снова в работе" in told.text and "Всё ещё капает" in told.text
    async with harness.session_pool() as session:
        last = await session.scalar(select(StatusChange).order_by(StatusChange.id.desc()))
    assert last is not None and (last.to_status, last.reason) == (
        RequestStatus.IN_PROGRESS,
        "Всё ещё капает",
    )


async def test_author_told_of_every_status_change(harness: Harness) -> None:
    await register(harness, TEACHER, ADMIN, EXECUTOR)
    rid = await make_request(harness, TEACHER)
    await act(harness, EXECUTOR, rid, Action.TAKE)
    async with harness.session_pool() as session:
        result = await perform(
            session,
            notifier(harness),
            request_id=rid,
            action=Action.HOLD,
            user=await user_of(harness, EXECUTOR),
            reason="Ждём запчасть",
        )
    assert result.ok
    await harness.deliver_outbox()
    first, second = harness.pop(SendMessage), harness.pop(SendMessage)
    assert first.chat_id == second.chat_id == TEACHER.id
    assert "🔧 В работе" in first.text and "Иван Мастеров" in first.text
    assert "⏸ Приостановлена" in second.text and "Причина: Ждём запчасть" in second.text


def _key(person: Person) -> object:
    from aiogram.fsm.storage.base import StorageKey

    from tests.recording_session import BOT_ID

    return StorageKey(bot_id=BOT_ID, chat_id=person.id, user_id=person.id)


async def test_admin_reopens_at_once(harness: Harness) -> None:
    rid, _done = await finished_request(harness)
    await register(harness, ADMIN)
    await harness.feed(press(ADMIN, RequestActionCb(action=Action.REOPEN, id=rid)))
    assert harness.pop(AnswerCallbackQuery).text == "↩ Заявка #1 возвращена в работу."
    card = harness.pop(EditMessageText)  # the staff card, as it is now
    assert "🔧 В работе" in card.text and "Автор: Мария Учителева" in card.text
    assert await status_of(harness, rid) is RequestStatus.IN_PROGRESS
    await harness.deliver_outbox()
    # Two chats: the sender does not order messages across chats.
    sent = {m.chat_id: m.text for m in (harness.pop(SendMessage), harness.pop(SendMessage))}
    assert "Анна Админова" in sent[TEACHER.id]
    assert "снова в работе" in sent[EXECUTOR.id]  # the executor learns the work came back


async def test_a_message_that_cannot_be_edited_gets_a_new_one(harness: Harness) -> None:
    from aiogram.exceptions import TelegramBadRequest
    from aiogram.methods import EditMessageText as Edit

    await register(harness, TEACHER)
    rid = await make_request(harness, TEACHER)
    harness.api.fail_next(Edit, TelegramBadRequest(Edit(text="x"), "message can't be edited"))
    await harness.feed(press(TEACHER, MyOpenCb(id=rid)))
    harness.pop(AnswerCallbackQuery)
    assert "<b>Заявка #1</b>" in harness.pop(SendMessage).text
