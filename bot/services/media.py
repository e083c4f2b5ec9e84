"""How files are shown in a chat: one photo, an album, one document or a group of them.

The one place that turns kept files into Bot API calls, for the author's "show photos",
the staff notification of a new request, and the files of a comment.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aiogram.methods import SendDocument, SendMediaGroup, SendPhoto, TelegramMethod
from aiogram.types import InputMediaDocument, InputMediaPhoto

from models import AttachmentKind
from models.files import FileRef

ALBUM_MAX = 10  # Telegram's sendMediaGroup takes 2-10 items


def file_methods(
    chat_id: int, files: Sequence[FileRef], caption: str | None = None
) -> list[TelegramMethod[Any]]:
    """The calls that show `files` in a chat, photos first; `caption` on the first of each."""
    methods: list[TelegramMethod[Any]] = []
    photos = [f for f in files if f.kind is AttachmentKind.PHOTO]
    documents = [f for f in files if f.kind is not AttachmentKind.PHOTO]
    for start in range(0, len(photos), ALBUM_MAX):
        methods.append(_photos(chat_id, photos[start : start + ALBUM_MAX], caption))
    for start in range(0, len(documents), ALBUM_MAX):
        methods.append(_documents(chat_id, documents[start : start + ALBUM_MAX], caption))
    return methods


def _photos(chat_id: int, photos: Sequence[FileRef], caption: str | None) -> TelegramMethod[Any]:
    if len(photos) == 1:
        return SendPhoto(chat_id=chat_id, photo=photos[0].file_id, caption=caption)
    media = [
        InputMediaPhoto(media=f.file_id, caption=caption if i == 0 else None)
        for i, f in enumerate(photos)
    ]
    return SendMediaGroup(chat_id=chat_id, media=media)  # type: ignore[arg-type]


def _documents(
    chat_id: int, documents: Sequence[FileRef], caption: str | None
) -> TelegramMethod[Any]:
    if len(documents) == 1:
        return SendDocument(chat_id=chat_id, document=documents[0].file_id, caption=caption)
    media = [
        InputMediaDocument(media=f.file_id, caption=caption if i == 0 else None)
        for i, f in enumerate(documents)
    ]
    return SendMediaGroup(chat_id=chat_id, media=media)  # type: ignore[arg-type]
