"""The first five minutes: the setup link, the staff group (/here, the join button), /invite.

Through the production dispatcher on PostgreSQL and Redis; the start-up hook is the one
polling and the webhook emit (`Dispatcher.emit_startup`).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pypdfium2
import pytest
import zxingcpp
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageText,
    SendDocument,
    SendMessage,
    SetMyCommands,
)
from aiogram.types import (
    BufferedInputFile,
    Chat,
    ChatMemberLeft,
    ChatMemberMember,
    Message,
    MessageEntity,
    ReplyKeyboardMarkup,
    Update,
)
from aiogram.types import User as TgUser
from sqlalchemy import func, select

from bot.commands import ROLE_COMMANDS
from bot.services import onboarding
from models import ChatBinding, Role, SetupCode, User
from tests.conftest import ADMIN, TEACHER, Harness
from tests.recording_session import BOT_ID
from tests.staff import add_person
from tests.test_new_request import fill_to_summary, submit
from tests.updates import Person, message, press
from utils.callbacks import StaffChatCb
from utils.deep_links import SETUP_PREFIX
from utils.i18n import Translator

BOT_USERNAME = "zavhoz_bot"  # what the recording session answers to getMe
LINK_RE = re.compile(rf"https://t\.me/{BOT_USERNAME}\?start=([A-Za-z0-9_-]+)")
GROUP = Chat(id=-100_777, type="supergroup", title="Завхозы")
FORUM = Chat(id=-100_888, type="supergroup", title="Школа", is_forum=True)
NEWCOMER = Person(id=900_010, first_name="Нина", last_name="Директорова")


# --------------------------------------------------------------------------- helpers
@pytest.fixture
def t(harness: Harness) -> Translator:
    return harness.catalogue.translator("ru")


@pytest.fixture
async def unclaimed(harness: Harness) -> AsyncIterator[Harness]:
    """A fresh install: no ADMIN_IDS, nobody in the database."""
    harness.settings = harness.settings.model_copy(update={"admin_ids": frozenset()})
    harness.restart()
    yield harness
    await harness.dp.emit_shutdown(bot=harness.bot, **harness.dp.workflow_data)


async def start_up(harness: Harness, capsys: pytest.CaptureFixture[str]) -> str:
    """The dispatcher's start-up, as polling runs it; what it printed on the console."""
    await harness.dp.emit_startup(bot=harness.bot, **harness.dp.workflow_data)
    return capsys.readouterr().out


def setup_payload(console: str) -> str:
    found = set(LINK_RE.findall(console))  # printed, and logged (one and the same)
    assert len(found) == 1, console
    return str(found.pop())


def in_chat(person: Person, chat: Chat, text: str, *, topic: int | None = None) -> Update:
    entities = None
    if text.startswith("/"):
        entities = [MessageEntity(type="bot_command", offset=0, length=len(text.split()[0]))]
    msg = Message(
        message_id=7,
        date=datetime.now(UTC),
        chat=chat,
        from_user=person.tg,
        text=text,
        entities=entities,
        message_thread_id=topic,
        is_topic_message=True if topic is not None else None,
    )
    return Update(update_id=abs(hash((person.id, chat.id, text))) % 10**9, message=msg)


def membership(person: Person, chat: Chat, *, joined: bool) -> Update:
    """The bot's own membership in `chat` changed, by `person` (added, or removed)."""
    me = TgUser(id=BOT_ID, is_bot=True, first_name="ZAVhoz", username=BOT_USERNAME)
    before, after = (ChatMemberLeft(user=me), ChatMemberMember(user=me))
    if not joined:
        before, after = after, before
    return Update.model_validate(
        {
            "update_id": 777_001,
            "my_chat_member": {
                "chat": chat,
                "from": person.tg,
                "date": datetime.now(UTC),
                "old_chat_member": before,
                "new_chat_member": after,
            },
        }
    )


def bot_added(person: Person, chat: Chat) -> Update:
    return membership(person, chat, joined=True)


def menu_buttons(markup: object) -> list[str]:
    assert isinstance(markup, ReplyKeyboardMarkup), markup
    return [b.text for row in markup.keyboard for b in row]


async def role_of(harness: Harness, person: Person) -> Role | None:
    async with harness.session_pool() as session:
        return await session.scalar(select(User.role).where(User.telegram_id == person.id))


async def binding(harness: Harness) -> ChatBinding | None:
    async with harness.session_pool() as session:
        return await session.get(ChatBinding, "staff")


