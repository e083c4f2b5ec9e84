"""Queries on requests. Takes a session, never commits."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, bindparam, func, literal, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from database.columns import list_items
from models import (
    Attachment,
    CardMessage,
    Category,
    ChecklistItem,
    Comment,
    ItemState,
    Request,
    RequestFollower,
    RequestStatus,
    StatusChange,
    User,
)
from models.views import ListItem, Person, RequestView

_author = aliased(User, name="author")
_assignee = aliased(User, name="assignee")


def _view_query() -> Select[Any]:
    photos = (
        select(func.count(Attachment.id))
        .where(Attachment.request_id == Request.id, Attachment.comment_id.is_(None))
        .scalar_subquery()
    )
    open_items = (
        select(func.count(ChecklistItem.id))
        .where(ChecklistItem.request_id == Request.id, ChecklistItem.state == ItemState.OPEN)
        .scalar_subquery()
    )
    return (
        select(Request, Category.name_ru, Category.name_en, _author, _assignee, photos, open_items)
        .join(Category, Category.id == Request.category_id)
        .join(_author, _author.id == Request.author_id)
        .outerjoin(_assignee, _assignee.id == Request.assignee_id)
    )


def _person(user: User | None) -> Person | None:
    return None if user is None else Person.of(user)


def _to_view(row: Any) -> RequestView:
    req, name_ru, name_en, author, assignee, photo_count, open_items = row
    author_person = _person(author)
    assert author_person is not None
    return RequestView(
        id=req.id,
        status=req.status,
        priority=req.priority,
        location=req.location,
        description=req.description,
        category_ru=name_ru,
        category_en=name_en,
        author=author_person,
        assignee=_person(assignee),
        created_at=req.created_at,
        updated_at=req.updated_at,
        due_at=req.due_at,
        first_response_at=req.first_response_at,
        done_at=req.done_at,
        closed_at=req.closed_at,
        rating=req.rating,
        photo_count=photo_count or 0,
        place_id=req.place_id,
        follower_count=req.follower_count,
        rating_comment=req.rating_comment,
        planned_job_id=req.planned_job_id,
        open_items=open_items or 0,
    )


# The hot statements are built once (`bindparam`s for the values): building a statement
# and its cache key costs more CPU than running it.
_VIEW_BY_ID = (
    _view_query()
    .where(Request.id == bindparam("request_id"))
    .execution_options(populate_existing=True)
)


async def get_view(session: AsyncSession, request_id: int) -> RequestView | None:
    row = (await session.execute(_VIEW_BY_ID, {"request_id": request_id})).first()
    return _to_view(row) if row is not None else None


async def get(session: AsyncSession, request_id: int) -> Request | None:
    return await session.get(Request, request_id)


async def compare_and_set(
    session: AsyncSession,
    request_id: int,
    *,
    expected_status: RequestStatus,
    expected_assignee_id: int | None,
    values: dict[str, Any],
) -> bool:
    """Apply `values` only if nobody changed status or assignee meanwhile."""
    assignee_matches = (
        Request.assignee_id.is_(None)
        if expected_assignee_id is None
        else Request.assignee_id == expected_assignee_id
    )
    result = await session.execute(
        update(Request)
        .where(and_(Request.id == request_id, Request.status == expected_status, assignee_matches))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


_actor = aliased(User, name="actor")
_HISTORY = (
    select(StatusChange, _actor.full_name)
    .outerjoin(_actor, _actor.id == StatusChange.actor_id)
    .where(StatusChange.request_id == bindparam("request_id"))
    .order_by(StatusChange.at, StatusChange.id)
)


async def history(session: AsyncSession, request_id: int) -> list[tuple[StatusChange, str | None]]:
    rows = await session.execute(_HISTORY, {"request_id": request_id})
    return [(change, name) for change, name in rows.all()]


async def card_chats(session: AsyncSession, request_id: int) -> list[int]:
    """Chats holding a copy of this request's card."""
    rows = await session.scalars(
        select(CardMessage.chat_id).where(CardMessage.request_id == request_id).distinct()
    )
    return list(rows)


# ----------------------------------------------------------------- the requester's side
_last_used = func.max(Request.created_at)
_RECENT_LOCATIONS = (
    select(Request.location, _last_used)
    .where(Request.author_id == bindparam("author_id"))
    .group_by(Request.location)
    .order_by(_last_used.desc())
    .limit(bindparam("limit"))
)


async def recent_locations(session: AsyncSession, author_id: int, limit: int = 5) -> list[str]:
    """The author's most recently used distinct locations, newest first."""
    rows = await session.execute(_RECENT_LOCATIONS, {"author_id": author_id, "limit": limit})
    return [location for location, _ in rows.all()]


_ID_BY_TOKEN = select(Request.id).where(
    Request.client_token == bindparam("token"), Request.author_id == bindparam("author_id")
)
_COUNT_CREATED_SINCE = select(func.count(Request.id)).where(
    Request.author_id == bindparam("author_id"), Request.created_at >= bindparam("since")
)


async def id_by_token(session: AsyncSession, author_id: int, token: str) -> int | None:
    return await session.scalar(_ID_BY_TOKEN, {"token": token, "author_id": author_id})


