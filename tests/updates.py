"""Builders of incoming updates: what a person does in the Telegram client."""

from __future__ import annotations

import io
import itertools
from dataclasses import dataclass
from datetime import UTC, datetime

from aiogram.filters.callback_data import CallbackData
from aiogram.types import (
    CallbackQuery,
    Chat,
    Document,
    Message,
    MessageEntity,
    PhotoSize,
    Sticker,
    Update,
)
from aiogram.types import User as TgUser

_update_ids = itertools.count(1)
_message_ids = itertools.count(1)
_media_groups = itertools.count(1)


@dataclass(frozen=True)
class Person:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = "ru"

    @property
    def tg(self) -> TgUser:
        return TgUser(
            id=self.id,
            is_bot=False,
            first_name=self.first_name,
            last_name=self.last_name,
            username=self.username,
            language_code=self.language_code,
        )

    @property
    def chat(self) -> Chat:
        return Chat(id=self.id, type="private", first_name=self.first_name)


def _message(person: Person, chat: Chat | None = None, **fields: object) -> Message:
    return Message(
        message_id=next(_message_ids),
        date=datetime.now(UTC),
        chat=chat or person.chat,
        from_user=person.tg,
        **fields,  # type: ignore[arg-type]
    )


def _update(**fields: object) -> Update:
    return Update(update_id=next(_update_ids), **fields)  # type: ignore[arg-type]


def message(person: Person, text: str, chat: Chat | None = None) -> Update:
    entities = None
    if text.startswith("/"):
        entities = [MessageEntity(type="bot_command", offset=0, length=len(text.split()[0]))]
    return _update(message=_message(person, chat, text=text, entities=entities))


command = message


def photo(
    person: Person,
    file_id: str = "photo-1",
    caption: str | None = None,
    *,
    media_group_id: str | None = None,
    file_size: int = 50_000,
) -> Update:
    sizes = [
        PhotoSize(file_id=f"{file_id}-s", file_unique_id=f"{file_id}-us", width=90, height=90),
        PhotoSize(
            file_id=file_id,
            file_unique_id=f"u-{file_id}",
            width=1280,
            height=960,
            file_size=file_size,
        ),
    ]
    return _update(
        message=_message(person, photo=sizes, caption=caption, media_group_id=media_group_id)
    )


def album(person: Person, file_ids: list[str], caption: str | None = None) -> list[Update]:
    group = f"album-{next(_media_groups)}"
    return [
        photo(person, fid, caption if i == 0 else None, media_group_id=group)
        for i, fid in enumerate(file_ids)
    ]


def document(
    person: Person,
    file_id: str = "doc-1",
    *,
    mime_type: str = "application/pdf",
    file_name: str = "act.pdf",
    file_size: int = 100_000,
    caption: str | None = None,
) -> Update:
    doc = Document(
        file_id=file_id,
        file_unique_id=f"u-{file_id}",
        mime_type=mime_type,
        file_name=file_name,
        file_size=file_size,
    )
    return _update(message=_message(person, document=doc, caption=caption))


def spreadsheet(rows: list[list[object]]) -> bytes:
    """The bytes of an .xlsx file with `rows` on its first sheet (to send as a document)."""
    # Imported here: `make bench` imports this module and never needs openpyxl's ~20 MB
    # (the benchmark reports the peak RSS).
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def sticker(person: Person) -> Update:
    st = Sticker(
        file_id="sticker-1",
        file_unique_id="us-1",
        type="regular",
        width=512,
        height=512,
        is_animated=False,
        is_video=False,
    )
    return _update(message=_message(person, sticker=st))


def press(person: Person, data: CallbackData | str, on_message: Message | None = None) -> Update:
    packed = data if isinstance(data, str) else data.pack()
    msg = on_message or Message(
        message_id=next(_message_ids),
        date=datetime.now(UTC),
        chat=person.chat,
        text="…",
    )
    return _update(
        callback_query=CallbackQuery(
            id=f"cq-{next(_update_ids)}",
            from_user=person.tg,
            chat_instance="ci",
            message=msg,
            data=packed,
        )
    )
