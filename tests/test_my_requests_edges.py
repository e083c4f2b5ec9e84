"""My requests, the paths off the happy one: stale buttons, prompts answered with the
wrong thing, and requests that changed while the author was typing."""

from __future__ import annotations

from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage
from sqlalchemy import select, update

from bot.services import author_actions
from models import Action, Comment, OutboxMessage, Request, RequestStatus, StatusChange
from tests.conftest import ADMIN, OTHER_TEACHER, TEACHER, Harness
from tests.test_my_requests import (
    _key,
    act,
    finished_request,
    make_request,
    register,
    status_of,
    user_of,
)
from tests.test_new_request import buttons, shown
from tests.test_triage_edges import ru
from tests.updates import document, message, press, sticker
from utils.callbacks import CancelConfirmCb, MyCommentCb, MyPhotosCb, RateCb, RequestActionCb
from utils.dialogs import MyStates
from utils.validation import COMMENT_MAX


async def closed_request(harness: Harness) -> int:
    """Done by the executor and confirmed by the author: ready to be rated."""
    rid, _done = await finished_request(harness)
    await harness.feed(press(TEACHER, RequestActionCb(action=Action.CONFIRM, id=rid)))
    harness.pop(AnswerCallbackQuery)
    harness.pop(EditMessageText)
    harness.pop(SendMessage)  # "rate from 1 to 5"
    await harness.deliver_outbox()
    harness.pop(SendMessage)  # the executor hears it is closed
    return rid


async def rated_request(harness: Harness, stars: int = 4) -> int:
    """Closed and rated; the author is asked for a comment to the rating."""
    rid = await closed_request(harness)
    await harness.feed(press(TEACHER, RateCb(id=rid, stars=stars)))
    harness.pop(AnswerCallbackQuery)
    harness.pop(EditMessageText)
    assert await harness.dp.storage.get_state(_key(TEACHER)) == MyStates.rating_comment.state
    return rid


async def rating_of(harness: Harness, rid: int) -> tuple[int | None, str | None]:
    async with harness.session_pool() as session:
        req = await session.get(Request, rid)
    assert req is not None
    return req.rating, req.rating_comment


async def comments_of(harness: Harness) -> list[str]:
    async with harness.session_pool() as session:
        return list((await session.scalars(select(Comment.text).order_by(Comment.id))).all())


# --------------------------------------------------------------------- photos, cancel
async def test_photos_of_a_request_without_photos_is_an_alert(harness: Harness) -> None:
    await register(harness, TEACHER)
    rid = await make_request(harness, TEACHER, photos=0)

    await harness.feed(press(TEACHER, MyPhotosCb(id=rid)))

    answer = harness.pop(AnswerCallbackQuery)
    assert answer.show_alert and answer.text == ru(harness)("my-photos-none")
    harness.expect_nothing()  # no album, no empty message


async def test_keeping_a_request_that_no_longer_exists_is_not_found(harness: Harness) -> None:
    """'No, keep it' under a cancel question of a request that is gone (or forged)."""
    await register(harness, TEACHER)

    await harness.feed(press(TEACHER, CancelConfirmCb(id=4242, yes=False)))

    answer = harness.pop(AnswerCallbackQuery)
    assert answer.show_alert and answer.text == ru(harness)("my-not-found")
    harness.expect_nothing()


# ---------------------------------------------------------------- "Not fixed" reason
async def test_not_fixed_reason_must_be_words(harness: Harness) -> None:
    rid, done = await finished_request(harness)
    reopen = dict(buttons(done.reply_markup))["↩ Не исправлено"]
    await harness.feed(press(TEACHER, reopen, shown(done)))
    harness.pop(AnswerCallbackQuery)
    harness.pop(SendMessage)

    await harness.feed(sticker(TEACHER))
    hint = harness.pop(SendMessage)
    assert hint.text == ru(harness)("req-hint-reason-empty")
    assert [t for t, _ in buttons(hint.reply_markup)] == ["◀ Назад"]
    # Zero-width characters and spaces are no reason either.
    await harness.feed(message(TEACHER, "\u200b \u200b\u2060"))
    assert harness.pop(SendMessage).text == ru(harness)("req-hint-reason-empty")
    await harness.feed(message(TEACHER, "ы" * 501))
    assert "не больше 500" in harness.pop(SendMessage).text

    assert await status_of(harness, rid) is RequestStatus.DONE
    assert await harness.dp.storage.get_state(_key(TEACHER)) == MyStates.reopen_reason.state


async def test_not_fixed_reason_after_the_request_changed_meanwhile(harness: Harness) -> None:
    """The author is typing why it is not fixed; an admin reopens it first."""
    rid, done = await finished_request(harness)
    await register(harness, ADMIN)
    reopen = dict(buttons(done.reply_markup))["↩ Не исправлено"]
    await harness.feed(press(TEACHER, reopen, shown(done)))
    harness.pop(AnswerCallbackQuery)
    harness.pop(SendMessage)
    await act(harness, ADMIN, rid, Action.REOPEN)

    await harness.feed(message(TEACHER, "Всё ещё капает"))

    refusal = harness.pop(SendMessage)
    assert refusal.text == "Заявка уже изменилась: 🔧 В работе. Карточка обновлена."
    assert await harness.dp.storage.get_state(_key(TEACHER)) is None
    async with harness.session_pool() as session:
        reasons = (await session.scalars(select(StatusChange.reason))).all()
    assert "Всё ещё капает" not in reasons  # the admin's reopen is the only one
    assert await status_of(harness, rid) is RequestStatus.IN_PROGRESS


