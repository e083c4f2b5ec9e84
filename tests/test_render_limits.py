"""Texts that pass validation stay within Telegram's limits all the way out (issue 13, 8-10)."""

from __future__ import annotations

from datetime import timedelta

from aiogram.methods import AnswerCallbackQuery, SendMessage, SendPhoto
from sqlalchemy import select

from bot.services import triage
from bot.services.notifications import Notifier
from bot.services.transitions import perform
from models import Action, Comment, RequestStatus, Role, StatusChange, User
from models.enums import AttachmentKind
from models.files import FileRef
from tests.conftest import ADMIN, EXECUTOR, TEACHER, Harness
from tests.staff import BASE_TIME, add_person, add_request, on_card
from tests.unit.test_render import assert_valid_html
from tests.updates import message, press
from utils.callbacks import MyCommentCb, OpenRequestCb
from utils.render import CAPTION_LIMIT, TEXT_LIMIT, visible_len

AMPERSANDS = "Ключ & замок <щит> " * 50  # escaping makes it three times longer


def notifier(harness: Harness) -> Notifier:
    return Notifier(harness.catalogue, harness.settings.tz)


async def test_a_long_history_and_many_comments_still_open_as_one_valid_card(
    harness: Harness,
) -> None:
    admin = await add_person(harness.session_pool, ADMIN, Role.ADMIN)
    author = await add_person(harness.session_pool, TEACHER)
    request_id = await add_request(harness.session_pool, author, description=AMPERSANDS[:1900])
    async with harness.session_pool() as session, session.begin():
        for i in range(120):  # on hold and back, many times, each with a long reason
            session.add(
                StatusChange(
                    request_id=request_id,
                    from_status=RequestStatus.IN_PROGRESS,
                    to_status=RequestStatus.ON_HOLD if i % 2 == 0 else RequestStatus.IN_PROGRESS,
                    actor_id=admin.id,
                    reason=f"причина {i} " + AMPERSANDS[:150],
                    at=BASE_TIME + timedelta(minutes=i),
                )
            )
        for i in range(40):
            session.add(
                Comment(
                    request_id=request_id,
                    author_id=admin.id,
                    text=f"комментарий {i} " + AMPERSANDS[:250],
                    created_at=BASE_TIME + timedelta(hours=3, minutes=i),
                )
            )

    await harness.feed(press(ADMIN, OpenRequestCb(id=request_id), on_card(ADMIN, 500)))
    harness.pop(AnswerCallbackQuery)
    card = harness.pop(SendMessage)

    assert_valid_html(card.text)
    assert visible_len(card.text) <= TEXT_LIMIT
    assert "причина 119" in card.text  # the newest history line (the current reason) stays
    assert "комментарий 39" in card.text  # and the newest comment
    assert "ранних записей истории скрыто" in card.text


async def test_the_done_report_caption_fits_so_the_author_gets_the_photo(
    harness: Harness,
) -> None:
    author = await add_person(harness.session_pool, TEACHER)
    executor = await add_person(harness.session_pool, EXECUTOR, Role.EXECUTOR)
    async with harness.session_pool() as session, session.begin():
        stored = await session.get(User, executor.id)
        assert stored is not None
        stored.full_name = "Иван " + "Длиннофамильный-" * 12  # 200 characters
    request_id = await add_request(harness.session_pool, author)
    async with harness.session_pool() as session, session.begin():
        user = await session.get(User, executor.id)
    assert user is not None
    async with harness.session_pool() as session:
        await perform(
            session, notifier(harness), request_id=request_id, action=Action.TAKE, user=user
        )
    async with harness.session_pool() as session:
        photo = FileRef(AttachmentKind.PHOTO, "after-1", "u-after-1", "image/jpeg", 1000)
        result = await triage.finish(
            session,
            notifier(harness),
            request_id=request_id,
            user=user,
            comment=AMPERSANDS[:900],
            photos=[photo],
        )
    assert result.ok
    await harness.deliver_outbox()
    photos = [m for m in harness.pop_all() if isinstance(m, SendPhoto)]
    to_author = [p for p in photos if p.chat_id == TEACHER.id]
    assert len(to_author) == 1
    caption = to_author[0].caption or ""
    assert_valid_html(caption)
    assert visible_len(caption) <= CAPTION_LIMIT


async def test_a_description_full_of_ampersands_reaches_the_summary(harness: Harness) -> None:
    from tests.test_new_request import fill_to_summary

    summary = await fill_to_summary(harness, description=("Кран & раковина " * 130)[:2000])
    assert "Проверьте заявку" in summary.text
    assert_valid_html(summary.text)
    assert visible_len(summary.text) <= TEXT_LIMIT
    harness.pop_all()


async def test_a_comment_full_of_ampersands_is_saved_and_told(harness: Harness) -> None:
    from tests.test_my_requests import make_request, register

    await register(harness, TEACHER, ADMIN)
    request_id = await make_request(harness, TEACHER)
    await harness.feed(press(TEACHER, MyCommentCb(id=request_id)))
    harness.pop(AnswerCallbackQuery)
    harness.pop(SendMessage)  # the prompt
    text = ("Ключ & дверь <б> " * 200)[:2000]
    await harness.feed(message(TEACHER, text))
    assert harness.pop(SendMessage).text == "💬 Комментарий к заявке #1 отправлен."
    await harness.deliver_outbox()
    told = [m for m in harness.pop_all() if isinstance(m, SendMessage)]
    assert told and all(visible_len(m.text) <= TEXT_LIMIT for m in told)
    for sent in told:
        assert_valid_html(sent.text)
    async with harness.session_pool() as session:
        saved = await session.scalar(select(Comment))
    assert saved is not None and saved.text == text
