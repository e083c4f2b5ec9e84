"""A burst of comments is one message to each person told: the first comment's notice
waits COMMENT_COALESCE_SECONDS and the comments that follow in that time join it.

The production dispatcher with the production window (20 s); the sender runs on the
harness's fast-forward clock, so "20 seconds later" is exact and instant.
"""

from __future__ import annotations

from typing import Any

import pytest
from aiogram.methods import AnswerCallbackQuery, SendMessage
from sqlalchemy import select, update

from bot.services.outbox import enqueue
from models import OutboxMessage, OutboxStatus, Role, User
from tests.conftest import ADMIN, TEACHER, Harness
from tests.test_my_requests import make_request, register
from tests.updates import Person, message, press
from utils.callbacks import MyCommentCb

WINDOW = 20.0
SECOND_ADMIN = Person(id=900_020, first_name="Пётр", last_name="Завучев", username="deputy")


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    """The harness with the production coalescing window."""
    return {"comment_coalesce_seconds": WINDOW}


async def comment(harness: Harness, request_id: int, text: str) -> None:
    await harness.feed(press(TEACHER, MyCommentCb(id=request_id)))
    harness.pop(AnswerCallbackQuery)
    harness.pop(SendMessage)  # "write your comment"
    await harness.feed(message(TEACHER, text))
    assert harness.pop(SendMessage).text == f"💬 Комментарий к заявке #{request_id} отправлен."


async def two_admins(harness: Harness) -> int:
    await register(harness, TEACHER, ADMIN, SECOND_ADMIN)
    async with harness.session_pool() as session, session.begin():
        await session.execute(
            update(User).where(User.telegram_id == SECOND_ADMIN.id).values(role=Role.ADMIN)
        )
    return await make_request(harness, TEACHER)


async def test_a_burst_of_comments_is_one_message_to_each_admin(harness: Harness) -> None:
    rid = await two_admins(harness)
    texts = ["Кран течёт", "И дверь <скрипит> & не закрывается", "Срочно!"]
    for text in texts:
        await comment(harness, rid, text)

    await harness.deliver_outbox()
    harness.expect_nothing()  # the window is still open

    harness.clock.advance(WINDOW)
    await harness.deliver_outbox()
    told = [harness.pop(SendMessage), harness.pop(SendMessage)]
    assert sorted(m.chat_id for m in told) == sorted([ADMIN.id, SECOND_ADMIN.id])
    for m in told:
        assert m.text.count(f"Комментарий к заявке #{rid}") == 3
        escaped = [t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") for t in texts]
        positions = [m.text.index(t) for t in escaped]
        assert positions == sorted(positions)  # in the order they were written
    harness.expect_nothing()

    # A comment after the message went out starts a message of its own.
    await comment(harness, rid, "Уже лучше")
    harness.clock.advance(WINDOW)
    await harness.deliver_outbox()
    later = [harness.pop(SendMessage), harness.pop(SendMessage)]
    assert all("Уже лучше" in m.text and "Кран течёт" not in m.text for m in later)
    async with harness.session_pool() as session:
        rows = (await session.scalars(select(OutboxMessage))).all()
    assert len(rows) == 4 and {r.status for r in rows} == {OutboxStatus.SENT}


async def test_a_comment_never_overtakes_what_was_queued_after_the_first(
    harness: Harness,
) -> None:
    rid = await two_admins(harness)
    await comment(harness, rid, "Первый")
    async with harness.session_pool() as session, session.begin():
        enqueue(session, SendMessage(chat_id=ADMIN.id, text="Между ними"))
    await comment(harness, rid, "Второй")

    harness.clock.advance(WINDOW)
    await harness.deliver_outbox()
    to_admin = [m for m in harness.pop_all() if isinstance(m, SendMessage)]
    first_admin = [m.text for m in to_admin if m.chat_id == ADMIN.id]
    assert len(first_admin) == 3
    assert "Первый" in first_admin[0] and "Второй" not in first_admin[0]
    assert first_admin[1] == "Между ними"
    assert "Второй" in first_admin[2]
    # The other admin had nothing in between: one message with both.
    (second,) = [m.text for m in to_admin if m.chat_id == SECOND_ADMIN.id]
    assert second.index("Первый") < second.index("Второй")


async def test_a_notice_a_sender_has_claimed_is_not_rewritten(harness: Harness) -> None:
    rid = await two_admins(harness)
    await comment(harness, rid, "Первый")
    async with harness.session_pool() as session, session.begin():
        # A sender holds the notices now (its lease): they are being sent as they are.
        await session.execute(update(OutboxMessage).values(claim_token="x" * 32))
    await comment(harness, rid, "Второй")
    async with harness.session_pool() as session:
        rows = (await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all()
    texts = [r.payload["text"] for r in rows]
    assert len(rows) == 4
    assert all("Второй" not in text for text in texts[:2])
    assert all("Второй" in text and "Первый" not in text for text in texts[2:])
