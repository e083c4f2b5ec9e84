"""Places in the new-request dialog: a room's link, matching what is typed, "me too"."""

from __future__ import annotations

from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage
from sqlalchemy import select

from bot.services import places as places_service
from bot.services.places import PlaceFields
from models import Action, Place, Request, RequestFollower, Role
from models.queues import Queue
from tests.conftest import ADMIN, EXECUTOR, OTHER_TEACHER, TEACHER, Harness
from tests.staff import add_person, add_request, button_data, button_texts, on_card
from tests.test_new_request import HEATING, shown, step, submit, walk_to_step
from tests.updates import Person, message, press
from utils.callbacks import (
    KEEP_TYPED,
    DraftCategoryCb,
    DraftMeTooCb,
    DraftNav,
    DraftNavCb,
    DraftPlaceCb,
    DraftPriorityCb,
    FollowedCb,
    QueueCb,
    RequestActionCb,
    UnfollowCb,
)

ROOM = "Кабинет 214"


async def catalogue(harness: Harness, *rooms: str) -> dict[str, Place]:
    """Rooms in the catalogue, and the bot's directory of places refreshed (as /places does)."""
    async with harness.session_pool() as session:
        for room in rooms:
            await places_service.add_place(session, PlaceFields(room))
    await harness.dp["places"].load(harness.session_pool)
    async with harness.session_pool() as session:
        return {p.name: p for p in (await session.scalars(select(Place))).all()}


async def finish_request(harness: Harness, person: Person, description: str) -> Request:
    """From the description step: no photos, normal priority, submit; the stored request."""
    await harness.feed(message(person, description))
    step(harness)
    await harness.feed(press(person, DraftNavCb(action=DraftNav.SKIP)))
    step(harness)
    await harness.feed(press(person, DraftPriorityCb(priority="normal")))
    summary = step(harness)
    await submit(harness, summary, person)
    harness.pop_all()  # the confirmation and its card
    async with harness.session_pool() as session:
        found = await session.scalar(select(Request).order_by(Request.id.desc()))
    assert found is not None
    return found


async def test_a_rooms_link_files_a_request_with_the_place_filled_in(harness: Harness) -> None:
    rooms = await catalogue(harness, ROOM)
    await harness.feed(message(TEACHER, f"/start {rooms[ROOM].code}"))
    first = harness.pop(SendMessage)
    assert "шаг 1/5" in first.text and f"Место: <b>{ROOM}</b>" in first.text

    await harness.feed(press(TEACHER, DraftCategoryCb(id=HEATING), shown(first)))
    assert "Шаг 3/5" in step(harness).text  # the place step is skipped: it came with the link
    request = await finish_request(harness, TEACHER, "Холодная батарея у окна")

    assert (request.location, request.place_id) == (ROOM, rooms[ROOM].id)


async def test_an_unknown_or_hidden_link_says_so_and_starts_the_plain_dialog(
    harness: Harness,
) -> None:
    rooms = await catalogue(harness, ROOM)
    await harness.feed(message(TEACHER, "/start p-guessed000000"))
    unknown = harness.pop(SendMessage)
    assert "не ведёт ни к одному месту" in unknown.text and "шаг 1/5" in unknown.text

    async with harness.session_pool() as session:
        await places_service.set_hidden(session, rooms[ROOM].id, hidden=True)
    await harness.feed(message(OTHER_TEACHER, f"/start {rooms[ROOM].code}"))
    hidden = harness.pop(SendMessage)
    assert "no longer on the school's list" in hidden.text  # Oleg reads English


async def test_typed_text_is_matched_against_the_catalogue(harness: Harness) -> None:
    rooms = await catalogue(harness, ROOM, "Кабинет 215", "Актовый зал")
    await walk_to_step(harness, 2)

    await harness.feed(message(TEACHER, "каб 214"))
    offer = harness.pop(SendMessage)
    assert "Вы написали «каб 214»" in offer.text
    assert button_texts(offer.reply_markup)[:2] == [f"📍 {ROOM}", "✏️ Оставить «каб 214»"]
    await harness.feed(press(TEACHER, DraftPlaceCb(index=0), shown(offer)))
    assert "Шаг 3/5" in step(harness).text
    request = await finish_request(harness, TEACHER, "Не работает розетка")
    assert (request.location, request.place_id) == (ROOM, rooms[ROOM].id)

    # The same words as a room's name are taken at once; a typo is offered; the text as
    # typed can always be kept.
    await walk_to_step(harness, 2)
    await harness.feed(message(TEACHER, "Актовыйй зал"))
    offer = harness.pop(SendMessage)
    assert button_texts(offer.reply_markup)[0] == "📍 Актовый зал"
    await harness.feed(press(TEACHER, DraftPlaceCb(index=KEEP_TYPED), shown(offer)))
    assert "Шаг 3/5" in step(harness).text
    request = await finish_request(harness, TEACHER, "Скрипит сцена")
    assert (request.location, request.place_id) == ("Актовыйй зал", None)