# --------------------------------------------------------------------------- rating
async def test_rate_button_on_the_card_asks_for_stars(harness: Harness) -> None:
    rid = await closed_request(harness)

    await harness.feed(press(TEACHER, RateCb(id=rid, stars=0)))

    harness.pop(AnswerCallbackQuery)
    ask = harness.pop(SendMessage)  # a new message: the card stays as it is
    assert ask.text == ru(harness)("my-rate-prompt", number=rid)
    assert [d for _, d in buttons(ask.reply_markup)] == [
        RateCb(id=rid, stars=n).pack() for n in range(1, 6)
    ]


async def test_rate_button_of_a_request_not_closed_yet_is_refused(harness: Harness) -> None:
    rid, _done = await finished_request(harness)  # done, not confirmed

    await harness.feed(press(TEACHER, RateCb(id=rid, stars=0)))

    answer = harness.pop(AnswerCallbackQuery)
    assert answer.show_alert and answer.text == ru(harness)("my-rate-not-allowed")
    harness.expect_nothing()


async def test_a_forged_number_of_stars_is_refused(harness: Harness) -> None:
    rid = await closed_request(harness)

    await harness.feed(press(TEACHER, f"myr:{rid}:9"))  # RateCb would refuse to pack it

    answer = harness.pop(AnswerCallbackQuery)
    assert answer.show_alert and answer.text == ru(harness)("button-outdated")
    # The service keeps the range itself, for every caller.
    teacher = await user_of(harness, TEACHER)
    async with harness.session_pool() as session:
        for stars in (0, 6):
            outcome = await author_actions.rate(session, rid, teacher, stars)
            assert outcome is author_actions.RateOutcome.NOT_ALLOWED
    assert await rating_of(harness, rid) == (None, None)
    assert await harness.dp.storage.get_state(_key(TEACHER)) is None


async def test_rating_comment_must_have_visible_text_within_the_limit(harness: Harness) -> None:
    rid = await rated_request(harness)

    await harness.feed(message(TEACHER, "\u200b\u200b"))
    empty = harness.pop(SendMessage)
    assert empty.text == ru(harness)("req-hint-comment-empty")
    assert [t for t, _ in buttons(empty.reply_markup)] == ["Пропустить ➡"]
    await harness.feed(message(TEACHER, "ж" * (COMMENT_MAX + 1)))
    assert "не больше 2000" in harness.pop(SendMessage).text

    assert await rating_of(harness, rid) == (4, None)
    await harness.feed(message(TEACHER, "Спасибо"))
    assert harness.pop(SendMessage).text == ru(harness)("my-rate-comment-thanks")
    assert await rating_of(harness, rid) == (4, "Спасибо")


async def test_rating_comment_already_saved_is_not_overwritten(harness: Harness) -> None:
    """Two clients of one author: the comment from the other one landed first."""
    rid = await rated_request(harness)
    async with harness.session_pool() as session, session.begin():
        await session.execute(
            update(Request).where(Request.id == rid).values(rating_comment="С телефона")
        )

    await harness.feed(message(TEACHER, "С компьютера"))

    assert harness.pop(SendMessage).text == ru(harness)("my-rate-not-allowed")
    assert await rating_of(harness, rid) == (4, "С телефона")
    assert await harness.dp.storage.get_state(_key(TEACHER)) is None


async def test_a_rating_prompt_never_writes_into_someone_elses_request(harness: Harness) -> None:
    """The prompt's request id comes from Redis; the update checks the author again."""
    rid = await rated_request(harness)
    await register(harness, OTHER_TEACHER)
    foreign = await make_request(harness, OTHER_TEACHER)
    async with harness.session_pool() as session, session.begin():
        await session.execute(
            update(Request)
            .where(Request.id == foreign)
            .values(status=RequestStatus.CLOSED, rating=5)
        )
    await harness.dp.storage.set_data(_key(TEACHER), {"request_id": foreign})

    await harness.feed(message(TEACHER, "Чужая оценка"))

    assert harness.pop(SendMessage).text == ru(harness)("my-rate-not-allowed")
    assert await rating_of(harness, foreign) == (5, None)
    assert await rating_of(harness, rid) == (4, None)


# ------------------------------------------------------------------------- comments
async def test_comment_button_of_a_closed_request_is_refused(harness: Harness) -> None:
    rid = await closed_request(harness)

    await harness.feed(press(TEACHER, MyCommentCb(id=rid)))

    answer = harness.pop(AnswerCallbackQuery)
    assert answer.show_alert and answer.text == ru(harness)("my-comment-closed", number=rid)
    harness.expect_nothing()
    assert await harness.dp.storage.get_state(_key(TEACHER)) is None


async def test_comment_too_long_or_an_unsupported_file_keeps_the_prompt(
    harness: Harness,
) -> None:
    await register(harness, TEACHER)
    rid = await make_request(harness, TEACHER)
    await harness.feed(press(TEACHER, MyCommentCb(id=rid)))
    harness.pop(AnswerCallbackQuery)
    harness.pop(SendMessage)

    await harness.feed(message(TEACHER, "к" * (COMMENT_MAX + 1)))
    long = harness.pop(SendMessage)
    assert long.text == ru(harness)("req-hint-comment-too_long", max=COMMENT_MAX)
    assert [t for t, _ in buttons(long.reply_markup)] == ["◀ Назад"]
    await harness.feed(document(TEACHER, mime_type="application/zip", file_name="a.zip"))
    assert harness.pop(SendMessage).text == ru(harness)("req-hint-file-unsupported")
    await harness.feed(document(TEACHER, file_size=25 * 1024 * 1024, caption="акт"))
    assert harness.pop(SendMessage).text == ru(harness)("req-hint-file-too_big")

    assert await comments_of(harness) == []
    async with harness.session_pool() as session:
        assert (await session.scalars(select(OutboxMessage))).all() == []
    assert await harness.dp.storage.get_state(_key(TEACHER)) == MyStates.comment.state
