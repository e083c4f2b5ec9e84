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
    chat_id: int,
    files: Sequence[FileRef],
    caption: str | None = None,
    *,
    thread_id: int | None = None,
) -> list[TelegramMethod[Any]]:
    """The calls that show `files` in a chat (in a forum topic when `thread_id` is given),
    photos first; `caption` on the first of each."""
    photos = [f for f in files if f.kind is AttachmentKind.PHOTO]
    documents = [f for f in files if f.kind is not AttachmentKind.PHOTO]
    return [
        _send(chat_id, group[start : start + ALBUM_MAX], caption, thread_id, photo=group is photos)
        for group in (photos, documents)
        for start in range(0, len(group), ALBUM_MAX)
    ]


def _send(
    chat_id: int,
    files: Sequence[FileRef],
    caption: str | None,
    thread_id: int | None,
    *,
    photo: bool,
) -> TelegramMethod[Any]:
    """One file as itself, two to ten as an album (of photos, or of documents)."""
    if len(files) == 1:
        if photo:
            return SendPhoto(
                chat_id=chat_id,
                photo=files[0].file_id,
                caption=caption,
                message_thread_id=thread_id,
            )
        return SendDocument(
            chat_id=chat_id,
            document=files[0].file_id,
            caption=caption,
            message_thread_id=thread_id,
        )
    item = InputMediaPhoto if photo else InputMediaDocument
    media = [
        item(media=f.file_id, caption=caption if i == 0 else None) for i, f in enumerate(files)
    ]
    return SendMediaGroup(chat_id=chat_id, media=media, message_thread_id=thread_id)  # type: ignore[arg-type]
