"""The new request dialog through the production dispatcher, on PostgreSQL and Redis."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageText,
    SendMediaGroup,
    SendMessage,
    SendPhoto,
)
from aiogram.types import InlineKeyboardMarkup, InputMediaPhoto, Message
from sqlalchemy import select, update

from models import (
    Attachment,
    AttachmentKind,
    OutboxMessage,
    Priority,
    Request,
    RequestStatus,
    Role,
    StatusChange,
    User,
    utcnow,
)
from tests.conftest import ADMIN, OTHER_TEACHER, TEACHER, Harness
from tests.updates import Person, album, document, message, photo, press, sticker
from utils.callbacks import (
    DraftCategoryCb,
    DraftEditCb,
    DraftField,
    DraftLocationCb,
    DraftNav,
    DraftNavCb,
    DraftPriorityCb,
    OpenRequestCb,
    RequestActionCb,
)

HEATING = 3  # seeded category "Отопление"


# --------------------------------------------------------------------------- helpers
def buttons(markup: object) -> list[tuple[str, str]]:
    assert isinstance(markup, InlineKeyboardMarkup), markup
    return [(b.text, b.callback_data or "") for row in markup.inline_keyboard for b in row]


def button_data(markup: object, prefix: str) -> str:
    found = [data for _, data in buttons(markup) if data.startswith(prefix)]
    assert found, f"no button {prefix!r} in {buttons(markup)}"
    return found[0]


def shown(method: SendMessage | EditMessageText) -> Message:
    """The message the user now sees (to press its buttons)."""
    chat_id = method.chat_id
    assert isinstance(chat_id, int)
    return Message.model_validate(
        {
            "message_id": getattr(method, "message_id", None) or 1,
            "date": utcnow(),
            "chat": {"id": chat_id, "type": "private"},
            "text": method.text,
            "reply_markup": method.reply_markup,
        }
    )


def step(harness: Harness) -> SendMessage | EditMessageText:
    """The next screen of the dialog, whether sent or edited in place."""
    req = harness.api.requests.popleft()
    if isinstance(req, AnswerCallbackQuery):
        req = harness.api.requests.popleft()
    assert isinstance(req, SendMessage | EditMessageText), req
    return req


async def start_admin(harness: Harness) -> None:
    await harness.feed(message(ADMIN, "/start"))
    harness.pop(SendMessage)


async def fill_to_summary(
    harness: Harness,
    person: Person = TEACHER,
    *,
    location: str = "Каб. 214",
    description: str = "Холодная батарея у окна",
    priority: Priority = Priority.NORMAL,
    photos: list[str] | None = None,
) -> SendMessage | EditMessageText:
    await harness.feed(message(person, "/new"))
    assert "1/5" in step(harness).text
    await harness.feed(press(person, DraftCategoryCb(id=HEATING)))
    step(harness)
    await harness.feed(message(person, location))
    step(harness)
    await harness.feed(message(person, description))
    step(harness)
    for file_id in photos or []:
        await harness.feed(photo(person, file_id))
        harness.pop(SendMessage)
    await harness.feed(press(person, DraftNavCb(action=DraftNav.DONE if photos else DraftNav.SKIP)))
    step(harness)
    await harness.feed(press(person, DraftPriorityCb(priority=priority)))
    return step(harness)


async def walk_to_step(
    harness: Harness, number: int, person: Person = TEACHER, *, location: str = "Каб. 5"
) -> SendMessage | EditMessageText:
    """Start the dialog and answer plainly up to step `number` (2 place, 3 description, 4 files);
    the screen of that step."""
    answers = [
        press(person, DraftCategoryCb(id=HEATING)),
        message(person, location),
        message(person, "Сломан стул"),
    ]
    await harness.feed(message(person, "/new"))
    screen = step(harness)
    for answer in answers[: number - 1]:
        await harness.feed(answer)
        screen = step(harness)
    return screen


async def submit(harness: Harness, summary: SendMessage | EditMessageText, person: Person) -> Any:
    data = button_data(summary.reply_markup, "nrs:")
    await harness.feed(press(person, data, shown(summary)))
    return harness.pop(AnswerCallbackQuery)


async def requests_in_db(harness: Harness) -> list[Request]:
    async with harness.session_pool() as session:
        return list((await session.scalars(select(Request).order_by(Request.id))).all())


# ------------------------------------------------------------------------ the dialog
async def test_full_dialog_with_photos_and_album(harness: Harness) -> None:
    await start_admin(harness)
    await harness.feed(message(TEACHER, "📝 Новая заявка"))
    first = harness.pop(SendMessage)
    assert "шаг 1/5" in first.text
    assert ("Отопление", DraftCategoryCb(id=HEATING).pack()) in buttons(first.reply_markup)
    assert any(text == "◀ Назад" for text, _ in buttons(first.reply_markup))

    await harness.feed(press(TEACHER, DraftCategoryCb(id=HEATING), shown(first)))
    harness.pop(AnswerCallbackQuery)
    location_step = harness.pop(EditMessageText)  # edited in place
    assert "Шаг 2/5" in location_step.text

    await harness.feed(message(TEACHER, "  Каб.   214,  2 этаж "))
    assert "Шаг 3/5" in harness.pop(SendMessage).text

    # A photo whose caption is the description: attached, and the step is done.
    await harness.feed(photo(TEACHER, "ph-1", caption="Батарея холодная, из крана капает"))
    photos_step = harness.pop(SendMessage)
    assert "Шаг 4/5" in photos_step.text and "Прикреплено: 1 из 10" in photos_step.text

    await harness.feed(photo(TEACHER, "ph-2"))
    ack = harness.pop(SendMessage)
    assert ack.text.startswith("📎 Файл 2 из 10")
    assert next(t for t, _ in buttons(ack.reply_markup)) == "✅ Готово"

    # An album of three: one acknowledgement, three files kept.
    await harness.feed(*album(TEACHER, ["al-1", "al-2", "al-3"]))
    assert harness.pop(SendMessage).text.startswith("📎 Альбом получен")
    harness.expect_nothing()

    await harness.feed(document(TEACHER, "doc-1", mime_type="application/pdf"))
    assert "Файл 6 из 10" in harness.pop(SendMessage).text

    await harness.feed(press(TEACHER, DraftNavCb(action=DraftNav.DONE)))
    harness.pop(AnswerCallbackQuery)
    priority_step = harness.pop(EditMessageText)
    assert "Шаг 5/5" in priority_step.text and "потоп" in priority_step.text

    await harness.feed(press(TEACHER, DraftPriorityCb(priority=Priority.URGENT)))
    harness.pop(AnswerCallbackQuery)
    summary = harness.pop(EditMessageText)
    assert "Проверьте заявку" in summary.text
    assert "Каб. 214, 2 этаж" in summary.text
    assert "Батарея холодная, из крана капает" in summary.text
    assert "Файлов: 6" in summary.text and "Срочно" in summary.text
    assert "4 ч" in summary.text  # the urgent SLA
    texts = [t for t, _ in buttons(summary.reply_markup)]
    assert texts == ["✅ Отправить", "✏️ Изменить поле", "◀ Назад", "✖ Отмена"]

    before = utcnow()
    await submit(harness, summary, TEACHER)
    created = harness.pop(EditMessageText)
    assert "Заявка #1 зарегистрирована" in created.text
    assert "Каб. 214, 2 этаж" in created.text and "Новая" in created.text
    assert RequestActionCb(action="cancel", id=1).pack() in [
        d for _, d in buttons(created.reply_markup)
    ]

    [req] = await requests_in_db(harness)
    assert (req.category_id, req.location, req.priority) == (
        HEATING,
        "Каб. 214, 2 этаж",
        Priority.URGENT,
    )
    assert req.status is RequestStatus.NEW
    assert req.due_at is not None
    assert (
        timedelta(hours=4) - timedelta(seconds=5)
        <= req.due_at - before
        <= timedelta(hours=4, seconds=5)
    )
    async with harness.session_pool() as session:
        files = (await session.scalars(select(Attachment).order_by(Attachment.id))).all()
        history = (await session.scalars(select(StatusChange))).all()
    assert [f.file_id for f in files] == ["ph-1", "ph-2", "al-1", "al-2", "al-3", "doc-1"]
    assert [f.kind for f in files][-1] is AttachmentKind.DOCUMENT
    assert [(h.from_status, h.to_status) for h in history] == [(None, RequestStatus.NEW)]

    # The admin: the photos as one album, the PDF, then the card with the triage buttons.
    await harness.deliver_outbox()
    media = harness.pop(SendMediaGroup)
    assert media.chat_id == ADMIN.id
    assert [m.media for m in media.media] == ["ph-1", "ph-2", "al-1", "al-2", "al-3"]
    assert isinstance(media.media[0], InputMediaPhoto) and "#1" in (media.media[0].caption or "")
    from aiogram.methods import SendDocument

    assert harness.pop(SendDocument).document == "doc-1"
    card = harness.pop(SendMessage)
    assert card.chat_id == ADMIN.id
    assert card.text.startswith("🔴 <b>Заявка #1</b>")
    assert "Мария Учителева" in card.text
    actions = [d for _, d in buttons(card.reply_markup)]
    assert RequestActionCb(action="take", id=1).pack() in actions
    assert RequestActionCb(action="assign", id=1).pack() in actions
    assert RequestActionCb(action="reject", id=1).pack() in actions
    assert OpenRequestCb(id=1).pack() in actions


async def test_staff_group_and_single_photo(harness: Harness) -> None:
    harness.dp = harness.build_dispatcher(admin_chat_id=-100500)
    summary = await fill_to_summary(harness, photos=["only-photo"], priority=Priority.LOW)
    await submit(harness, summary, TEACHER)
    harness.pop(EditMessageText)
    await harness.deliver_outbox()
    sent = harness.pop(SendPhoto)
    assert (sent.chat_id, sent.photo) == (-100500, "only-photo")
    card = harness.pop(SendMessage)
    assert card.chat_id == -100500 and card.disable_notification is True  # low: silent
    async with harness.session_pool() as session:
        kinds = (await session.scalars(select(OutboxMessage.kind))).all()
    assert [k.value for k in kinds] == ["message", "card"]


async def test_location_validation_keeps_the_step(harness: Harness) -> None:
    await walk_to_step(harness, 2)
    cases = [
        (sticker(TEACHER), "Напишите место текстом"),
        (message(TEACHER, "5"), "хотя бы 2 символа"),
        (message(TEACHER, "x" * 101), "не больше 100 символов"),
        (photo(TEACHER), "Напишите место текстом"),
    ]
    for incoming, hint in cases:
        await harness.feed(incoming)
        answer = harness.pop(SendMessage)
        assert hint in answer.text and "Шаг 2/5" in answer.text
    await harness.feed(message(TEACHER, "Спортзал"))
    assert "Шаг 3/5" in harness.pop(SendMessage).text
    data = await harness.dp.storage.get_data(_key(TEACHER))
    assert data["category_id"] == HEATING and data["location"] == "Спортзал"


async def test_description_and_file_validation(harness: Harness) -> None:
    await walk_to_step(harness, 3)

    for incoming, hint in [
        (message(TEACHER, "тут"), "хотя бы в 5 символах"),
        (message(TEACHER, "я" * 2001), "не больше 2000 символов (сейчас 2001)"),
        (sticker(TEACHER), "Опишите проблему словами"),
        (document(TEACHER, "x", mime_type="application/zip", file_name="a.zip"), "не принимается"),
        (photo(TEACHER, "huge", file_size=21 * 1024 * 1024), "больше 20 МБ"),
    ]:
        await harness.feed(incoming)
        answer = harness.pop(SendMessage)
        assert hint in answer.text, answer.text
        assert "Шаг 3/5" in answer.text

    # A photo without a caption is kept, and the description is still asked for.
    await harness.feed(photo(TEACHER, "keep-me"))
    answer = harness.pop(SendMessage)
    assert "Файл прикреплён" in answer.text and "Шаг 3/5" in answer.text
    await harness.feed(message(TEACHER, "Не работает розетка"))
    photos_step = harness.pop(SendMessage)
    assert "Прикреплено: 1 из 10" in photos_step.text

    # Photos step: text and stickers get a hint; an image document is fine.
    await harness.feed(message(TEACHER, "ещё текст"))
    assert "Пришлите фото" in harness.pop(SendMessage).text
    await harness.feed(document(TEACHER, "img", mime_type="image/png", file_name="a.png"))
    assert "Файл 2 из 10" in harness.pop(SendMessage).text
    data = await harness.dp.storage.get_data(_key(TEACHER))
    assert data["location"] == "Каб. 5" and data["description"] == "Не работает розетка"
    assert [f["file_id"] for f in data["files"]] == ["keep-me", "img"]


async def test_eleventh_photo_is_refused(harness: Harness) -> None:
    await walk_to_step(harness, 4)
    await harness.feed(*album(TEACHER, [f"a{i}" for i in range(8)]))
    harness.pop(SendMessage)  # one acknowledgement for the album
    await harness.feed(photo(TEACHER, "p9"))
    harness.pop(SendMessage)
    await harness.feed(photo(TEACHER, "p10"))
    assert "Файл 10 из 10" in harness.pop(SendMessage).text
    await harness.feed(photo(TEACHER, "p11"))
    refused = harness.pop(SendMessage)
    assert "Не больше 10 файлов" in refused.text and "Шаг 4/5" in refused.text
    # An album over the limit: one hint, not one per photo.
    await harness.feed(*album(TEACHER, ["b1", "b2", "b3"]))
    assert "Не больше 10 файлов" in harness.pop(SendMessage).text
    harness.expect_nothing()
    data = await harness.dp.storage.get_data(_key(TEACHER))
    assert len(data["files"]) == 10 and data["files"][-1]["file_id"] == "p10"


async def test_back_buttons_keep_data(harness: Harness) -> None:
    await fill_to_summary(harness, location="Актовый зал", description="Не горит свет")
    await harness.feed(press(TEACHER, DraftNavCb(action=DraftNav.BACK)))
    assert "Шаг 5/5" in step(harness).text
    await harness.feed(press(TEACHER, DraftNavCb(action=DraftNav.BACK)))
    assert "Шаг 4/5" in step(harness).text
    await harness.feed(press(TEACHER, DraftNavCb(action=DraftNav.BACK)))
    desc = step(harness)
    assert "Шаг 3/5" in desc.text and "Сейчас: Не горит свет" in desc.text
    await harness.feed(press(TEACHER, DraftNavCb(action=DraftNav.BACK)))
    loc = step(harness)
    assert "Шаг 2/5" in loc.text and "Сейчас: Актовый зал" in loc.text
    await harness.feed(press(TEACHER, DraftNavCb(action=DraftNav.BACK)))
    cat = step(harness)
    assert "шаг 1/5" in cat.text and "Сейчас: Отопление" in cat.text
    await harness.feed(press(TEACHER, DraftNavCb(action=DraftNav.BACK)))
    assert "Заявка отменена" in step(harness).text
    assert await harness.dp.storage.get_state(_key(TEACHER)) is None


async def test_edit_a_field_returns_to_summary(harness: Harness) -> None:
    summary = await fill_to_summary(harness, location="Каб. 1")
    await harness.feed(press(TEACHER, DraftNavCb(action=DraftNav.EDIT), shown(summary)))
    menu = step(harness)
    assert "Что хотите изменить?" in menu.text
    await harness.feed(press(TEACHER, DraftEditCb(field=DraftField.LOCATION)))
    assert "Шаг 2/5" in step(harness).text
    await harness.feed(message(TEACHER, "Каб. 2"))
    again = harness.pop(SendMessage)
    assert "Проверьте заявку" in again.text and "Каб. 2" in again.text
    # Edit, then Back from the step: the summary, unchanged.
    await harness.feed(press(TEACHER, DraftEditCb(field=DraftField.PRIORITY)))
    assert "Шаг 5/5" in step(harness).text
    await harness.feed(press(TEACHER, DraftNavCb(action=DraftNav.BACK)))
    assert "Проверьте заявку" in step(harness).text


async def test_recent_locations_are_offered(harness: Harness) -> None:
    for place in ("Каб. 1", "Каб. 2"):
        summary = await fill_to_summary(harness, location=place)
        await submit(harness, summary, TEACHER)
        harness.pop(EditMessageText)
    screen = await walk_to_step(harness, 2)
    assert [t for t, _ in buttons(screen.reply_markup)][:2] == ["Каб. 2", "Каб. 1"]
    await harness.feed(press(TEACHER, DraftLocationCb(index=1)))
    assert "Шаг 3/5" in step(harness).text
    data = await harness.dp.storage.get_data(_key(TEACHER))
    assert data["location"] == "Каб. 1"


async def test_restart_in_the_middle_keeps_the_dialog(harness: Harness) -> None:
    await walk_to_step(harness, 3, location="Каб. 7")
    harness.restart()  # a new process: new dispatcher, the same Redis
    await harness.feed(message(TEACHER, "Дует из окна"))
    assert "Шаг 4/5" in harness.pop(SendMessage).text
    await harness.feed(press(TEACHER, DraftNavCb(action=DraftNav.SKIP)))
    step(harness)
    await harness.feed(press(TEACHER, DraftPriorityCb(priority=Priority.HIGH)))
    summary = step(harness)
    assert "Каб. 7" in summary.text and "Дует из окна" in summary.text
    await submit(harness, summary, TEACHER)
    harness.pop(EditMessageText)
    [req] = await requests_in_db(harness)
    assert (req.location, req.description, req.priority) == (
        "Каб. 7",
        "Дует из окна",
        Priority.HIGH,
    )


async def test_double_submit_creates_one_request(harness: Harness) -> None:
    summary = await fill_to_summary(harness)
    data = button_data(summary.reply_markup, "nrs:")
    press_update = press(TEACHER, data, shown(summary))
    await harness.feed(press_update)
    harness.pop(AnswerCallbackQuery)
    harness.pop(EditMessageText)
    # Telegram delivers the same update again, then the user presses once more.
    await harness.feed(press_update)
    again = harness.pop(AnswerCallbackQuery)
    assert again.text == "Заявка #1 уже зарегистрирована."
    await harness.feed(press(TEACHER, data, shown(summary)))
    assert harness.pop(AnswerCallbackQuery).text == "Заявка #1 уже зарегистрирована."
    assert len(await requests_in_db(harness)) == 1


async def test_concurrent_submits_create_one_request(harness: Harness) -> None:
    """Two processes handle the same press at once: the token decides, in the database."""
    import asyncio
    from zoneinfo import ZoneInfo

    from bot.services.comments import FileRef
    from bot.services.notifications import Notifier
    from bot.services.requests import CreateOutcome, CreationRules, Draft, create_request

    await harness.feed(message(TEACHER, "/start"))
    harness.pop(SendMessage)
    async with harness.session_pool() as session:
        user = await session.scalar(select(User).where(User.telegram_id == TEACHER.id))
    assert user is not None
    draft = Draft(
        HEATING, "Каб. 3", "Нет света", Priority.NORMAL, [FileRef(AttachmentKind.PHOTO, "f", "u")]
    )
    rules = CreationRules(sla_hours={"normal": 72}, limit=5, window=timedelta(minutes=10))
    notifier = Notifier(harness.catalogue, ZoneInfo("Europe/Moscow"))

    async def go() -> CreateOutcome:
        async with harness.session_pool() as session:
            result = await create_request(
                session, notifier, user=user, draft=draft, token="same-token", rules=rules
            )
            return result.outcome

    outcomes = await asyncio.gather(go(), go(), go())
    assert sorted(outcomes) == [
        CreateOutcome.CREATED,
        CreateOutcome.DUPLICATE,
        CreateOutcome.DUPLICATE,
    ]
    assert len(await requests_in_db(harness)) == 1
    async with harness.session_pool() as session:
        assert len((await session.scalars(select(Attachment))).all()) == 1


async def test_cancel_anywhere(harness: Harness) -> None:
    await fill_to_summary(harness)
    await harness.feed(message(TEACHER, "/cancel"))
    assert harness.pop(SendMessage).text.startswith("Действие отменено")
    assert await harness.dp.storage.get_state(_key(TEACHER)) is None
    # The Cancel button at a step.
    await harness.feed(message(TEACHER, "/new"))
    step(harness)
    await harness.feed(press(TEACHER, DraftNavCb(action=DraftNav.CANCEL)))
    assert "Заявка отменена" in step(harness).text
    assert await requests_in_db(harness) == []


async def test_old_buttons_get_a_hint_and_the_current_step(harness: Harness) -> None:
    await walk_to_step(harness, 2)
    # At the location step, a category button from the first message.
    await harness.feed(press(TEACHER, DraftCategoryCb(id=1)))
    alert = harness.pop(AnswerCallbackQuery)
    assert alert.show_alert and "старого сообщения" in (alert.text or "")
    assert "Шаг 2/5" in harness.pop(SendMessage).text
    # A priority button (a later step) and a forged location index.
    await harness.feed(press(TEACHER, DraftPriorityCb(priority=Priority.URGENT)))
    harness.pop(AnswerCallbackQuery)
    harness.pop(SendMessage)
    await harness.feed(press(TEACHER, DraftLocationCb(index=7)))
    assert harness.pop(AnswerCallbackQuery).show_alert
    harness.pop(EditMessageText)
    data = await harness.dp.storage.get_data(_key(TEACHER))
    assert data["category_id"] == HEATING and "location" not in data
    # A hidden category is refused.
    await harness.feed(press(TEACHER, DraftNavCb(action=DraftNav.BACK)))
    step(harness)
    await harness.feed(press(TEACHER, DraftCategoryCb(id=999)))
    assert "недоступна" in (harness.pop(AnswerCallbackQuery).text or "")
    harness.pop(EditMessageText)
    # After the dialog: its buttons say the form is closed.
    await harness.feed(message(TEACHER, "/cancel"))
    harness.pop(SendMessage)
    await harness.feed(press(TEACHER, DraftNavCb(action=DraftNav.DONE)))
    assert "закрыта" in (harness.pop(AnswerCallbackQuery).text or "")


async def test_new_in_the_middle_continues(harness: Harness) -> None:
    await walk_to_step(harness, 2)
    await harness.feed(message(TEACHER, "📝 Новая заявка"))
    again = harness.pop(SendMessage)
    assert "Вы уже заполняете заявку" in again.text and "Шаг 2/5" in again.text
    # Menu buttons are not taken for a location.
    await harness.feed(message(TEACHER, "❓ Помощь"))
    assert "Как пользоваться ботом" in harness.pop(SendMessage).text
    data = await harness.dp.storage.get_data(_key(TEACHER))
    assert "location" not in data


async def test_creation_limit_keeps_the_dialog(harness: Harness) -> None:
    harness.dp = harness.build_dispatcher(creation_limit=2, creation_window_minutes=10)
    for _ in range(2):
        summary = await fill_to_summary(harness)
        await submit(harness, summary, TEACHER)
        harness.pop(EditMessageText)
    summary = await fill_to_summary(harness, location="Каб. 99")
    refused = await submit(harness, summary, TEACHER)
    assert refused.show_alert and "Вы подали 2 заявки за последние 10 мин" in (refused.text or "")
    assert len(await requests_in_db(harness)) == 2
    assert await harness.dp.storage.get_state(_key(TEACHER)) == "NewRequest:confirm"
    # Another user is not limited; and once the window has passed the same Submit works.
    summary_other = await fill_to_summary(harness, OTHER_TEACHER)
    await submit(harness, summary_other, OTHER_TEACHER)
    harness.pop(EditMessageText)
    async with harness.session_pool() as session, session.begin():
        await session.execute(update(Request).values(created_at=utcnow() - timedelta(minutes=11)))
    await submit(harness, summary, TEACHER)
    created = harness.pop(EditMessageText)
    assert "Заявка #4 зарегистрирована" in created.text and "Каб. 99" in created.text


async def test_invisible_place_and_description_are_asked_again(harness: Harness) -> None:
    """Zero-width characters alone are no place and no description (nothing is lost)."""
    await walk_to_step(harness, 2)
    for invisible, hint in [
        ("\u200b\u200b\u200b", "Напишите место текстом"),
        ("\ufeff \u2060\u200e", "Напишите место текстом"),
        ("\u200b5\u200b", "хотя бы 2 символа"),
    ]:
        await harness.feed(message(TEACHER, invisible))
        answer = harness.pop(SendMessage)
        assert hint in answer.text and "Шаг 2/5" in answer.text
    assert "location" not in await harness.dp.storage.get_data(_key(TEACHER))
    await harness.feed(message(TEACHER, "\u200bКаб.\u200b 5\u200b"))
    assert "Шаг 3/5" in harness.pop(SendMessage).text

    await harness.feed(message(TEACHER, "\u200b" * 40))
    answer = harness.pop(SendMessage)
    assert "Опишите проблему словами" in answer.text and "Шаг 3/5" in answer.text
    await harness.feed(message(TEACHER, "\u200bок\u200b\u200b\u200b"))
    assert "хотя бы в 5 символах" in harness.pop(SendMessage).text
    # A photo with an invisible caption: the photo is kept, the description still asked.
    await harness.feed(photo(TEACHER, "kept", caption="\u200b\u200c\u200d\u200b\u200b"))
    answer = harness.pop(SendMessage)
    assert "Файл прикреплён" in answer.text and "Шаг 3/5" in answer.text
    data = await harness.dp.storage.get_data(_key(TEACHER))
    assert data["location"] == "Каб. 5" and "description" not in data
    assert [f["file_id"] for f in data["files"]] == ["kept"]


async def test_document_with_a_long_mime_type_is_filed(harness: Harness) -> None:
    """The sender names the MIME type; a long one is kept clipped, and Submit works."""
    await walk_to_step(harness, 4)
    long_type = "image/vnd." + "x" * 300
    await harness.feed(document(TEACHER, "scan", mime_type=long_type, file_name="scan.img"))
    assert "Файл 1 из 10" in harness.pop(SendMessage).text
    await harness.feed(press(TEACHER, DraftNavCb(action=DraftNav.DONE)))
    step(harness)
    await harness.feed(press(TEACHER, DraftPriorityCb(priority=Priority.NORMAL)))
    summary = step(harness)

    assert not (await submit(harness, summary, TEACHER)).show_alert
    assert "Заявка #1 зарегистрирована" in harness.pop(EditMessageText).text
    async with harness.session_pool() as session:
        [kept] = (await session.scalars(select(Attachment))).all()
    assert kept.file_id == "scan" and kept.mime_type == long_type[:128]


async def test_english_dialog(harness: Harness) -> None:
    await harness.feed(message(OTHER_TEACHER, "/new"))
    first = harness.pop(SendMessage)
    assert "What is broken?" in first.text
    assert ("Heating", DraftCategoryCb(id=HEATING).pack()) in buttons(first.reply_markup)


async def test_staff_member_files_a_request(harness: Harness) -> None:
    """An admin can file a request too; they get the staff card like every admin."""
    await start_admin(harness)
    summary = await fill_to_summary(harness, ADMIN)
    await submit(harness, summary, ADMIN)
    assert "Заявка #1 зарегистрирована" in harness.pop(EditMessageText).text
    await harness.deliver_outbox()
    assert harness.pop(SendMessage).chat_id == ADMIN.id
    async with harness.session_pool() as session:
        role = await session.scalar(select(User.role).where(User.telegram_id == ADMIN.id))
    assert role is Role.ADMIN


def _key(person: Person) -> Any:
    from aiogram.fsm.storage.base import StorageKey

    from tests.recording_session import BOT_ID

    return StorageKey(bot_id=BOT_ID, chat_id=person.id, user_id=person.id)
