"""/places in the chat: an admin adds rooms, imports a spreadsheet, prints QR codes."""

from __future__ import annotations

import re

import pypdfium2
import zxingcpp
from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendDocument, SendMessage
from aiogram.types import BufferedInputFile
from sqlalchemy import select

from bot.services import places as places_service
from models import Place, Request, Role
from tests.conftest import ADMIN, EXECUTOR, Harness
from tests.staff import add_person, add_request, button_data, button_texts, on_card
from tests.updates import document, message, press, spreadsheet
from utils import callbacks
from utils.callbacks import (
    OpenRequestCb,
    PlaceAddCb,
    PlaceCardCb,
    PlaceHideCb,
    PlaceHistoryCb,
    PlaceImportCb,
    PlaceQrCb,
)

CARD = 910
LINK = re.compile(r"https://t\.me/zavhoz_bot\?start=(p-[A-Za-z0-9_-]{12})")


def qr_codes(pdf: bytes) -> list[str]:
    codes: list[str] = []
    for page in pypdfium2.PdfDocument(pdf):
        codes.extend(c.text for c in zxingcpp.read_barcodes(page.render(scale=2).to_pil()))
    return sorted(codes)


async def add_place(harness: Harness, line: str) -> SendMessage:
    await harness.feed(press(ADMIN, PlaceAddCb(), on_card(ADMIN, CARD)))
    harness.pop(AnswerCallbackQuery)
    harness.pop(SendMessage)  # the prompt
    await harness.feed(message(ADMIN, line))
    return harness.pop(SendMessage)


async def card_button(harness: Harness, place: Place, text_key: str) -> str:
    """The callback data of a button of the place's card, found by its text."""
    await harness.feed(press(ADMIN, PlaceCardCb(id=place.id), on_card(ADMIN, CARD)))
    harness.pop(AnswerCallbackQuery)
    markup = harness.pop(EditMessageText).reply_markup
    text = harness.catalogue.get("ru", text_key)
    return dict(zip(button_texts(markup), button_data(markup), strict=True))[text]


async def test_an_admin_adds_a_room_and_gets_its_link(harness: Harness) -> None:
    await add_person(harness.session_pool, ADMIN, Role.ADMIN)
    await harness.feed(message(ADMIN, "/places"))
    empty = harness.pop(SendMessage)
    assert harness.catalogue.get("ru", "places-empty") in empty.text
    assert PlaceAddCb().pack() in button_data(empty.reply_markup)

    await harness.feed(press(ADMIN, PlaceAddCb(), on_card(ADMIN, CARD)))
    harness.pop(AnswerCallbackQuery)
    assert "Корпус / Помещение / Этаж" in harness.pop(SendMessage).text
    await harness.feed(message(ADMIN, " / "))
    assert "Нужно название помещения" in harness.pop(SendMessage).text  # the step repeats
    await harness.feed(message(ADMIN, "Главный / Кабинет 214 / 2"))
    saved = harness.pop(SendMessage)

    assert "Сохранено" in saved.text and "Кабинет 214" in saved.text
    link = LINK.search(saved.text)
    assert link is not None
    async with harness.session_pool() as session:
        place = await session.scalar(select(Place))
    assert place is not None
    assert (place.name, place.building, place.floor, place.code) == (
        "Кабинет 214",
        "Главный",
        "2",
        link.group(1),
    )

    again = await add_place(harness, "главный / кабинет  214")
    assert "уже есть" in again.text


async def test_a_spreadsheet_is_imported_with_a_report_per_row(harness: Harness) -> None:
    await add_person(harness.session_pool, ADMIN, Role.ADMIN)
    await add_place(harness, "Кабинет 214")
    harness.api.files["rooms-1"] = spreadsheet(
        [
            ["Помещение", "Корпус", "Этаж"],
            ["Кабинет 214", None, None],
            ["Актовый зал", "Главный", 1],
            [None, "Главный", 2],
            ["Спортзал", "Главный", 1],
        ]
    )
    await harness.feed(press(ADMIN, PlaceImportCb(), on_card(ADMIN, CARD)))
    harness.pop(AnswerCallbackQuery)
    assert ".xlsx" in harness.pop(SendMessage).text
    await harness.feed(document(ADMIN, "rooms-1", file_name="Комнаты.xlsx", mime_type="x"))

    report = harness.pop(SendMessage).text
    assert "добавлено 2, пропущено 1, отклонено 1" in report
    assert "строка 2: «Кабинет 214» — уже есть" in report
    assert "строка 4" in report
    listing = harness.pop(SendMessage)
    assert "🏢 Главный" in str(listing.reply_markup)
    async with harness.session_pool() as session:
        names = sorted((await session.scalars(select(Place.name))).all())
    assert names == ["Актовый зал", "Кабинет 214", "Спортзал"]


