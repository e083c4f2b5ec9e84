"""Comments and internal notes on a request, with their photos.

Who may comment: the author on their own request; an admin on any; an executor on a
request assigned to them. Internal notes are staff-only and never reach the author.
The other side is told through the outbox in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from aiogram.methods import SendMessage
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.media import file_methods
from bot.services.notifications import Notifier
from bot.services.outbox import enqueue
from database.repositories import outbox as outbox_repo
from database.repositories import requests as requests_repo
from database.repositories.outbox import OpenNotice
from models import Comment, OutboxKind, Request, Role, User, utcnow
from models.enums import FINAL_STATUSES
from models.files import FileRef
from utils.render import TEXT_LIMIT, utf16_len
from utils.validation import normalize

__all__ = [
    "CommentOutcome",
    "CommentResult",
    "FileRef",
    "add_comment",
    "attach_files",
    "may_comment",
]


class CommentOutcome(StrEnum):
    DONE = "done"
    NOT_FOUND = "not_found"
    FORBIDDEN = "forbidden"
    CLOSED = "closed"  # the request is final: no more comments
    EMPTY = "empty"


@dataclass(frozen=True, slots=True)
class CommentResult:
    outcome: CommentOutcome
    comment_id: int | None = None


def may_comment(user: User, request: Request, *, internal: bool) -> bool:
    is_staff = user.role is Role.ADMIN or (
        user.role is Role.EXECUTOR and request.assignee_id == user.id
    )
    if internal:
        return is_staff
    return is_staff or request.author_id == user.id


async def add_comment(
    session: AsyncSession,
    notifier: Notifier,
    *,
    request_id: int,
    user: User,
    text: str,
    files: list[FileRef] | None = None,
    internal: bool = False,
) -> CommentResult:
    text = normalize(text)  # nothing invisible is a comment
    files = files or []
    if not text and not files:
        return CommentResult(CommentOutcome.EMPTY)
    async with session.begin():
        request = await requests_repo.get(session, request_id)
        if request is None or not may_comment(user, request, internal=internal):
            # Someone else's request does not exist for a requester.
            visible = request is not None and user.role is not Role.USER
            return CommentResult(CommentOutcome.FORBIDDEN if visible else CommentOutcome.NOT_FOUND)
        if request.status in FINAL_STATUSES:
            return CommentResult(CommentOutcome.CLOSED)
        comment = Comment(request_id=request_id, author_id=user.id, text=text, is_internal=internal)
        session.add(comment)
        await session.flush()
        session.add_all(
            ref.attachment(request_id=request_id, uploaded_by_id=user.id, comment_id=comment.id)
            for ref in files
        )
        await _notify(session, notifier, request, user, text, files, internal)
    return CommentResult(CommentOutcome.DONE, comment.id)


async def _recipients(
    session: AsyncSession, request: Request, user: User, internal: bool
) -> list[tuple[User, OpenNotice | None]]:
    """Who is told, each with their comment notice about this request still waiting."""
    to_staff = user.id == request.author_id or internal
    # The staff on the request: its assignee, or (None) every admin when nobody is assigned.
    told = request.assignee_id if to_staff else request.author_id
    found = await outbox_repo.people_with_open_notice(session, request.id, user_id=told)
    return [(person, notice) for person, notice in found if person.id != user.id]


async def _notify(
    session: AsyncSession,
    notifier: Notifier,
    request: Request,
    user: User,
    text: str,
    files: list[FileRef],
    internal: bool,
) -> None:
    due = utcnow() + notifier.comment_coalesce
    for recipient, notice in await _recipients(session, request, user, internal):
        t = notifier.catalogue.translator(recipient.language)
        key = "notify-internal-note" if internal else "notify-comment"
        body = t(key, number=request.id, author=user.full_name, text=text or "—")
        if notice is None or not await _join(session, notice, body):
            enqueue(
                session,
                SendMessage(chat_id=recipient.telegram_id, text=body),
                kind=OutboxKind.COMMENT,
                request_id=request.id,
                available_at=due,
            )
        _enqueue_files(session, recipient, request, files)


async def _join(session: AsyncSession, notice: OpenNotice, body: str) -> bool:
    """A comment of a burst joins the notice still waiting, while one message holds both."""
    text = f"{notice.payload.get('text', '')}\n\n{body}"
    if utf16_len(text) > TEXT_LIMIT:
        return False
    return await outbox_repo.join_notice(session, notice, {**notice.payload, "text": text})


def _enqueue_files(
    session: AsyncSession, recipient: User, request: Request, files: list[FileRef]
) -> None:
    for method in file_methods(recipient.telegram_id, files):
        enqueue(session, method, request_id=request.id)


async def attach_files(
    session: AsyncSession,
    notifier: Notifier,
    *,
    comment_id: int,
    user: User,
    files: list[FileRef],
) -> CommentResult:
    """More files for one's own comment (the rest of an album); the recipients get them too."""
    async with session.begin():
        comment = await session.get(Comment, comment_id)
        if comment is None or comment.author_id != user.id or comment.deleted_at is not None:
            return CommentResult(CommentOutcome.NOT_FOUND)
        request = await requests_repo.get(session, comment.request_id)
        if request is None:
            return CommentResult(CommentOutcome.NOT_FOUND)
        if request.status in FINAL_STATUSES:
            return CommentResult(CommentOutcome.CLOSED)
        session.add_all(
            ref.attachment(request_id=request.id, uploaded_by_id=user.id, comment_id=comment.id)
            for ref in files
        )
        for recipient, _ in await _recipients(session, request, user, comment.is_internal):
            _enqueue_files(session, recipient, request, files)
    return CommentResult(CommentOutcome.DONE, comment.id)
