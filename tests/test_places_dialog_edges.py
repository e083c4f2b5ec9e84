"""The place step and "me too" off the happy path: a room named without its building, old
buttons, a request closed while its "me too" screen was open, "something else", and a
room link nobody could have printed."""

from __future__ import annotations

from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage
from sqlalchemy import select

from bot.services import places as places_service
from bot.services.places import PlaceFields
from models import Place, Request, RequestFollower, RequestStatus
from tests.conftest import OTHER_TEACHER, TEACHER, Harness
from tests.staff import add_person, add_request, button_texts, dialog_state
from tests.test_new_request import HEATING, shown, step
from tests.test_places_dialog import finish_request
from tests.updates import Person, message, press
from utils.callbacks import DraftCategoryCb, DraftMeTooCb, DraftNav, DraftNavCb, DraftPlaceCb
from utils.dialogs import NewRequest

ROOM = "Кабинет 214"


async def room(harness: Harness, name: str, building: str | None = None) -> Place:
    """One room in the catalogue, and the bot's directory of places refreshed."""
    async with harness.session_pool() as session:
        await places_service.add_place(session, PlaceFields(name, building))
    await harness.dp["places"].load(harness.session_pool)
    async with harness.session_pool() as session:
        found = await session.scalar(select(Place).where(Place.name == name))
    assert found is not None
    return found


async def at_the_place_step(harness: Harness, person: Person) -> None:
    await harness.feed(message(person, "/new"))
    step(harness)
    await harness.feed(press(person, DraftCategoryCb(id=HEATING)))
    step(harness)


async def followers(harness: Harness) -> list[tuple[int, int]]:
    async with harness.session_pool() as session:
        rows = (await session.scalars(select(RequestFollower))).all()
    return [(r.request_id, r.user_id) for r in rows]


async def test_a_rooms_name_without_its_building_is_that_room(harness: Harness) -> None:
    place = await room(harness, ROOM, "Главный")
    await at_the_place_step(harness, TEACHER)
    await harness.feed(message(TEACHER, "кабинет  214"))
    assert "Шаг 3/5" in step(harness).text  # taken at once, nothing offered
    request = await finish_request(harness, TEACHER, "Не работает розетка")
    assert (request.location, request.place_id) == ("Главный · Кабинет 214", place.id)


async def test_an_old_place_button_shows_the_place_step_again(harness: Harness) -> None:
    await room(harness, ROOM)
    await room(harness, "Кабинет 215")
    await at_the_place_step(harness, TEACHER)
    await harness.feed(message(TEACHER, "каб 21"))
    offer = harness.pop(SendMessage)
    offered = button_texts(offer.reply_markup)
    assert offered[:2] == [f"📍 {ROOM}", "📍 Кабинет 215"]

    await harness.feed(press(TEACHER, DraftPlaceCb(index=7), shown(offer)))
    answer = harness.pop(AnswerCallbackQuery)
    assert answer.show_alert
    assert answer.text == harness.catalogue.get("ru", "draft-old-button")
    again = harness.pop(EditMessageText)
    assert "Шаг 2/5" in again.text and button_texts(again.reply_markup) == offered
    assert await dialog_state(harness, TEACHER) == NewRequest.location.state


class MeToo:
    """A room with Maria's open request; Oleg (English) scanned its link."""

    def __init__(self, harness: Harness) -> None:
        self.harness = harness
        self.request_id = 0
        self.place_id = 0

    async def open(self) -> SendMessage:
        harness = self.harness
        place = await room(harness, ROOM)
        self.place_id = place.id
        author = await add_person(harness.session_pool, TEACHER)
        self.request_id = await add_request(harness.session_pool, author, location=ROOM)
        async with harness.session_pool() as session:
            assert await places_service.attach_location(session, place.id, ROOM) == 1
        await harness.feed(message(OTHER_TEACHER, f"/start {place.code}"))
        screen = harness.pop(SendMessage)
        assert button_texts(screen.reply_markup)[0] == f"👍 Me too — #{self.request_id}"
        return screen


async def test_me_too_on_a_request_not_offered_is_an_old_button(harness: Harness) -> None:
    me_too = MeToo(harness)
    screen = await me_too.open()
    await harness.feed(press(OTHER_TEACHER, DraftMeTooCb(id=me_too.request_id + 1), shown(screen)))
    answer = harness.pop(AnswerCallbackQuery)
    assert answer.show_alert and answer.text == harness.catalogue.get("en", "draft-old-button")
    assert await followers(harness) == []
    assert await dialog_state(harness, OTHER_TEACHER) == NewRequest.me_too.state


async def test_me_too_on_a_request_closed_meanwhile_goes_on_with_a_new_one(
    harness: Harness,
) -> None:
    me_too = MeToo(harness)
    screen = await me_too.open()
    async with harness.session_pool() as session, session.begin():  # staff finish it
        stored = await session.get(Request, me_too.request_id)
        assert stored is not None
        stored.status = RequestStatus.DONE

    await harness.feed(press(OTHER_TEACHER, DraftMeTooCb(id=me_too.request_id), shown(screen)))
    answer = harness.pop(AnswerCallbackQuery)
    assert answer.show_alert
    assert answer.text == harness.catalogue.get(
        "en", "draft-me-too-closed", number=me_too.request_id
    )
    category = harness.pop(EditMessageText)
    assert "step 1/5" in category.text
    assert await followers(harness) == []
    assert await dialog_state(harness, OTHER_TEACHER) == NewRequest.category.state


async def test_something_else_goes_on_with_a_new_request_for_the_room(harness: Harness) -> None:
    me_too = MeToo(harness)
    screen = await me_too.open()
    await harness.feed(press(OTHER_TEACHER, DraftNavCb(action=DraftNav.OTHER), shown(screen)))
    assert harness.pop(AnswerCallbackQuery).text is None
    category = harness.pop(EditMessageText)
    assert "step 1/5" in category.text
    await harness.feed(press(OTHER_TEACHER, DraftCategoryCb(id=HEATING), shown(category)))
    assert "Step 3/5" in step(harness).text  # the place came with the link
    request = await finish_request(harness, OTHER_TEACHER, "The radiator is cold")
    assert request.id != me_too.request_id
    assert (request.location, request.place_id) == (ROOM, me_too.place_id)
    assert await followers(harness) == []


async def test_a_typed_link_code_longer_than_telegram_allows_is_unknown(harness: Harness) -> None:
    await room(harness, ROOM)
    await harness.feed(message(TEACHER, "/start p-" + "a" * 70))
    first = harness.pop(SendMessage)
    assert first.text.startswith(harness.catalogue.get("ru", "draft-place-link-unknown"))
    assert "шаг 1/5" in first.text and ROOM not in first.text
