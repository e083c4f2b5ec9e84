"""Photos and files of a request, served through the panel.

The browser never sees a Bot API URL (it carries the bot token): the panel asks getFile,
downloads the bytes and keeps recent files in memory, up to a total size.
"""

from __future__ import annotations

import asyncio
import io
from collections import OrderedDict
from dataclasses import dataclass

import structlog
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest

from models import Attachment, AttachmentKind

log = structlog.get_logger(__name__)

# The Bot API lets a bot download files up to 20 MB.
MAX_FILE_BYTES = 20 * 1024 * 1024
CACHE_BYTES = 64 * 1024 * 1024
SAFE_INLINE = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp", "application/pdf"})


class FileTooLarge(Exception):
    pass


class FileGone(Exception):
    """Telegram no longer has the file (its file_id is refused, or no path is given)."""


@dataclass(frozen=True, slots=True)
class ServedFile:
    data: bytes
    media_type: str
    inline: bool  # shown in the page; anything else is downloaded, never rendered


def media_type(attachment: Attachment) -> tuple[str, bool]:
    if attachment.kind is AttachmentKind.PHOTO:
        return "image/jpeg", True  # Telegram re-encodes photos as JPEG
    mime = (attachment.mime_type or "").lower()
    if mime in SAFE_INLINE:
        return mime, True
    return "application/octet-stream", False


class FileCache:
    """Least recently used files, keyed by Telegram's file_unique_id, up to `max_bytes`."""

    def __init__(self, max_bytes: int = CACHE_BYTES, max_file: int = MAX_FILE_BYTES) -> None:
        self.max_bytes = max_bytes
        self.max_file = max_file
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._size = 0
        self._lock = asyncio.Lock()

    def get(self, key: str) -> bytes | None:
        data = self._items.get(key)
        if data is not None:
            self._items.move_to_end(key)
        return data

    def put(self, key: str, data: bytes) -> None:
        if len(data) > self.max_bytes or key in self._items:
            return
        self._items[key] = data
        self._size += len(data)
        while self._size > self.max_bytes:
            _, old = self._items.popitem(last=False)
            self._size -= len(old)

    async def fetch(self, bot: Bot, attachment: Attachment) -> ServedFile:
        media, inline = media_type(attachment)
        key = attachment.file_unique_id
        data = self.get(key)
        if data is None:
            if attachment.file_size is not None and attachment.file_size > self.max_file:
                raise FileTooLarge
            async with self._lock:  # one download at a time: the panel has few users
                data = self.get(key)
                if data is None:
                    data = await self._download(bot, attachment)
                    self.put(key, data)
        return ServedFile(data, media, inline)

    async def _download(self, bot: Bot, attachment: Attachment) -> bytes:
        try:
            file = await bot.get_file(attachment.file_id)
        except TelegramBadRequest as exc:  # "invalid file_id", "file is temporarily unavailable"
            raise FileGone(attachment.id) from exc
        if file.file_size is not None and file.file_size > self.max_file:
            raise FileTooLarge
        if file.file_path is None:
            raise FileGone(attachment.id)
        buffer = io.BytesIO()
        await bot.download_file(file.file_path, destination=buffer)
        data = buffer.getvalue()  # the download seeks back to 0: tell() would say 0
        log.info("panel_file_downloaded", attachment_id=attachment.id, size=len(data))
        return data