async def new_request_cards(harness: Harness) -> list[SendMessage]:
    """A teacher files a request; the staff cards the outbox then delivers."""
    summary = await fill_to_summary(harness, TEACHER)
    await submit(harness, summary, TEACHER)
    harness.pop(EditMessageText)  # the teacher's summary becomes the card
    await harness.deliver_outbox()
    sent = harness.pop_all()
    assert all(isinstance(m, SendMessage) for m in sent), sent
    return [m for m in sent if isinstance(m, SendMessage)]


async def issue_code(harness: Harness) -> str:
    async with harness.session_pool() as session:
        return await onboarding.issue_setup_code(session)


# ------------------------------------------------------------------ claiming the bot
async def test_start_prints_a_setup_link_that_makes_the_opener_admin(
    unclaimed: Harness, capsys: pytest.CaptureFixture[str], t: Translator
) -> None:
    payload = setup_payload(await start_up(unclaimed, capsys))
    assert payload.startswith(SETUP_PREFIX) and len(payload) <= 64
    assert re.fullmatch(r"[A-Za-z0-9_-]+", payload)

    await unclaimed.feed(message(NEWCOMER, f"/start {payload}"))

    commands = unclaimed.pop(SetMyCommands)
    assert [c.command for c in commands.commands] == list(ROLE_COMMANDS[Role.ADMIN])
    welcome = unclaimed.pop(SendMessage)
    assert welcome.chat_id == NEWCOMER.id and welcome.text == t("setup-claimed")
    assert t("menu-admin") in menu_buttons(welcome.reply_markup)
    assert await role_of(unclaimed, NEWCOMER) is Role.ADMIN
    async with unclaimed.session_pool() as session:
        code = (await session.scalars(select(SetupCode))).one()
    assert payload not in code.code_hash and code.used_at is not None  # only a hash is kept

    await unclaimed.feed(message(NEWCOMER, "/admin"))
    assert unclaimed.pop(SendMessage).text == t("panel-title")


async def test_a_second_person_opening_the_link_is_refused(
    unclaimed: Harness, capsys: pytest.CaptureFixture[str], t: Translator
) -> None:
    payload = setup_payload(await start_up(unclaimed, capsys))
    await unclaimed.feed(message(NEWCOMER, f"/start {payload}"))
    unclaimed.pop(SetMyCommands)
    unclaimed.pop(SendMessage)

    await unclaimed.feed(message(TEACHER, f"/start {payload}"))

    refusal = unclaimed.pop(SendMessage)
    assert refusal.text == t("setup-invalid")
    assert t("menu-admin") not in menu_buttons(refusal.reply_markup)
    assert await role_of(unclaimed, TEACHER) is Role.USER


async def test_a_guessed_code_is_refused(unclaimed: Harness, t: Translator) -> None:
    await issue_code(unclaimed)
    for guess in ("setup-x", "setup-" + "A" * 32):
        await unclaimed.feed(message(TEACHER, f"/start {guess}"))
        assert unclaimed.pop(SendMessage).text == t("setup-invalid")
    assert await role_of(unclaimed, TEACHER) is Role.USER
    async with unclaimed.session_pool() as session:
        assert await session.scalar(select(SetupCode.used_at)) is None  # the real one lives


async def test_a_fresh_link_kills_the_previous_one(unclaimed: Harness, t: Translator) -> None:
    old = await issue_code(unclaimed)
    new = await issue_code(unclaimed)

    await unclaimed.feed(message(TEACHER, f"/start {old}"))
    assert unclaimed.pop(SendMessage).text == t("setup-invalid")
    await unclaimed.feed(message(NEWCOMER, f"/start {new}"))
    unclaimed.pop(SetMyCommands)
    assert unclaimed.pop(SendMessage).text == t("setup-claimed")
    assert (await role_of(unclaimed, TEACHER), await role_of(unclaimed, NEWCOMER)) == (
        Role.USER,
        Role.ADMIN,
    )


async def test_two_people_at_once_make_one_admin(unclaimed: Harness, t: Translator) -> None:
    code = await issue_code(unclaimed)
    # Both are known users already, so the race is on the code, not on registration.
    for person in (TEACHER, NEWCOMER):
        await unclaimed.feed(message(person, "/help"))
    unclaimed.pop_all()

    await asyncio.gather(
        *(unclaimed.feed(message(p, f"/start {code}")) for p in (TEACHER, NEWCOMER))
    )

    texts = sorted(m.text for m in unclaimed.pop_all() if isinstance(m, SendMessage))
    assert texts == sorted([t("setup-claimed"), t("setup-invalid")])
    async with unclaimed.session_pool() as session:
        admins = await session.scalar(select(func.count()).where(User.role == Role.ADMIN))
    assert admins == 1