async def test_me_too_follows_the_open_request_and_hears_of_every_change(
    harness: Harness,
) -> None:
    rooms = await catalogue(harness, ROOM)
    author = await add_person(harness.session_pool, TEACHER)
    await add_person(harness.session_pool, ADMIN, Role.ADMIN)
    await add_person(harness.session_pool, EXECUTOR, Role.EXECUTOR)
    request_id = await add_request(harness.session_pool, author, location=ROOM)
    async with harness.session_pool() as session, session.begin():
        stored = await session.get(Request, request_id)
        assert stored is not None
        stored.place_id = rooms[ROOM].id

    await harness.feed(message(OTHER_TEACHER, f"/start {rooms[ROOM].code}"))
    screen = harness.pop(SendMessage)
    assert f"#{request_id}" in screen.text and "Течёт кран" in screen.text
    assert button_texts(screen.reply_markup)[:2] == [
        f"👍 Me too — #{request_id}",
        "➕ Something else",
    ]
    await harness.feed(press(OTHER_TEACHER, DraftMeTooCb(id=request_id), shown(screen)))
    harness.pop(AnswerCallbackQuery)
    assert "You follow request" in harness.pop(EditMessageText).text
    # The dialog is over: the same button again changes nothing and counts once.
    await harness.feed(press(OTHER_TEACHER, DraftMeTooCb(id=request_id), shown(screen)))
    assert harness.pop(AnswerCallbackQuery).show_alert
    harness.pop_all()
    async with harness.session_pool() as session:
        followers = (await session.scalars(select(RequestFollower))).all()
        stored = await session.get(Request, request_id)
    assert [f.request_id for f in followers] == [request_id]
    assert stored is not None and stored.follower_count == 1

    # Staff see who else waits for it, in the queue.
    await harness.feed(press(ADMIN, QueueCb(q=Queue.NEW), on_card(ADMIN, 700)))
    harness.pop(AnswerCallbackQuery)
    assert "👥1" in harness.pop(EditMessageText).text

    # Staff take it: the follower is told, as the author is.
    await harness.feed(press(EXECUTOR, RequestActionCb(action=Action.TAKE, id=request_id)))
    harness.pop_all()
    await harness.deliver_outbox()
    sent = [m for m in harness.pop_all() if isinstance(m, SendMessage)]
    to_follower = [m for m in sent if m.chat_id == OTHER_TEACHER.id]
    assert len(to_follower) == 1 and f"#{request_id}" in to_follower[0].text
    assert any(m.chat_id == TEACHER.id for m in sent)  # and the author


async def test_followed_requests_are_listed_in_my_requests_and_can_be_unfollowed(
    harness: Harness,
) -> None:
    author = await add_person(harness.session_pool, TEACHER)
    follower = await add_person(harness.session_pool, OTHER_TEACHER)
    request_id = await add_request(harness.session_pool, author, location=ROOM)
    async with harness.session_pool() as session:
        await places_service.follow(session, request_id, follower.id)

    await harness.feed(message(OTHER_TEACHER, "📋 My requests"))
    listing = harness.pop(SendMessage)
    assert "👀 Following (1)" in button_texts(listing.reply_markup)
    await harness.feed(press(OTHER_TEACHER, FollowedCb(), shown(listing)))
    harness.pop(AnswerCallbackQuery)
    followed = harness.pop(EditMessageText)
    assert f"#{request_id}" in followed.text
    assert UnfollowCb(id=request_id).pack() in button_data(followed.reply_markup)

    await harness.feed(press(OTHER_TEACHER, UnfollowCb(id=request_id), shown(followed)))
    assert f"no longer follow request #{request_id}" in (
        harness.pop(AnswerCallbackQuery).text or ""
    )
    assert "You follow no request" in harness.pop(EditMessageText).text
    async with harness.session_pool() as session:
        assert (await session.scalars(select(RequestFollower))).all() == []
