"""A Bot session that records every API call and answers it in-process.

What the bot "sent" is read back in order (first in, first out) as typed aiogram method
objects. Results are well formed (a Message for sends and edits, True for answers), so
handlers behave as they would against Telegram. Faults can be queued per method to test
429s, 5xx, 403 and network errors.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import AsyncGenerator
from datetime import UTC, datetime
from typing import Any, TypeVar

from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.methods import (
    AnswerCallbackQuery,
    CopyMessage,
    EditMessageCaption,
    EditMessageReplyMarkup,
    EditMessageText,
    GetFile,
    GetMe,
    SendChatAction,
    SendDocument,
    SendMediaGroup,
    SendMessage,
    SendPhoto,
    TelegramMethod,
)
from aiogram.methods.base import TelegramType
from aiogram.types import (
    Chat,
    Document,
    File,
    InlineKeyboardMarkup,
    InputFile,
    Message,
    MessageId,
    PhotoSize,
    User,
)

M = TypeVar("M", bound=TelegramMethod[Any])

BOT_ID = 42
BOT_TOKEN = f"{BOT_ID}:TEST-TOKEN-FOR-TESTS"


class RecordingSession(BaseSession):
    def __init__(self) -> None:
        super().__init__()
        self.requests: deque[TelegramMethod[Any]] = deque()
        self.log: list[tuple[float, TelegramMethod[Any]]] = []  # (time, call), never popped
        self.faults: dict[str, deque[Exception]] = {}
        self._message_ids = itertools.count(1000)
        self.clock = lambda: datetime.now(UTC).timestamp()
        self.files: dict[str, bytes] = {}  # file_id -> content, for downloads

    # -- faults -----------------------------------------------------------------------
    def fail_next(self, method: type[TelegramMethod[Any]] | str, exc: Exception) -> None:
        name = method if isinstance(method, str) else method.__api_method__
        self.faults.setdefault(name, deque()).append(exc)

    # -- BaseSession ------------------------------------------------------------------
    async def close(self) -> None:
        return None

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None
    ) -> TelegramType:
        queued = self.faults.get(method.__api_method__)
        if queued:
            raise queued.popleft()
        if not isinstance(method, GetMe | GetFile):
            self.requests.append(method)
            self.log.append((self.clock(), method))
        return self._answer(method)  # type: ignore[no-any-return]

    async def stream_content(
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        # A file put into `files` under its file_id is served as itself.
        yield next(
            (data for path, data in self.files.items() if url.endswith(path)), b"fake-file-content"
        )

    # -- answers ----------------------------------------------------------------------
    def _message(self, chat_id: int | str, **fields: Any) -> Message:
        if not isinstance(fields.get("reply_markup"), InlineKeyboardMarkup | None):
            fields.pop("reply_markup")  # a Message carries only inline keyboards
        chat_type = "private" if isinstance(chat_id, int) and chat_id > 0 else "supergroup"
        return Message(
            message_id=next(self._message_ids),
            date=datetime.now(UTC),
            chat=Chat(id=int(chat_id), type=chat_type),
            from_user=User(id=BOT_ID, is_bot=True, first_name="ZAVhoz"),
            **fields,
        )

    @staticmethod
    def _file_id(value: str | InputFile) -> str:
        return value if isinstance(value, str) else "uploaded-file"

    def _answer(self, method: TelegramMethod[Any]) -> Any:
        match method:
            case GetMe():
                return User(id=BOT_ID, is_bot=True, first_name="ZAVhoz", username="zavhoz_bot")
            case GetFile():
                path = method.file_id if method.file_id in self.files else "photos/f.jpg"
                return File(file_id=method.file_id, file_unique_id="u", file_path=path)
            case SendMessage():
                return self._message(
                    method.chat_id, text=method.text, reply_markup=method.reply_markup
                )
            case SendPhoto():
                photo = PhotoSize(
                    file_id=self._file_id(method.photo), file_unique_id="p", width=1, height=1
                )
                return self._message(
                    method.chat_id,
                    photo=[photo],
                    caption=method.caption,
                    reply_markup=method.reply_markup,
                )
            case SendDocument():
                document = Document(file_id=self._file_id(method.document), file_unique_id="d")
                return self._message(method.chat_id, document=document, caption=method.caption)
            case SendMediaGroup():
                return [
                    self._message(
                        method.chat_id,
                        photo=[
                            PhotoSize(
                                file_id=self._file_id(m.media),
                                file_unique_id="p",
                                width=1,
                                height=1,
                            )
                        ],
                    )
                    for m in method.media
                ]
            case EditMessageText():
                return self._message(
                    method.chat_id or 0, text=method.text, reply_markup=method.reply_markup
                )
            case EditMessageReplyMarkup() | EditMessageCaption():
                return self._message(method.chat_id or 0, reply_markup=method.reply_markup)
            case CopyMessage():
                return MessageId(message_id=next(self._message_ids))
            case AnswerCallbackQuery() | SendChatAction():
                return True
        returning = getattr(method, "__returning__", None)
        if returning is bool:
            return True
        raise AssertionError(f"the recording session cannot answer {method.__api_method__}")


def make_bot(session: RecordingSession | None = None) -> Bot:
    """The production Bot (bot.app.build_bot: HTML, Telegram's limits) on a recording session."""
    from bot.app import build_bot
    from bot.settings import Settings

    settings = Settings(_env_file=None, bot_token=BOT_TOKEN)
    return build_bot(settings, session=session or RecordingSession())