async def test_no_link_once_someone_can_administer(
    harness: Harness, capsys: pytest.CaptureFixture[str]
) -> None:
    # ADMIN_IDS is set (the harness's settings): nobody needs a setup link.
    assert "https://t.me/" not in await start_up(harness, capsys)
    await harness.dp.emit_shutdown(bot=harness.bot, **harness.dp.workflow_data)
    async with harness.session_pool() as session:
        assert await session.scalar(select(func.count()).select_from(SetupCode)) == 0


async def test_no_link_when_an_admin_is_in_the_database(
    unclaimed: Harness, capsys: pytest.CaptureFixture[str]
) -> None:
    await add_person(unclaimed.session_pool, NEWCOMER, Role.ADMIN)  # claimed earlier
    assert "https://t.me/" not in await start_up(unclaimed, capsys)


async def test_other_start_payloads_are_a_plain_start(harness: Harness, t: Translator) -> None:
    await harness.feed(message(TEACHER, "/start invite"))
    greeting = harness.pop(SendMessage)
    assert greeting.text.startswith(t("start-greeting", name="Мария Учителева"))


# ------------------------------------------------------------------- the staff group
async def test_here_binds_the_group_and_new_requests_arrive_there(
    harness: Harness, t: Translator
) -> None:
    await harness.feed(in_chat(ADMIN, GROUP, "/here"))

    confirmation = harness.pop(SendMessage)
    assert (confirmation.chat_id, confirmation.text) == (GROUP.id, t("here-bound"))
    bound = await binding(harness)
    assert bound is not None and (bound.chat_id, bound.thread_id) == (GROUP.id, None)
    cards = await new_request_cards(harness)
    assert GROUP.id in {c.chat_id for c in cards}


async def test_the_binding_survives_a_restart(
    harness: Harness, capsys: pytest.CaptureFixture[str]
) -> None:
    await harness.feed(in_chat(ADMIN, GROUP, "/here"))
    harness.pop(SendMessage)

    harness.restart()  # a new process: it knows the group only from the database
    await start_up(harness, capsys)
    try:
        cards = await new_request_cards(harness)
    finally:
        await harness.dp.emit_shutdown(bot=harness.bot, **harness.dp.workflow_data)
    assert GROUP.id in {c.chat_id for c in cards}


async def test_here_in_a_forum_topic_sends_requests_to_that_topic(
    harness: Harness, t: Translator
) -> None:
    await harness.feed(in_chat(ADMIN, FORUM, "/here", topic=42))

    confirmation = harness.pop(SendMessage)
    assert confirmation.text == t("here-bound-topic")
    assert confirmation.message_thread_id == 42  # the answer stays in the topic
    cards = await new_request_cards(harness)
    [group_card] = [c for c in cards if c.chat_id == FORUM.id]
    assert group_card.message_thread_id == 42


async def test_here_by_a_non_admin_changes_nothing(harness: Harness, t: Translator) -> None:
    await harness.feed(in_chat(TEACHER, GROUP, "/here"))

    assert harness.pop(SendMessage).text == t("here-not-allowed")
    assert await binding(harness) is None
    cards = await new_request_cards(harness)
    assert GROUP.id not in {c.chat_id for c in cards}


async def test_admin_chat_id_wins_over_the_binding(harness: Harness, t: Translator) -> None:
    harness.settings = harness.settings.model_copy(update={"admin_chat_id": -100_500})
    harness.restart()

    await harness.feed(in_chat(ADMIN, GROUP, "/here"))

    assert harness.pop(SendMessage).text == t("here-bound-overridden")
    chats = {c.chat_id for c in await new_request_cards(harness)}
    assert -100_500 in chats and GROUP.id not in chats


async def test_here_in_private_says_where_to_send_it(harness: Harness, t: Translator) -> None:
    await harness.feed(message(ADMIN, "/here"))
    assert harness.pop(SendMessage).text == t("here-private")
    assert await binding(harness) is None


