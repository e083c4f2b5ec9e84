"""The Telegram edge's small helpers: showing a screen in place, reading a sent file.

`show` is the one edit-in-place policy: "message is not modified" is success; a message
that cannot be edited (too old, deleted, a photo) gets the screen as a new message.
"""

from __future__ import annotations

from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from models import AttachmentKind
from models.files import FileRef
from utils.validation import FileProblem, check_document, check_size, normalize_mime_type


def is_not_modified(exc: TelegramBadRequest) -> bool:
    return "message is not modified" in exc.message


async def show(
    target: CallbackQuery | Message,
    text: str,
    markup: InlineKeyboardMarkup | None,
    *,
    edit: bool = True,
) -> None:
    """Edit the message the button was on (or send a new one); "not modified" is fine.

    A message is answered with a new message; so is a button with `edit=False`.
    """
    if isinstance(target, Message):
        await target.answer(text, reply_markup=markup)
        return
    message = target.message
    if edit and isinstance(message, Message):
        try:
            await message.edit_text(text, reply_markup=markup)
            return
        except TelegramBadRequest as exc:
            if is_not_modified(exc):
                return
            # Too old to edit, or a media message: say it in a new message instead.
    if message is not None and target.bot is not None:
        await target.bot.send_message(message.chat.id, text, reply_markup=markup)


def incoming_file(message: Message) -> FileRef | FileProblem | None:
    """The photo or document of a message, or why it is refused (None: no file at all).

    What is kept is normalized here, where the file is accepted: the MIME type the sender
    claims is stored lower case, without parameters, within its column.
    """
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
            AttachmentKind.DOCUMENT,
            doc.file_id,
            doc.file_unique_id,
            normalize_mime_type(doc.mime_type),
            doc.file_size,
        )
    return None
