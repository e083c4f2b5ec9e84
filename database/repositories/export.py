"""The export's rows: one streamed query, read in batches. Takes a session, never commits."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from models import Attachment, AttachmentKind, Category, Comment, Request, RequestStatus, User


def _query(
    start: datetime | None, end: datetime | None, status: RequestStatus | None
) -> Select[*tuple[Any, ...]]:
    author = aliased(User, name="author")
    assignee = aliased(User, name="assignee")
    photos = (
        select(func.count(Attachment.id))
        .where(Attachment.request_id == Request.id, Attachment.kind == AttachmentKind.PHOTO)
        .scalar_subquery()
    )
    comments = (
        select(func.count(Comment.id))
        .where(Comment.request_id == Request.id, Comment.deleted_at.is_(None))
        .scalar_subquery()
    )
    stmt = (
        select(
            Request.id,
            Request.created_at,
            author.full_name,
            author.username,
            author.phone,
            Category.name_ru,
            Category.name_en,
            Request.location,
            Request.description,
            Request.priority,
            Request.status,
            assignee.full_name,
            assignee.username,
            Request.due_at,
            Request.first_response_at,
            Request.done_at,
            Request.closed_at,
            Request.rating,
            photos,
            comments,
        )
        .join(author, author.id == Request.author_id)
        .join(Category, Category.id == Request.category_id)
        .outerjoin(assignee, assignee.id == Request.assignee_id)
        .order_by(Request.id)
    )
    if start is not None:
        stmt = stmt.where(Request.created_at >= start)
    if end is not None:
        stmt = stmt.where(Request.created_at < end)
    if status is not None:
        stmt = stmt.where(Request.status == status)
    return stmt


async def batches(
    session: AsyncSession,
    *,
    start: datetime | None,
    end: datetime | None,
    status: RequestStatus | None,
    size: int,
) -> AsyncIterator[Sequence[Row[Any]]]:
    """The requests created in [start, end) (and of `status`), by number, `size` at a time.

    The rows are streamed (a server-side cursor on PostgreSQL), so memory stays flat.
    Columns, in order: number, created, author name, author username, phone, category
    (ru, en), location, description, priority, status, assignee name, assignee username,
    due, first response, done, closed, rating, photos, comments.
    """
    result = await session.stream(_query(start, end, status).execution_options(yield_per=size))
    async for batch in result.partitions(size):
        yield batch