async def test_an_admin_adding_the_bot_is_asked_and_may_bind(
    harness: Harness, t: Translator
) -> None:
    await harness.feed(bot_added(ADMIN, GROUP))

    question = harness.pop(SendMessage)
    assert (question.chat_id, question.text) == (GROUP.id, t("join-ask"))
    assert question.reply_markup is not None
    [[button]] = question.reply_markup.inline_keyboard  # type: ignore[union-attr]
    assert button.callback_data == StaffChatCb().pack()
    asked = Message(message_id=55, date=datetime.now(UTC), chat=GROUP, text=question.text)

    await harness.feed(press(TEACHER, StaffChatCb(), asked))  # a teacher in the group
    refusal = harness.pop(AnswerCallbackQuery)
    assert refusal.show_alert and refusal.text == t("join-not-allowed")
    assert await binding(harness) is None

    await harness.feed(press(ADMIN, StaffChatCb(), asked))
    harness.pop(AnswerCallbackQuery)
    edited = harness.pop(EditMessageText)
    assert (edited.chat_id, edited.message_id, edited.text) == (GROUP.id, 55, t("here-bound"))
    assert edited.reply_markup is None
    bound = await binding(harness)
    assert bound is not None and bound.chat_id == GROUP.id


async def test_a_non_admin_adding_the_bot_gets_no_question(harness: Harness) -> None:
    await harness.feed(bot_added(TEACHER, GROUP))
    harness.expect_nothing()


async def test_the_binding_follows_a_group_that_became_a_supergroup(
    harness: Harness,
) -> None:
    old = Chat(id=-4_000_123, type="group", title="Завхозы")
    await harness.feed(in_chat(ADMIN, old, "/here"))
    harness.pop(SendMessage)
    migrated = Message(
        message_id=8,
        date=datetime.now(UTC),
        chat=old,
        from_user=ADMIN.tg,
        migrate_to_chat_id=GROUP.id,
    )
    await harness.feed(Update(update_id=880_001, message=migrated))

    bound = await binding(harness)
    assert bound is not None and bound.chat_id == GROUP.id
    assert GROUP.id in {c.chat_id for c in await new_request_cards(harness)}


async def test_removing_the_bot_from_the_staff_group_unbinds_it(harness: Harness) -> None:
    await harness.feed(in_chat(ADMIN, GROUP, "/here"))
    harness.pop(SendMessage)

    await harness.feed(membership(TEACHER, GROUP, joined=False))  # any group admin may

    assert await binding(harness) is None
    assert GROUP.id not in {c.chat_id for c in await new_request_cards(harness)}


# ------------------------------------------------------------------ inviting the staff
def pdf_page(data: bytes) -> tuple[str, list[str], Any]:
    """The first page's text, the QR codes found on it rendered, and its size (points)."""
    document = pypdfium2.PdfDocument(data)
    page = document[0]
    text = page.get_textpage().get_text_range()
    image = page.render(scale=1.5).to_pil()
    codes = [found.text for found in zxingcpp.read_barcodes(image)]
    return text, codes, page.get_size()


async def test_invite_gives_a_link_and_a_poster_whose_qr_opens_it(
    harness: Harness, t: Translator
) -> None:
    await harness.feed(message(ADMIN, "/invite"))

    link = f"https://t.me/{BOT_USERNAME}?start=invite"
    assert harness.pop(SendMessage).text == t("invite-text", link=link)
    sent = harness.pop(SendDocument)
    assert sent.caption == t("invite-poster-caption")
    assert isinstance(sent.document, BufferedInputFile)
    assert sent.document.filename.endswith(".pdf")
    text, codes, (width, height) = pdf_page(sent.document.data)
    assert codes == [link]
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    flat = " ".join(text.split())
    for key in ("invite-poster-title", "invite-poster-line1", "invite-poster-line2"):
        assert " ".join(t(key).split()) in flat, (key, flat)


async def test_invite_in_english_for_an_english_admin(harness: Harness) -> None:
    english_admin = Person(id=ADMIN.id, first_name="Anna", language_code="en")
    await harness.feed(message(english_admin, "/invite"))
    en = harness.catalogue.translator("en")
    harness.pop(SendMessage)
    text, _, _ = pdf_page(harness.pop(SendDocument).document.data)  # type: ignore[union-attr]
    assert " ".join(en("invite-poster-line1").split()) in " ".join(text.split())


async def test_invite_is_for_admins_only(harness: Harness, t: Translator) -> None:
    await harness.feed(message(TEACHER, "/invite"))
    assert harness.pop(SendMessage).text == t("not-allowed")
