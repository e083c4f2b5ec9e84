"""/places off the happy path: buildings and back, stale or forged buttons, every bad input
at the rename, attach and import steps, and places removed while a form was open."""

from __future__ import annotations

from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendDocument, SendMessage
from aiogram.types import BufferedInputFile, CallbackQuery, InaccessibleMessage, Update
from sqlalchemy import delete, select

from bot.services import places as places_service
from bot.services.places import PlaceFields, PlaceProblem
from models import Place, Request, Role
from models.places import PLACE_NAME_MAX
from tests.conftest import ADMIN, Harness
from tests.staff import (
    add_person,
    add_request,
    button_data,
    button_texts,
    dialog_state,
    on_card,
    said,
)
from tests.test_places_admin import LINK, qr_codes
from tests.updates import document, message, press, spreadsheet, sticker
from utils.callbacks import (
    AdminMenuCb,
    PlaceAddCb,
    PlaceAttachCb,
    PlaceCardCb,
    PlaceHideCb,
    PlaceHistoryCb,
    PlaceImportCb,
    PlaceQrCb,
    PlaceRenameCb,
    PlacesCb,
    StaffCancelCb,
)

CARD = 930


async def rooms(harness: Harness, *lines: str) -> dict[str, Place]:
    """Places added as an admin types them ("Корпус / Помещение / Этаж"), by name."""
    async with harness.session_pool() as session:
        for line in lines:
            fields = places_service.parse_place(line)
            assert isinstance(fields, PlaceFields)
            assert (await places_service.add_place(session, fields)).place is not None
    return await stored(harness)


async def stored(harness: Harness) -> dict[str, Place]:
    async with harness.session_pool() as session:
        return {p.name: p for p in (await session.scalars(select(Place))).all()}


async def ask(harness: Harness, data: PlaceRenameCb | PlaceAttachCb | PlaceImportCb) -> str:
    """Press a button that opens a form; the prompt sent below the card."""
    await harness.feed(press(ADMIN, data, on_card(ADMIN, CARD)))
    harness.pop(AnswerCallbackQuery)
    prompt = harness.pop(SendMessage)
    assert button_data(prompt.reply_markup) == [StaffCancelCb().pack()]
    return prompt.text


async def refused(harness: Harness, data: object) -> str:
    """A button whose place is gone: an alert, and nothing else."""
    await harness.feed(press(ADMIN, data, on_card(ADMIN, CARD)))  # type: ignore[arg-type]
    answer = harness.pop(AnswerCallbackQuery)
    assert answer.show_alert
    harness.expect_nothing()
    return answer.text or ""


# ------------------------------------------------------------------ browsing
async def test_several_buildings_are_listed_first_then_one_and_back(harness: Harness) -> None:
    await add_person(harness.session_pool, ADMIN, Role.ADMIN)
    await rooms(harness, "Главный / Спортзал", "Главный / Актовый зал", "Пристройка / каб. 5")
    await rooms(harness, "Столовая")

    await harness.feed(message(ADMIN, "/places"))
    top = harness.pop(SendMessage)
    assert top.text == said(harness, "places-title", count=4)
    assert button_texts(top.reply_markup)[:3] == ["🏢 Без корпуса", "🏢 Главный", "🏢 Пристройка"]

    await harness.feed(press(ADMIN, PlacesCb(building=1), on_card(ADMIN, CARD)))
    harness.pop(AnswerCallbackQuery)
    main = harness.pop(EditMessageText)
    assert main.text == said(harness, "places-building-title", building="Главный", count=2)
    assert button_texts(main.reply_markup)[:2] == ["Актовый зал", "Спортзал"]
    assert PlaceQrCb(building=1).pack() in button_data(main.reply_markup)
    assert button_data(main.reply_markup)[-1] == PlacesCb().pack()  # back to the buildings

    await harness.feed(press(ADMIN, PlacesCb(building=0), on_card(ADMIN, CARD)))
    harness.pop(AnswerCallbackQuery)
    loose = harness.pop(EditMessageText)
    assert loose.text == said(harness, "places-building-title", building="Без корпуса", count=1)
    assert button_texts(loose.reply_markup)[0] == "Столовая"

    await harness.feed(press(ADMIN, PlacesCb(), on_card(ADMIN, CARD)))
    harness.pop(AnswerCallbackQuery)
    assert harness.pop(EditMessageText).text == top.text