async def test_the_qr_sheet_holds_one_scannable_code_per_visible_place(harness: Harness) -> None:
    await add_person(harness.session_pool, ADMIN, Role.ADMIN)
    links = []
    for line in ("Кабинет 214", "Кабинет 215", "Столовая"):
        links.append(LINK.search((await add_place(harness, line)).text))
    async with harness.session_pool() as session:
        dining = await session.scalar(select(Place).where(Place.name == "Столовая"))
    assert dining is not None
    await harness.feed(press(ADMIN, PlaceHideCb(id=dining.id, hide=True), on_card(ADMIN, CARD)))
    harness.pop(AnswerCallbackQuery)
    assert "скрыто" in harness.pop(EditMessageText).text

    await harness.feed(press(ADMIN, PlaceQrCb(), on_card(ADMIN, CARD)))
    harness.pop(AnswerCallbackQuery)
    sheet = harness.pop(SendDocument)
    assert isinstance(sheet.document, BufferedInputFile)
    assert sheet.caption is not None and "2 шт" in sheet.caption
    expected = sorted(m.group(0) for m in links[:2] if m)
    assert qr_codes(sheet.document.data) == expected


async def test_people_who_are_not_admins_change_nothing(harness: Harness) -> None:
    await add_person(harness.session_pool, ADMIN, Role.ADMIN)
    await add_person(harness.session_pool, EXECUTOR, Role.EXECUTOR)
    await add_place(harness, "Кабинет 214")
    async with harness.session_pool() as session:
        place = await session.scalar(select(Place))
    assert place is not None

    await harness.feed(message(EXECUTOR, "/places"))
    assert harness.pop(SendMessage).text == harness.catalogue.get("ru", "not-allowed")
    for forged in (PlaceHideCb(id=place.id, hide=True), PlaceCardCb(id=place.id)):
        await harness.feed(press(EXECUTOR, forged, on_card(EXECUTOR, CARD)))
        harness.pop(AnswerCallbackQuery)
    async with harness.session_pool() as session:
        again = await session.get(Place, place.id)
    assert again is not None and again.is_hidden is False


async def test_the_staff_card_leads_an_admin_to_the_places_other_requests(
    harness: Harness,
) -> None:
    admin = await add_person(harness.session_pool, ADMIN, Role.ADMIN)
    saved = await add_place(harness, "Спортзал")
    assert LINK.search(saved.text)
    async with harness.session_pool() as session:
        place = await session.scalar(select(Place))
    assert place is not None
    first = await add_request(harness.session_pool, admin, location="Спортзал")
    second = await add_request(harness.session_pool, admin, location="спортзал")
    async with harness.session_pool() as session:
        await places_service.attach_location(session, place.id, "Спортзал")

    await harness.feed(press(ADMIN, OpenRequestCb(id=second), on_card(ADMIN, CARD)))
    harness.pop(AnswerCallbackQuery)
    card = harness.pop(SendMessage)  # the full card comes as a new message
    assert PlaceHistoryCb(id=place.id).pack() in button_data(card.reply_markup)
    await harness.feed(press(ADMIN, PlaceHistoryCb(id=place.id), on_card(ADMIN, CARD)))
    harness.pop(AnswerCallbackQuery)
    history = harness.pop(EditMessageText).text
    assert f"#{first}" in history and f"#{second}" in history


async def test_an_admin_renames_a_room_from_its_card(harness: Harness) -> None:
    await add_person(harness.session_pool, ADMIN, Role.ADMIN)
    await add_place(harness, "Главный / Кабинет 214 / 2")
    async with harness.session_pool() as session:
        place = await session.scalar(select(Place))
    assert place is not None

    await harness.feed(press(ADMIN, await card_button(harness, place, "places-rename")))
    harness.pop(AnswerCallbackQuery)
    prompt = harness.pop(SendMessage).text
    assert "Сейчас: <b>" in prompt and "Кабинет 214" in prompt
    await harness.feed(message(ADMIN, "Главный / Кабинет 216 / 2"))

    assert "Кабинет 216" in harness.pop(SendMessage).text
    async with harness.session_pool() as session:
        renamed = await session.get(Place, place.id)
    assert renamed is not None and renamed.name == "Кабинет 216"


async def test_typed_locations_are_attached_to_a_room_from_its_card(harness: Harness) -> None:
    admin = await add_person(harness.session_pool, ADMIN, Role.ADMIN)
    await add_place(harness, "Актовый зал")
    async with harness.session_pool() as session:
        place = await session.scalar(select(Place))
    assert place is not None
    typed = [await add_request(harness.session_pool, admin, location="актовый") for _ in "ab"]

    await harness.feed(press(ADMIN, await card_button(harness, place, "places-attach")))
    harness.pop(AnswerCallbackQuery)
    prompt = harness.pop(SendMessage).text
    assert "«Актовый зал»" in prompt and "«актовый» (2)" in prompt
    await harness.feed(message(ADMIN, "актовый"))

    assert harness.pop(SendMessage).text == harness.catalogue.get("ru", "places-attached", count=2)
    async with harness.session_pool() as session:
        linked = (
            await session.scalars(select(Request.place_id).where(Request.id.in_(typed)))
        ).all()
    assert linked == [place.id, place.id]


async def test_renaming_or_attaching_a_place_that_is_gone_asks_nothing(harness: Harness) -> None:
    await add_person(harness.session_pool, ADMIN, Role.ADMIN)
    for stale in (callbacks.PlaceRenameCb(id=4242), callbacks.PlaceAttachCb(id=4242)):
        await harness.feed(press(ADMIN, stale, on_card(ADMIN, CARD)))
        answer = harness.pop(AnswerCallbackQuery)
        assert answer.show_alert and answer.text == harness.catalogue.get("ru", "places-not-found")
    harness.expect_nothing()  # no prompt: nothing waits for a name or a text
