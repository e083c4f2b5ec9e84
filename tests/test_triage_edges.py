"""Staff work off the happy path: the tasks list refreshed, buttons on old messages, a
reason or a done report for a request that changed meanwhile, reports without photos,
and comments that are too long, empty or not text."""

from __future__ import annotations

from typing import Any

import pytest
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageReplyMarkup,
    EditMessageText,
    SendDocument,
    SendMessage,
    SendPhoto,
)
from aiogram.types import InaccessibleMessage, Update
from sqlalchemy import select

from bot.services import triage
from bot.services.notifications import Notifier
from bot.services.transitions import Outcome, perform
from models import (
    Action,
    Attachment,
    AttachmentKind,
    Comment,
    OutboxMessage,
    RequestStatus,
    Role,
    User,
)
from tests.conftest import ADMIN, EXECUTOR, TEACHER, Harness
from tests.staff import (
    add_person,
    add_request,
    button_data,
    count,
    fsm_state,
    history,
    on_card,
    request_state,
)
from tests.updates import Person, message, photo, press, sticker
from utils.callbacks import (
    CardKeyboardCb,
    CommentDeleteCb,
    CommentDeleteListCb,
    FinishSubmitCb,
    OpenRequestCb,
    PhotosCb,
    RequestActionCb,
    StaffCommentCb,
    TasksCb,
)
from utils.i18n import Translator

EXECUTOR2 = Person(id=900_012, first_name="Сергей", last_name="Слесарев", username="plumber")
CARD = 9001  # the message id of the card the staff member works on
ZERO_WIDTH = "\u200b \u2060\ufeff"  # looks empty in every client


def ru(harness: Harness) -> Translator:
    return harness.catalogue.translator("ru")


def on_an_old_message(update: Update) -> Update:
    """The same press on a message older than 48 hours: Telegram no longer shows it."""
    query = update.callback_query
    assert query is not None and query.message is not None
    old = InaccessibleMessage(chat=query.message.chat, message_id=query.message.message_id)
    return update.model_copy(update={"callback_query": query.model_copy(update={"message": old})})


async def change(harness: Harness, user: User, rid: int, action: Action, **more: Any) -> None:
    """Someone else acts on the request (another chat, the panel)."""
    async with harness.session_pool() as session:
        result = await perform(
            session,
            Notifier(harness.catalogue, harness.settings.tz),
            request_id=rid,
            action=action,
            user=user,
            **more,
        )
    assert result.ok, result


async def staffed(harness: Harness) -> dict[str, User]:
    pool = harness.session_pool
    return {
        "author": await add_person(pool, TEACHER),
        "admin": await add_person(pool, ADMIN, Role.ADMIN),
        "executor": await add_person(pool, EXECUTOR, Role.EXECUTOR),
    }


@pytest.fixture
async def people(harness: Harness) -> dict[str, User]:
    return await staffed(harness)


@pytest.fixture
async def rid(harness: Harness, people: dict[str, User]) -> int:
    """A request in progress, assigned to EXECUTOR."""
    return await task_of(harness, people)


async def task_of(harness: Harness, people: dict[str, User], **fields: Any) -> int:
    return await add_request(
        harness.session_pool,
        people["author"],
        status=RequestStatus.IN_PROGRESS,
        assignee=people["executor"],
        **fields,
    )


# ---------------------------------------------------------------------- the tasks
async def test_refreshing_the_tasks_shows_what_was_assigned_since(
    harness: Harness, people: dict[str, User]
) -> None:
    first = await task_of(harness, people)
    await harness.feed(message(EXECUTOR, "/tasks"))
    listed = harness.pop(SendMessage)
    assert OpenRequestCb(id=first).pack() in button_data(listed.reply_markup)
    second = await task_of(harness, people, description="Не горит лампа")

    await harness.feed(press(EXECUTOR, TasksCb(), on_card(EXECUTOR, 4400)))

    harness.pop(AnswerCallbackQuery)
    refreshed = harness.pop(EditMessageText)
    assert refreshed.message_id == 4400 and "🔧 В работе</b> (2)" in refreshed.text
    assert button_data(refreshed.reply_markup) == [
        OpenRequestCb(id=first).pack(),
        OpenRequestCb(id=second).pack(),
        TasksCb().pack(),
    ]


async def test_back_on_a_card_too_old_to_edit_is_only_answered(harness: Harness, rid: int) -> None:

    await harness.feed(on_an_old_message(press(EXECUTOR, CardKeyboardCb(id=rid))))

    answer = harness.pop(AnswerCallbackQuery)
    assert not answer.show_alert and answer.text is None
    harness.expect_nothing()  # nothing to redraw: the client no longer has the message