async def test_a_stale_building_button_shows_every_place(harness: Harness) -> None:
    """The button's building is gone (its last place renamed): the whole catalogue."""
    await add_person(harness.session_pool, ADMIN, Role.ADMIN)
    await rooms(harness, "Главный / Спортзал", "Столовая")
    await harness.feed(press(ADMIN, PlacesCb(building=5), on_card(ADMIN, CARD)))
    harness.pop(AnswerCallbackQuery)
    shown = harness.pop(EditMessageText)
    assert shown.text == said(harness, "places-title", count=2)
    assert button_texts(shown.reply_markup)[:2] == ["Столовая", "Спортзал"]


async def test_a_list_button_on_a_message_too_old_to_edit_is_only_answered(
    harness: Harness,
) -> None:
    await add_person(harness.session_pool, ADMIN, Role.ADMIN)
    await rooms(harness, "Главный / Спортзал", "Столовая")
    old = CallbackQuery(
        id="cq-old",
        from_user=ADMIN.tg,
        chat_instance="ci",
        message=InaccessibleMessage(chat=ADMIN.chat, message_id=1),
        data=PlacesCb(building=1).pack(),
    )
    await harness.feed(Update(update_id=990_001, callback_query=old))
    assert harness.pop(AnswerCallbackQuery).callback_query_id == "cq-old"
    harness.expect_nothing()  # no edit of a message Telegram no longer lets the bot touch


async def test_one_building_lists_its_places_with_hidden_ones_marked(harness: Harness) -> None:
    await add_person(harness.session_pool, ADMIN, Role.ADMIN)
    found = await rooms(harness, "каб. 1", "каб. 2")
    async with harness.session_pool() as session:
        await places_service.set_hidden(session, found["каб. 2"].id, hidden=True)

    await harness.feed(message(ADMIN, "/places"))
    listing = harness.pop(SendMessage)
    assert listing.text == said(harness, "places-title", count=2)
    assert button_texts(listing.reply_markup)[:2] == ["каб. 1", "🙈 каб. 2"]
    # One building only: Back leads to the admin menu, not to a list of buildings.
    assert button_data(listing.reply_markup)[-1] == AdminMenuCb().pack()


async def test_the_card_from_the_list_shows_open_requests_and_the_link(harness: Harness) -> None:
    admin = await add_person(harness.session_pool, ADMIN, Role.ADMIN)
    place = (await rooms(harness, "Главный / Спортзал / 1"))["Спортзал"]
    await add_request(harness.session_pool, admin, location="Спортзал")
    async with harness.session_pool() as session:
        assert await places_service.attach_location(session, place.id, "спортзал") == 1

    await harness.feed(press(ADMIN, PlaceCardCb(id=place.id), on_card(ADMIN, CARD)))
    assert harness.pop(AnswerCallbackQuery).text is None
    card = harness.pop(EditMessageText)
    assert "<b>📍 Спортзал</b>" in card.text and "Корпус: Главный · Этаж: 1" in card.text
    assert "Открытых заявок: 1" in card.text
    link = LINK.search(card.text)
    assert link is not None and link.group(1) == place.code
    assert button_data(card.reply_markup) == [
        PlaceHistoryCb(id=place.id).pack(),
        PlaceQrCb(id=place.id).pack(),
        PlaceRenameCb(id=place.id).pack(),
        PlaceAttachCb(id=place.id).pack(),
        PlaceHideCb(id=place.id, hide=True).pack(),
        PlacesCb().pack(),
    ]


async def test_buttons_of_a_place_that_is_gone_answer_with_an_alert(harness: Harness) -> None:
    await add_person(harness.session_pool, ADMIN, Role.ADMIN)
    gone = said(harness, "places-not-found")
    for data in (
        PlaceCardCb(id=404),
        PlaceHideCb(id=404, hide=True),
        PlaceHistoryCb(id=404),
        PlaceRenameCb(id=404),
        PlaceAttachCb(id=404),
    ):
        assert await refused(harness, data) == gone, data
    assert await dialog_state(harness, ADMIN) is None  # no rename or attach form was opened


async def test_hiding_and_showing_again_change_the_card_and_the_row(harness: Harness) -> None:
    await add_person(harness.session_pool, ADMIN, Role.ADMIN)
    place = (await rooms(harness, "Столовая"))["Столовая"]
    await harness.feed(press(ADMIN, PlaceHideCb(id=place.id, hide=True), on_card(ADMIN, CARD)))
    assert harness.pop(AnswerCallbackQuery).text == said(harness, "places-hidden-done")
    hidden = harness.pop(EditMessageText)
    assert said(harness, "places-hidden") in hidden.text
    assert PlaceHideCb(id=place.id, hide=False).pack() in button_data(hidden.reply_markup)

    await harness.feed(press(ADMIN, PlaceHideCb(id=place.id, hide=False), on_card(ADMIN, CARD)))
    assert harness.pop(AnswerCallbackQuery).text == said(harness, "places-shown-done")
    assert said(harness, "places-visible") in harness.pop(EditMessageText).text
    assert (await stored(harness))["Столовая"].is_hidden is False
    assert [p.label for p in harness.dp["places"].suggest("столовая")] == ["Столовая"]


