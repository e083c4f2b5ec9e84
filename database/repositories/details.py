"""What the staff's full card shows besides the request: comments, photos, card copies."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from models import Attachment, CardMessage, Comment, User
from models.views import CommentRow


async def comments(session: AsyncSession, request_id: int) -> list[CommentRow]:
    author = aliased(User)
    files = (
        select(func.count(Attachment.id))
        .where(Attachment.comment_id == Comment.id)
        .scalar_subquery()
    )
    result_files = (
        select(func.count(Attachment.id))
        .where(Attachment.comment_id == Comment.id, Attachment.is_result.is_(True))
        .scalar_subquery()
    )
    rows = await session.execute(
        select(
            Comment.id,
            Comment.author_id,
            author.full_name,
            Comment.text,
            Comment.is_internal,
            Comment.created_at,
            Comment.deleted_at,
            files,
            result_files,
        )
        .outerjoin(author, author.id == Comment.author_id)
        .where(Comment.request_id == request_id)
        .order_by(Comment.created_at, Comment.id)
    )
    return [
        CommentRow(
            id=r[0],
            author_id=r[1],
            author_name=r[2],
            text=r[3],
            is_internal=r[4],
            created_at=r[5],
            deleted=r[6] is not None,
            files=int(r[7] or 0),
            is_result=bool(r[8]),
        )
        for r in rows.all()
    ]


async def comment(session: AsyncSession, comment_id: int) -> Comment | None:
    return await session.get(Comment, comment_id)


async def files(session: AsyncSession, request_id: int) -> list[Attachment]:
    """Files of the request itself and of live comments: the author's first, results last."""
    stmt = (
        select(Attachment)
        .outerjoin(Comment, Comment.id == Attachment.comment_id)
        .where(Attachment.request_id == request_id, Comment.deleted_at.is_(None))
        .order_by(Attachment.is_result, Attachment.id)
    )
    return list((await session.scalars(stmt)).all())


async def is_card_copy(session: AsyncSession, chat_id: int, message_id: int) -> bool:
    """Is this message a remembered copy of a card (edited by the outbox on every change)?"""
    found = await session.scalar(
        select(CardMessage.id).where(
            CardMessage.chat_id == chat_id, CardMessage.message_id == message_id
        )
    )
    return found is not None