# ------------------------------------------------------------------------ photos
async def test_one_photo_is_a_photo_and_a_pdf_a_document(harness: Harness, rid: int) -> None:
    async with harness.session_pool() as session, session.begin():
        session.add_all(
            [
                Attachment(
                    request_id=rid, kind=AttachmentKind.PHOTO, file_id="p1", file_unique_id="p1"
                ),
                Attachment(
                    request_id=rid, kind=AttachmentKind.DOCUMENT, file_id="d1", file_unique_id="d1"
                ),
            ]
        )

    await harness.feed(press(EXECUTOR, PhotosCb(id=rid)))

    harness.pop(AnswerCallbackQuery)
    sent = harness.pop(SendPhoto)
    assert (sent.chat_id, sent.photo) == (EXECUTOR.id, "p1")  # not an album of one
    assert harness.pop(SendDocument).document == "d1"


async def test_photos_of_a_request_without_files_is_an_alert(harness: Harness, rid: int) -> None:

    await harness.feed(press(EXECUTOR, PhotosCb(id=rid)))

    answer = harness.pop(AnswerCallbackQuery)
    assert answer.show_alert and answer.text == ru(harness)("card-no-photos")


# ------------------------------------------------------------------------ reasons
async def test_hold_reason_after_the_request_went_to_someone_else(
    harness: Harness, people: dict[str, User], rid: int
) -> None:
    other = await add_person(harness.session_pool, EXECUTOR2, Role.EXECUTOR)
    await harness.feed(
        press(EXECUTOR, RequestActionCb(action=Action.HOLD, id=rid), on_card(EXECUTOR, CARD))
    )
    harness.pop(AnswerCallbackQuery)
    harness.pop(SendMessage)  # "why on hold?"
    await change(harness, people["admin"], rid, Action.ASSIGN, assignee_id=other.id)

    await harness.feed(message(EXECUTOR, "Нет прокладок"))

    # An executor sees only their own tasks: for them the request is gone.
    assert harness.pop(SendMessage).text == ru(harness)("triage-not-found")
    harness.expect_nothing()  # the card is not redrawn for someone who may not see it
    assert await fsm_state(harness, EXECUTOR) is None
    assert await request_state(harness.session_pool, rid) == (RequestStatus.IN_PROGRESS, other.id)
    assert [h[1] for h in await history(harness.session_pool, rid)] == [RequestStatus.IN_PROGRESS]


async def test_an_invisible_hold_reason_is_asked_again(
    harness: Harness, people: dict[str, User], rid: int
) -> None:
    await harness.feed(
        press(EXECUTOR, RequestActionCb(action=Action.HOLD, id=rid), on_card(EXECUTOR, CARD))
    )
    harness.pop(AnswerCallbackQuery)
    harness.pop(SendMessage)

    await harness.feed(message(EXECUTOR, ZERO_WIDTH))

    assert harness.pop(SendMessage).text == ru(harness)("reason-invalid", limit=500)
    assert await fsm_state(harness, EXECUTOR) is not None  # the same step, not a refusal
    assert await history(harness.session_pool, rid) == []
    # Whoever calls the service (the panel too): no reason is no reason.
    async with harness.session_pool() as session:
        result = await perform(
            session,
            Notifier(harness.catalogue, harness.settings.tz),
            request_id=rid,
            action=Action.HOLD,
            user=people["executor"],
            reason=ZERO_WIDTH,
        )
    assert result.outcome is Outcome.REASON_REQUIRED
    assert (await request_state(harness.session_pool, rid))[0] is RequestStatus.IN_PROGRESS


# ------------------------------------------------------------------ the done report
async def start_finish(harness: Harness, rid: int, person: Person = EXECUTOR) -> None:
    await harness.feed(
        press(person, RequestActionCb(action=Action.FINISH, id=rid), on_card(person, CARD))
    )
    harness.pop(AnswerCallbackQuery)
    assert "Завершение заявки" in harness.pop(SendMessage).text


async def test_done_without_photos_or_comment_saves_no_report(
    harness: Harness, people: dict[str, User], rid: int
) -> None:
    await start_finish(harness, rid)

    await harness.feed(press(EXECUTOR, FinishSubmitCb(id=rid)))

    harness.pop(AnswerCallbackQuery)
    assert "Фото «после»: 0" in harness.pop(EditMessageText).text
    assert await request_state(harness.session_pool, rid) == (
        RequestStatus.DONE,
        people["executor"].id,
    )
    assert await count(harness.session_pool, Comment) == 0
    await harness.deliver_outbox()
    question = harness.pop(SendMessage)  # only the "Fixed / Not fixed" question
    assert question.chat_id == TEACHER.id and "Выполнена" in question.text
    assert "Исполнитель:" not in question.text  # no separate report was queued