async def test_the_history_of_a_quiet_place_says_none_twice(harness: Harness) -> None:
    await add_person(harness.session_pool, ADMIN, Role.ADMIN)
    place = (await rooms(harness, "Главный / Спортзал"))["Спортзал"]
    await harness.feed(press(ADMIN, PlaceHistoryCb(id=place.id), on_card(ADMIN, CARD)))
    harness.pop(AnswerCallbackQuery)
    history = harness.pop(EditMessageText)
    none = said(harness, "places-history-none")
    assert history.text.split("\n") == [
        said(harness, "places-history-title", label="Главный · Спортзал"),
        "",
        said(harness, "places-history-open"),
        none,
        "",
        said(harness, "places-history-recent"),
        none,
    ]
    assert button_data(history.reply_markup) == [PlaceCardCb(id=place.id).pack()]


# ------------------------------------------------------------------ QR codes
async def test_the_qr_code_of_one_place_and_of_one_building(harness: Harness) -> None:
    await add_person(harness.session_pool, ADMIN, Role.ADMIN)
    found = await rooms(harness, "Главный / Спортзал", "Пристройка / каб. 5", "Пристройка / каб. 6")
    async with harness.session_pool() as session:
        await places_service.set_hidden(session, found["каб. 6"].id, hidden=True)

    await harness.feed(press(ADMIN, PlaceQrCb(id=found["Спортзал"].id), on_card(ADMIN, CARD)))
    harness.pop(AnswerCallbackQuery)
    one = harness.pop(SendDocument)
    assert one.caption == said(harness, "places-qr-caption", count=1)
    assert isinstance(one.document, BufferedInputFile)
    assert [_code(c) for c in qr_codes(one.document.data)] == [found["Спортзал"].code]

    # "Пристройка" is the second building: its visible place only.
    await harness.feed(press(ADMIN, PlaceQrCb(building=1), on_card(ADMIN, CARD)))
    harness.pop(AnswerCallbackQuery)
    annex = harness.pop(SendDocument)
    assert isinstance(annex.document, BufferedInputFile)
    assert [_code(c) for c in qr_codes(annex.document.data)] == [found["каб. 5"].code]


def _code(link: str) -> str:
    match = LINK.fullmatch(link)
    assert match is not None, link
    return match.group(1)


async def test_nothing_to_print_is_said_in_an_alert(harness: Harness) -> None:
    await add_person(harness.session_pool, ADMIN, Role.ADMIN)
    hidden = (await rooms(harness, "Столовая"))["Столовая"]
    async with harness.session_pool() as session:
        await places_service.set_hidden(session, hidden.id, hidden=True)
    none = said(harness, "places-qr-none")
    for data in (PlaceQrCb(id=hidden.id), PlaceQrCb(id=404), PlaceQrCb()):
        assert await refused(harness, data) == none, data


# ------------------------------------------------------------------ add and rename
async def test_add_refuses_stickers_zero_width_and_too_long_names(harness: Harness) -> None:
    await add_person(harness.session_pool, ADMIN, Role.ADMIN)
    await harness.feed(press(ADMIN, PlaceAddCb(), on_card(ADMIN, CARD)))
    harness.pop(AnswerCallbackQuery)
    harness.pop(SendMessage)
    empty = said(harness, "places-problem-empty")
    too_long = said(harness, "places-problem-too_long", limit=PLACE_NAME_MAX)
    for update, expected in (
        (sticker(ADMIN), empty),
        (message(ADMIN, "\u200b\u200b"), empty),
        (message(ADMIN, "Главный / " + "к" * (PLACE_NAME_MAX + 1)), too_long),
        (message(ADMIN, "Главный / каб. 1 / " + "9" * 17), too_long),
    ):
        await harness.feed(update)
        answer = harness.pop(SendMessage)
        assert answer.text == expected
        assert button_data(answer.reply_markup) == [StaffCancelCb().pack()]  # the step repeats
    await harness.feed(message(ADMIN, "каб. 1"))
    assert harness.pop(SendMessage).text.startswith(said(harness, "places-saved"))
    assert list(await stored(harness)) == ["каб. 1"]