async def count_created_since(session: AsyncSession, author_id: int, since: datetime) -> int:
    params = {"author_id": author_id, "since": since}
    return int(await session.scalar(_COUNT_CREATED_SINCE, params) or 0)


async def oldest_created_since(
    session: AsyncSession, author_id: int, since: datetime
) -> datetime | None:
    return await session.scalar(
        select(func.min(Request.created_at)).where(
            Request.author_id == author_id, Request.created_at >= since
        )
    )


# The INSERT of a new request, once per dialect; the values come as its parameters.
_INSERT_IF_NEW_TOKEN = {
    name: dialect.insert(Request)
    .on_conflict_do_nothing(index_elements=[Request.client_token])
    .returning(Request.id)
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}


async def insert_if_new_token(
    session: AsyncSession, values: dict[str, Any], *, actor_id: int | None, now: datetime
) -> int | None:
    """INSERT the request unless its client_token exists, and the first line of its
    history (filed, as NEW, by `actor_id`; None: the system); the new id, or None."""
    dialect = session.bind.dialect.name if session.bind is not None else "postgresql"
    request_id: int | None = await session.scalar(_INSERT_IF_NEW_TOKEN[dialect], values)
    if request_id is not None:
        session.add(
            StatusChange(
                request_id=request_id,
                from_status=None,
                to_status=RequestStatus.NEW,
                actor_id=actor_id,
                at=now,
            )
        )
    return request_id


async def count_by_author(session: AsyncSession, author_id: int) -> tuple[int, int]:
    """How many requests the person filed, and how many others they follow ("me too")."""
    followed = (
        select(func.count())
        .select_from(RequestFollower)
        .where(RequestFollower.user_id == author_id)
        .scalar_subquery()
    )
    row = (
        await session.execute(
            select(func.count(Request.id), followed).where(Request.author_id == author_id)
        )
    ).one()
    return int(row[0] or 0), int(row[1] or 0)


async def author_page(
    session: AsyncSession, author_id: int, *, cursor: int, older: bool, limit: int
) -> list[ListItem]:
    """Keyset page of the author's requests, newest first.

    `cursor` is a request id of this author (0: from the top); `older` takes the rows after
    it in the list, otherwise the rows before it. Uses ix_requests_author_id_created_at.
    """
    key = tuple_(Request.created_at, Request.id)
    stmt = list_items().where(Request.author_id == author_id)
    if cursor:
        # The cursor must be this author's request; otherwise the page is empty.
        anchor = aliased(Request)
        anchor_created = (
            select(anchor.created_at)
            .where(anchor.id == cursor, anchor.author_id == author_id)
            .scalar_subquery()
        )
        anchor_key = tuple_(anchor_created, literal(cursor))
        stmt = stmt.where(key < anchor_key if older else key > anchor_key)
    if older:
        stmt = stmt.order_by(Request.created_at.desc(), Request.id.desc())
    else:
        stmt = stmt.order_by(Request.created_at.asc(), Request.id.asc())
    rows = (await session.execute(stmt.limit(limit))).all()
    items = [ListItem(*row) for row in rows]
    return items if older else items[::-1]


_writer = aliased(User, name="writer")
_PUBLIC_COMMENTS = (
    select(Comment, _writer.full_name)
    .outerjoin(_writer, _writer.id == Comment.author_id)
    .where(
        Comment.request_id == bindparam("request_id"),
        Comment.is_internal.is_(False),
        Comment.deleted_at.is_(None),
    )
    .order_by(Comment.created_at.desc(), Comment.id.desc())
    .limit(bindparam("limit"))
)


async def public_comments(
    session: AsyncSession, request_id: int, limit: int
) -> list[tuple[Comment, str | None]]:
    """The latest comments visible to the author (no internal notes, none deleted)."""
    rows = await session.execute(_PUBLIC_COMMENTS, {"request_id": request_id, "limit": limit})
    found: list[tuple[Comment, str | None]] = [(c, name) for c, name in rows.all()]
    return found[::-1]


async def request_files(session: AsyncSession, request_id: int) -> list[Attachment]:
    """The request's own files (not those of comments), in the order they were sent."""
    rows = await session.scalars(
        select(Attachment)
        .where(Attachment.request_id == request_id, Attachment.comment_id.is_(None))
        .order_by(Attachment.id)
    )
    return list(rows)


async def set_rating(session: AsyncSession, request_id: int, author_id: int, stars: int) -> bool:
    """Rate once: only the author, only a closed request, only while unrated."""
    result = await session.execute(
        update(Request)
        .where(
            Request.id == request_id,
            Request.author_id == author_id,
            Request.status == RequestStatus.CLOSED,
            Request.rating.is_(None),
        )
        .values(rating=stars)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def set_rating_comment(
    session: AsyncSession, request_id: int, author_id: int, text: str
) -> bool:
    result = await session.execute(
        update(Request)
        .where(
            Request.id == request_id,
            Request.author_id == author_id,
            Request.rating.is_not(None),
            Request.rating_comment.is_(None),
        )
        .values(rating_comment=text)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


_LOCK_USER = select(User.id).where(User.id == bindparam("user_id")).with_for_update()


async def lock_user(session: AsyncSession, user_id: int) -> None:
    """Serialise one user's concurrent submits (the creation limit is checked under it)."""
    await session.execute(_LOCK_USER, {"user_id": user_id})
