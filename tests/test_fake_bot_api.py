"""The fake Bot API server, driven by a real aiogram Bot over HTTP."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiogram import Bot, Dispatcher, F
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramUnauthorizedError,
)
from aiogram.types import (
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaPhoto,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
)
from aiogram.utils.text_decorations import html_decoration

from tests.fake_bot_api import FakeBotAPI

TOKEN = "4242:TEST-fake-api-token"
USER = {"id": 1001, "is_bot": False, "first_name": "Мария", "language_code": "ru"}
CHAT = {"id": 1001, "type": "private", "first_name": "Мария"}


def make_bot(api: FakeBotAPI, token: str = TOKEN) -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(api.url))
    return Bot(token, session=session, default=DefaultBotProperties(parse_mode="HTML"))


def text_update(text: str) -> dict[str, Any]:
    return {
        "message": {
            "message_id": 500,
            "date": int(time.time()),
            "chat": CHAT,
            "from": USER,
            "text": text,
        }
    }


@pytest.fixture
async def api() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI(TOKEN) as server:
        yield server


@pytest.fixture
async def bot(api: FakeBotAPI) -> AsyncIterator[Bot]:
    bot = make_bot(api)
    yield bot
    await bot.session.close()


async def test_send_message_with_reply_keyboard(api: FakeBotAPI, bot: Bot) -> None:
    keyboard = ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text="Новая заявка"), KeyboardButton(text="Мои заявки")]],
        resize_keyboard=True,
    )

    first = await bot.send_message(1001, "Выберите действие", reply_markup=keyboard)
    second = await bot.send_message(1001, "Ещё раз")

    assert isinstance(first, Message)
    assert first.chat.id == 1001
    assert first.text == "Выберите действие"
    assert first.from_user is not None
    assert first.from_user.id == 4242
    assert second.message_id == first.message_id + 1
    assert first.reply_markup is None  # Telegram never echoes a reply keyboard

    method, params = await api.wait_for("sendMessage")
    assert method == "sendMessage"
    assert params["chat_id"] == 1001
    assert params["text"] == "Выберите действие"
    assert params["parse_mode"] == "HTML"
    assert params["reply_markup"]["resize_keyboard"] is True
    assert [b["text"] for b in params["reply_markup"]["keyboard"][0]] == [
        "Новая заявка",
        "Мои заявки",
    ]
    call = await api.wait_for("sendMessage")
    assert call.params["text"] == "Ещё раз"
    assert api.unconsumed() == []


async def test_get_updates_returns_pushed_update_and_confirms_by_offset(
    api: FakeBotAPI, bot: Bot
) -> None:
    pushed = api.push_update(text_update("/start"))

    updates = await bot.get_updates(timeout=5)

    assert [u.update_id for u in updates] == [pushed["update_id"]]
    assert updates[0].message is not None
    assert updates[0].message.text == "/start"
    assert updates[0].message.from_user is not None
    assert updates[0].message.from_user.id == 1001

    # Asking from the next id confirms it; an empty queue long-polls at most ~1 s.
    started = time.monotonic()
    assert await bot.get_updates(offset=pushed["update_id"] + 1, timeout=30) == []
    assert 0.5 < time.monotonic() - started < 3


async def test_long_poll_wakes_up_on_push(api: FakeBotAPI, bot: Bot) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=30))
    await asyncio.sleep(0.1)
    api.push_update(text_update("hello"))

    updates = await asyncio.wait_for(poll, timeout=2)

    assert [u.message.text for u in updates if u.message] == ["hello"]


async def test_retry_after_is_injected_once(api: FakeBotAPI, bot: Bot) -> None:
    api.fail_next("sendMessage", 429, "Too Many Requests: retry after 7", retry_after=7)

    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(1001, "Заявка №1 создана")
    assert caught.value.retry_after == 7

    sent = await bot.send_message(1001, "Заявка №1 создана")
    assert sent.text == "Заявка №1 создана"
    assert [(c.method, c.status) for c in api.calls] == [("sendMessage", 429), ("sendMessage", 200)]


async def test_dispatcher_polling_end_to_end(api: FakeBotAPI, bot: Bot) -> None:
    dp = Dispatcher()

    @dp.message(F.text)
    async def echo(message: Message) -> None:
        await message.answer(f"Вы написали: {html_decoration.quote(message.text or '')}")

    polling = asyncio.create_task(
        dp.start_polling(bot, handle_signals=False, close_bot_session=False)
    )
    try:
        api.push_update(text_update("<b>кран</b> течёт"))
        api.push_update(text_update("второе"))
        first = await api.wait_for("sendMessage", timeout=5)
        second = await api.wait_for("sendMessage", timeout=5)
    finally:
        await dp.stop_polling()
        await polling

    assert first.params["chat_id"] == 1001
    assert first.params["text"] == "Вы написали: &lt;b&gt;кран&lt;/b&gt; течёт"
    assert second.params["text"] == "Вы написали: второе"
    assert api.calls_to("getMe"), "polling starts with getMe"
    assert api.unconsumed() == []


async def test_unescaped_html_and_long_callback_data_are_rejected(
    api: FakeBotAPI, bot: Bot
) -> None:
    with pytest.raises(TelegramBadRequest, match="Unsupported start tag"):
        await bot.send_message(1001, "Ученик написал <script>")
    with pytest.raises(TelegramBadRequest, match="Can't find end tag"):
        await bot.send_message(1001, "<b>Кабинет 12")
    with pytest.raises(TelegramBadRequest, match="unescaped"):
        await bot.send_message(1001, "Кабинет <12> не открывается")
    with pytest.raises(TelegramBadRequest, match="unescaped"):
        await bot.send_message(1001, "Трубы & батареи")
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(
            1001,
            "Заявка",
            reply_markup=InlineKeyboardMarkup(
                inline_keyboard=[[InlineKeyboardButton(text="Взять", callback_data="x" * 65)]]
            ),
        )
    sent = await bot.send_message(1001, "<b>Кабинет</b> &lt;12&gt; &amp; батареи")
    assert sent.text == "<b>Кабинет</b> &lt;12&gt; &amp; батареи"


async def test_inline_keyboard_edit_and_not_modified(api: FakeBotAPI, bot: Bot) -> None:
    markup = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="Взять в работу", callback_data="r:take:1")]]
    )
    card = await bot.send_message(1001, "Заявка №1", reply_markup=markup)
    assert card.reply_markup is not None
    assert card.reply_markup.inline_keyboard[0][0].callback_data == "r:take:1"

    edited = await bot.edit_message_text(
        "Заявка №1 — в работе", chat_id=1001, message_id=card.message_id
    )
    assert isinstance(edited, Message)
    assert edited.message_id == card.message_id
    assert edited.reply_markup is None  # an edit without reply_markup removes the keyboard

    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text(
            "Заявка №1 — в работе", chat_id=1001, message_id=card.message_id
        )


async def test_files_round_trip(api: FakeBotAPI, bot: Bot) -> None:
    path = api.add_file("doc-1", b"%PDF-1.4 fake")
    file = await bot.get_file("doc-1")
    assert file.file_path == path
    downloaded = await bot.download_file(path)
    assert downloaded is not None
    assert downloaded.read() == b"%PDF-1.4 fake"

    sent = await bot.send_photo(
        1001, BufferedInputFile(b"\x89PNG fake", filename="leak.png"), caption="Фото"
    )
    assert sent.photo is not None
    upload = api.calls_to("sendPhoto")[0]
    assert [u.data for u in upload.files.values()] == [b"\x89PNG fake"]
    assert api.file_bytes(sent.photo[-1].file_id) == b"\x89PNG fake"

    album = await bot.send_media_group(
        1001,
        media=[
            InputMediaPhoto(media="photo-a", caption="1"),
            InputMediaPhoto(media="photo-b"),
        ],
    )
    assert len(album) == 2
    assert album[0].media_group_id == album[1].media_group_id
    assert album[0].caption == "1"

    with pytest.raises(TelegramBadRequest, match="invalid file_id"):
        await bot.get_file("missing")


async def test_errors_that_look_like_telegram(api: FakeBotAPI, bot: Bot) -> None:
    wrong = make_bot(api, token="4242:wrong")
    try:
        with pytest.raises(TelegramUnauthorizedError):
            await wrong.get_me()
    finally:
        await wrong.session.close()

    with pytest.raises(TelegramNotFound):
        await bot.get_chat_member_count(-100500)  # not modelled unless a result is given
    api.set_result("getChatMemberCount", lambda params: 3 if params["chat_id"] == -100500 else 0)
    assert await bot.get_chat_member_count(-100500) == 3

    api.block(1001)
    with pytest.raises(TelegramForbiddenError, match="blocked"):
        await bot.send_message(1001, "Заявка закрыта")

    with pytest.raises(TimeoutError, match="no matching copyMessage"):
        await api.wait_for("copyMessage", timeout=0.2)