async def test_cancel_closes_the_form_and_nothing_is_added(harness: Harness) -> None:
    await add_person(harness.session_pool, ADMIN, Role.ADMIN)
    await harness.feed(press(ADMIN, PlaceAddCb(), on_card(ADMIN, CARD)))
    harness.pop(AnswerCallbackQuery)
    harness.pop(SendMessage)
    await harness.feed(press(ADMIN, StaffCancelCb(), on_card(ADMIN, CARD + 1)))
    harness.pop(AnswerCallbackQuery)
    assert harness.pop(EditMessageText).text == said(harness, "dialog-cancelled")
    assert await dialog_state(harness, ADMIN) is None
    assert await stored(harness) == {}


async def test_rename_checks_the_text_and_the_other_places(harness: Harness) -> None:
    await add_person(harness.session_pool, ADMIN, Role.ADMIN)
    found = await rooms(harness, "Главный / каб. 1", "Главный / каб. 2")
    place = found["каб. 1"]
    prompt = await ask(harness, PlaceRenameCb(id=place.id))
    assert prompt == said(harness, "places-ask-rename", label="Главный · каб. 1")

    await harness.feed(message(ADMIN, " / "))
    assert harness.pop(SendMessage).text == said(harness, "places-problem-empty")
    await harness.feed(message(ADMIN, "главный / КАБ 2"))
    assert harness.pop(SendMessage).text == said(harness, "places-problem-duplicate")
    # Its own name in other letters is no clash with itself.
    await harness.feed(message(ADMIN, "Главный / Каб. 1 / 3"))
    saved = harness.pop(SendMessage)
    assert saved.text.startswith(said(harness, "places-saved"))
    assert "<b>📍 Каб. 1</b>" in saved.text and "Этаж: 3" in saved.text
    assert LINK.search(saved.text) is not None

    after = await stored(harness)
    renamed = after["Каб. 1"]
    assert (renamed.id, renamed.floor, renamed.code) == (place.id, "3", place.code)
    assert "каб. 2" in after
    # The directory offers the new name to people filing requests.
    offered = [p.name for p in harness.dp["places"].suggest("каб 1")]
    assert "Каб. 1" in offered and "каб. 1" not in offered


async def test_renaming_a_place_removed_meanwhile_says_it_is_gone(harness: Harness) -> None:
    await add_person(harness.session_pool, ADMIN, Role.ADMIN)
    place = (await rooms(harness, "каб. 1"))["каб. 1"]
    await ask(harness, PlaceRenameCb(id=place.id))
    async with harness.session_pool() as session, session.begin():
        await session.execute(delete(Place).where(Place.id == place.id))

    await harness.feed(message(ADMIN, "каб. 100"))
    assert harness.pop(SendMessage).text == said(harness, "places-not-found")
    assert await stored(harness) == {}  # not re-created under the new name
    assert await dialog_state(harness, ADMIN) is None


# ------------------------------------------------------------------ attach
async def test_attach_offers_common_texts_and_links_their_requests(harness: Harness) -> None:
    admin = await add_person(harness.session_pool, ADMIN, Role.ADMIN)
    hall = (await rooms(harness, "Актовый зал"))["Актовый зал"]
    for location in ("актовый", "актовый", "Актовый", "столовая"):
        await add_request(harness.session_pool, admin, location=location)

    prompt = await ask(harness, PlaceAttachCb(id=hall.id))
    assert "Чаще всего пишут: «актовый» (2), " in prompt and "«столовая» (1)" in prompt
    await harness.feed(message(ADMIN, "АКТОВЫЙ"))
    done = harness.pop(SendMessage)
    assert done.text == said(harness, "places-attached", count=3)
    assert button_data(done.reply_markup) == [PlaceCardCb(id=hall.id).pack()]
    async with harness.session_pool() as session:
        rows = (await session.execute(select(Request.location, Request.place_id))).all()
    assert sorted(rows, key=str) == sorted(
        [("Актовый", hall.id), ("актовый", hall.id), ("актовый", hall.id), ("столовая", None)],
        key=str,
    )


async def test_attach_with_nothing_unplaced_shows_a_dash(harness: Harness) -> None:
    await add_person(harness.session_pool, ADMIN, Role.ADMIN)
    hall = (await rooms(harness, "Актовый зал"))["Актовый зал"]
    prompt = await ask(harness, PlaceAttachCb(id=hall.id))
    assert prompt == said(harness, "places-ask-attach", label="Актовый зал", examples="—")
    await harness.feed(message(ADMIN, "актовый"))
    assert harness.pop(SendMessage).text == said(harness, "places-attached", count=0)