async def test_done_with_a_comment_only_reaches_the_author_as_text(
    harness: Harness, rid: int
) -> None:
    await start_finish(harness, rid)
    await harness.feed(message(EXECUTOR, "Заменил прокладку"))
    harness.pop(SendMessage)

    await harness.feed(press(EXECUTOR, FinishSubmitCb(id=rid)))

    harness.pop(AnswerCallbackQuery)
    harness.pop(EditMessageText)
    await harness.deliver_outbox()
    report = harness.pop(SendMessage)
    assert report.chat_id == TEACHER.id
    assert report.text == (
        ru(harness)("notify-result", number=rid, executor="Иван Мастеров")
        + "\n"
        + ru(harness)("notify-result-comment", text="Заменил прокладку")
    )
    assert "Выполнена" in harness.pop(SendMessage).text  # then the question


async def test_done_report_of_ones_own_request_is_not_sent_to_oneself(
    harness: Harness, people: dict[str, User]
) -> None:
    """An admin files a request and fixes it: the report is saved, nobody is told it."""
    rid = await add_request(
        harness.session_pool,
        people["admin"],
        status=RequestStatus.IN_PROGRESS,
        assignee=people["admin"],
    )
    await start_finish(harness, rid, ADMIN)
    await harness.feed(message(ADMIN, "Сам починил"))
    harness.pop(SendMessage)

    await harness.feed(press(ADMIN, FinishSubmitCb(id=rid)))

    harness.pop(AnswerCallbackQuery)
    harness.pop(EditMessageText)
    async with harness.session_pool() as session:
        texts = (await session.scalars(select(Comment.text))).all()
        queued = (await session.scalars(select(OutboxMessage.method))).all()
    assert texts == ["Сам починил"]
    assert "Сам починил" not in str(queued)


async def test_done_report_limits_and_what_it_accepts(harness: Harness, rid: int) -> None:
    await start_finish(harness, rid)

    await harness.feed(message(EXECUTOR, "ы" * 901))
    assert harness.pop(SendMessage).text == ru(harness)("finish-comment-too-long", limit=900)
    await harness.feed(message(EXECUTOR, ZERO_WIDTH))
    assert "Комментарий: нет" in harness.pop(SendMessage).text
    await harness.feed(sticker(EXECUTOR))
    other = harness.pop(SendMessage)
    assert other.text == ru(harness)("finish-only-photos")
    assert button_data(other.reply_markup)[0] == FinishSubmitCb(id=rid).pack()
    # A caption is the comment when there is none yet.
    await harness.feed(photo(EXECUTOR, "after-0", caption="  Поменял кран  "))
    assert "Комментарий: есть" in harness.pop(EditMessageText).text
    for i in range(1, 10):
        await harness.feed(photo(EXECUTOR, f"after-{i}"))
        assert f"Фото: {i + 1}" in harness.pop(EditMessageText).text
    await harness.feed(photo(EXECUTOR, "after-10"))
    assert harness.pop(SendMessage).text == ru(harness)("finish-too-many", limit=10)

    await harness.feed(press(EXECUTOR, FinishSubmitCb(id=rid)))
    harness.pop(AnswerCallbackQuery)
    assert "Фото «после»: 10" in harness.pop(EditMessageText).text
    async with harness.session_pool() as session:
        report = await session.scalar(select(Comment))
        files = (await session.scalars(select(Attachment.file_id).order_by(Attachment.id))).all()
    assert report is not None and report.text == "Поменял кран"
    assert files == [f"after-{i}" for i in range(10)]
    await harness.deliver_outbox()
    harness.pop_all()  # the album and the question; their shape is tested in test_triage


async def test_submit_of_another_or_a_finished_report_is_outdated(
    harness: Harness, people: dict[str, User], rid: int
) -> None:
    other = await task_of(harness, people)
    await start_finish(harness, rid)

    await harness.feed(press(EXECUTOR, FinishSubmitCb(id=other)))  # an older prompt's button

    answer = harness.pop(AnswerCallbackQuery)
    assert answer.show_alert and answer.text == ru(harness)("button-outdated")
    for request in (rid, other):
        assert (await request_state(harness.session_pool, request))[0] is RequestStatus.IN_PROGRESS


