"""Helpers shared by the requester's handlers (no router here)."""

from __future__ import annotations

from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.sender import is_not_modified
from bot.services.comments import FileRef
from models import AttachmentKind
from utils.validation import FileProblem, check_document, check_size


async def show(
    query_or_message: CallbackQuery | Message,
    text: str,
    markup: InlineKeyboardMarkup | None,
    *,
    edit: bool = True,
) -> None:
    """Edit the message the button was on (or send a new one); "not modified" is fine.

    A message that cannot be edited (too old, a photo) gets the text as a new message.
    """
    if isinstance(query_or_message, Message):
        await query_or_message.answer(text, reply_markup=markup)
        return
    message = query_or_message.message
    if edit and isinstance(message, Message):
        try:
            await message.edit_text(text, reply_markup=markup)
            return
        except TelegramBadRequest as exc:
            if is_not_modified(exc):
                return
            # Too old to edit, or a media message: say it in a new message instead.
    if message is not None:
        await query_or_message.bot.send_message(message.chat.id, text, reply_markup=markup)  # type: ignore[union-attr]


def incoming_file(message: Message) -> FileRef | FileProblem | None:
    """The photo or document of a message, or why it is refused (None: no file at all)."""
    if message.photo:
        best = message.photo[-1]
        return check_size(best.file_size) or FileRef(
            AttachmentKind.PHOTO, best.file_id, best.file_unique_id, "image/jpeg", best.file_size
        )
    if message.animation or message.video or message.audio or message.voice or message.video_note:
        return FileProblem.UNSUPPORTED
    if message.document:
        doc = message.document
        return check_document(doc.mime_type, doc.file_size) or FileRef(
            AttachmentKind.DOCUMENT, doc.file_id, doc.file_unique_id, doc.mime_type, doc.file_size
        )
    return None