async def test_attaching_to_a_place_removed_meanwhile_links_nothing(harness: Harness) -> None:
    admin = await add_person(harness.session_pool, ADMIN, Role.ADMIN)
    hall = (await rooms(harness, "Актовый зал"))["Актовый зал"]
    await add_request(harness.session_pool, admin, location="актовый")
    await ask(harness, PlaceAttachCb(id=hall.id))
    async with harness.session_pool() as session, session.begin():
        await session.execute(delete(Place).where(Place.id == hall.id))

    await harness.feed(message(ADMIN, "актовый"))
    assert harness.pop(SendMessage).text == said(harness, "places-not-found")
    async with harness.session_pool() as session:
        assert (await session.scalars(select(Request.place_id))).all() == [None]


# ------------------------------------------------------------------ import
async def test_the_import_step_refuses_what_is_not_a_usable_table(harness: Harness) -> None:
    await add_person(harness.session_pool, ADMIN, Role.ADMIN)
    await ask(harness, PlaceImportCb())
    harness.api.files["broken"] = b"PK\x03\x04 not really a workbook"
    harness.api.files["blank"] = b"\n,,\n"
    for update, key in (
        (message(ADMIN, "каб. 1"), "places-import-not-file"),
        (document(ADMIN, "big", file_name="rooms.xlsx", file_size=3 * 1024 * 1024), "too_big"),
        (document(ADMIN, "pdf", file_name="rooms.pdf"), "places-import-unsupported"),
        (document(ADMIN, "broken", file_name="rooms.xlsx"), "places-import-unreadable"),
        (document(ADMIN, "blank", file_name="rooms.csv"), "places-import-empty"),
    ):
        await harness.feed(update)
        answer = harness.pop(SendMessage)
        assert answer.text == said(harness, "places-import-too_big" if key == "too_big" else key)
        assert button_data(answer.reply_markup) == [StaffCancelCb().pack()]
    assert await stored(harness) == {}

    # The step is still open: a good file is taken.
    harness.api.files["good"] = "Помещение;Корпус\nСпортзал;Главный\n".encode()
    await harness.feed(document(ADMIN, "good", file_name="rooms.csv"))
    assert "добавлено 1, пропущено 0, отклонено 0" in harness.pop(SendMessage).text
    harness.pop(SendMessage)  # the catalogue
    assert list(await stored(harness)) == ["Спортзал"]


async def test_a_long_import_report_lists_thirty_problems_and_counts_the_rest(
    harness: Harness,
) -> None:
    await add_person(harness.session_pool, ADMIN, Role.ADMIN)
    rows: list[list[object]] = [["Помещение", "Корпус", "Этаж"], ["Спортзал", "Главный", 1]]
    rows += [[f"каб. {i}", "Пристройка", "9" * 17] for i in range(34)]  # floors too long
    rows += [["Спортзал", "главный", None]]
    harness.api.files["many"] = spreadsheet(rows)
    await ask(harness, PlaceImportCb())
    await harness.feed(document(ADMIN, "many", file_name="rooms.xlsx"))

    report = harness.pop(SendMessage).text.split("\n")
    assert report[0] == said(harness, "places-import-report", added=1, skipped=1, rejected=34)
    assert len(report) == 1 + 30 + 1
    too_long = said(harness, "places-problem-too_long", limit=PLACE_NAME_MAX)
    assert report[1] == f"строка 3: «Пристройка · каб. 0» — {too_long}"
    assert report[-1] == said(harness, "places-import-more", count=5)
    assert harness.pop(SendMessage).text == said(harness, "places-title", count=1)
    assert list(await stored(harness)) == ["Спортзал"]


# ------------------------------------------------------------------ the service itself
async def test_the_service_refuses_bad_fields_and_missing_places(harness: Harness) -> None:
    """What the panel and the import rely on, whatever the chat checked before."""
    async with harness.session_pool() as session:
        assert (await places_service.add_place(session, PlaceFields("\u200b"))).problem is (
            PlaceProblem.EMPTY
        )
        renamed = await places_service.rename_place(session, 404, PlaceFields("каб. 1"))
        too_long = await places_service.rename_place(session, 404, PlaceFields("к" * 101))
        hidden = await places_service.set_hidden(session, 404, hidden=True)
        assert await places_service.get_place(session, 404) is None
        assert await places_service.attach_location(session, 404, "актовый") is None
    assert renamed.problem is PlaceProblem.NOT_FOUND
    assert too_long.problem is PlaceProblem.TOO_LONG
    assert hidden.problem is PlaceProblem.NOT_FOUND
    assert await stored(harness) == {}