async def test_submit_after_the_request_was_put_on_hold_meanwhile(
    harness: Harness, people: dict[str, User], rid: int
) -> None:
    await start_finish(harness, rid)
    await harness.feed(photo(EXECUTOR, "after-1"))
    harness.pop(EditMessageText)
    await change(harness, people["admin"], rid, Action.HOLD, reason="Ждём смету")

    await harness.feed(press(EXECUTOR, FinishSubmitCb(id=rid), on_card(EXECUTOR, 9002)))

    answer = harness.pop(AnswerCallbackQuery)
    assert answer.show_alert
    assert answer.text == f"Кнопка устарела: заявка #{rid} сейчас «⏸ Приостановлена»."
    gone = harness.pop(EditMessageReplyMarkup)  # the prompt loses its Submit button
    assert gone.message_id == 9002 and gone.reply_markup is None
    assert await fsm_state(harness, EXECUTOR) is None
    assert (await request_state(harness.session_pool, rid))[0] is RequestStatus.ON_HOLD
    assert await count(harness.session_pool, Attachment) == 0  # the report was not saved


# ------------------------------------------------------------------ staff comments
async def rude_comment(harness: Harness, rid: int, author: User) -> Comment:
    async with harness.session_pool() as session, session.begin():
        comment = Comment(request_id=rid, author_id=author.id, text="Грубость")
        session.add(comment)
    return comment


async def open_comment(harness: Harness, rid: int, person: Person = EXECUTOR) -> None:
    await harness.feed(press(person, StaffCommentCb(id=rid)))
    harness.pop(AnswerCallbackQuery)
    assert "Напишите комментарий" in harness.pop(SendMessage).text


async def test_staff_comment_must_be_text_within_the_limit(harness: Harness, rid: int) -> None:
    await open_comment(harness, rid)

    await harness.feed(message(EXECUTOR, "ф" * 2001))
    assert harness.pop(SendMessage).text == ru(harness)("comment-too-long", limit=2000)
    for blank in ("   ", ZERO_WIDTH):
        await harness.feed(message(EXECUTOR, blank))
        assert harness.pop(SendMessage).text == ru(harness)("comment-empty")
    await harness.feed(sticker(EXECUTOR))
    assert harness.pop(SendMessage).text == ru(harness)("comment-empty")

    assert await count(harness.session_pool, Comment) == 0
    assert await fsm_state(harness, EXECUTOR) is not None  # still asked


async def test_staff_comment_with_a_photo_reaches_the_author_with_it(
    harness: Harness, rid: int
) -> None:
    await open_comment(harness, rid)

    await harness.feed(photo(EXECUTOR, "shot-1", caption="Вот так сейчас"))

    assert harness.pop(SendMessage).text == ru(harness)("comment-saved", number=rid)
    async with harness.session_pool() as session:
        note = await session.scalar(select(Comment))
        files = (await session.scalars(select(Attachment))).all()
    assert note is not None and note.text == "Вот так сейчас" and not note.is_internal
    assert [(f.file_id, f.comment_id) for f in files] == [("shot-1", note.id)]
    await harness.deliver_outbox()
    told = harness.pop(SendMessage)
    assert told.chat_id == TEACHER.id and "Вот так сейчас" in told.text
    assert harness.pop(SendPhoto).photo == "shot-1"


async def test_deleting_when_there_is_nothing_left_to_delete(
    harness: Harness, people: dict[str, User], rid: int
) -> None:
    gone = await rude_comment(harness, rid, people["author"])
    await harness.feed(press(ADMIN, CommentDeleteCb(id=gone.id), on_card(ADMIN, CARD)))
    assert harness.pop(AnswerCallbackQuery).text == ru(harness)("comment-deleted-done")
    harness.pop(EditMessageText)

    await harness.feed(press(ADMIN, CommentDeleteListCb(id=rid), on_card(ADMIN, CARD)))
    listed = harness.pop(AnswerCallbackQuery)
    assert listed.show_alert and listed.text == ru(harness)("comment-none")
    # A second press of an old Delete button: already deleted, the card is redrawn.
    await harness.feed(press(ADMIN, CommentDeleteCb(id=gone.id), on_card(ADMIN, CARD)))
    assert harness.pop(AnswerCallbackQuery).text == ru(harness)("comment-deleted-done")
    assert "удалено администратором" in harness.pop(EditMessageText).text
    # A comment that does not exist.
    await harness.feed(press(ADMIN, CommentDeleteCb(id=4242), on_card(ADMIN, CARD)))
    missing = harness.pop(AnswerCallbackQuery)
    assert missing.show_alert and missing.text == ru(harness)("comment-none")


async def test_only_an_admin_may_delete_a_comment_whoever_calls(
    harness: Harness, people: dict[str, User], rid: int
) -> None:
    """The service decides, not only the admin router in front of it."""
    rude = await rude_comment(harness, rid, people["author"])

    async with harness.session_pool() as session:
        result = await triage.delete_comment(session, comment_id=rude.id, user=people["executor"])

    assert result.outcome is triage.DeleteOutcome.FORBIDDEN and not result.ok
    async with harness.session_pool() as session:
        kept = await session.get(Comment, rude.id)
    assert kept is not None and kept.deleted_at is None
