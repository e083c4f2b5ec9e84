"""Queries on places and followers. Takes a session, never commits."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, func, literal_column, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from database.columns import categorised, list_items
from database.conditions import is_open
from models import Place, Request, RequestFollower, User
from models.views import ListItem, PlaceRequestRow


async def visible(session: AsyncSession) -> Sequence[Place]:
    result = await session.scalars(
        select(Place)
        .where(Place.is_hidden.is_(False))
        .order_by(func.coalesce(Place.building, ""), Place.name, Place.id)
    )
    return result.all()


async def listing(session: AsyncSession, building: str | None = None) -> Sequence[Place]:
    """Every place (hidden too), by building; `building` narrows to one ("" = none)."""
    query = select(Place).order_by(func.coalesce(Place.building, ""), Place.name, Place.id)
    if building is not None:
        query = query.where(func.coalesce(Place.building, "") == building)
    return (await session.scalars(query)).all()


async def buildings(session: AsyncSession) -> list[str]:
    """Building names, sorted; "" for the places with no building."""
    name = func.coalesce(Place.building, literal_column("''")).label("building")
    rows = await session.scalars(select(name).group_by(name).order_by(name))
    return list(rows)


async def get(session: AsyncSession, place_id: int) -> Place | None:
    return await session.get(Place, place_id)


async def by_code(session: AsyncSession, code: str) -> Place | None:
    return await session.scalar(select(Place).where(Place.code == code))


async def keys(session: AsyncSession) -> set[str]:
    return set(await session.scalars(select(Place.key)))


async def key_taken(session: AsyncSession, key: str, except_id: int | None = None) -> bool:
    query = select(Place.id).where(Place.key == key)
    if except_id is not None:
        query = query.where(Place.id != except_id)
    return await session.scalar(query.limit(1)) is not None


async def requests_of_place(
    session: AsyncSession, place_id: int, *, open_only: bool, limit: int
) -> list[PlaceRequestRow]:
    """The place's requests, newest first: the open ones ("me too"), or all (history)."""
    query = (
        categorised(
            Request.description, Request.created_at, Request.follower_count, Request.author_id
        )
        .where(Request.place_id == place_id)
        .order_by(Request.created_at.desc(), Request.id.desc())
        .limit(limit)
    )
    if open_only:
        query = query.where(is_open())
    rows = await session.execute(query)
    return [PlaceRequestRow(*row) for row in rows.all()]


async def unplaced_locations(session: AsyncSession, limit: int = 20) -> list[tuple[str, int]]:
    """Free-text places people typed that are in no catalogue entry, most used first."""
    count = func.count(Request.id)
    rows = await session.execute(
        select(Request.location, count)
        .where(Request.place_id.is_(None))
        .group_by(Request.location)
        .order_by(count.desc(), Request.location)
        .limit(limit)
    )
    return [(location, int(n)) for location, n in rows.all()]


async def attach_location(session: AsyncSession, place_id: int, location: str) -> int:
    """Requests filed with exactly this free text (any case) now belong to the place."""
    result = await session.execute(
        update(Request)
        .where(Request.place_id.is_(None), func.lower(Request.location) == location.lower())
        .values(place_id=place_id)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


# ------------------------------------------------------------------------ followers
async def follow(session: AsyncSession, request_id: int, user_id: int) -> bool:
    """Adds the follower; False when they already were one (a second press counts once)."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    result = await session.execute(
        insert(RequestFollower)
        .values(request_id=request_id, user_id=user_id)
        .on_conflict_do_nothing()
    )
    added = bool(result.rowcount)  # type: ignore[attr-defined]
    if added:
        await _count_followers(session, request_id, +1)
    return added


async def _count_followers(session: AsyncSession, request_id: int, delta: int) -> None:
    await session.execute(
        update(Request)
        .where(Request.id == request_id)
        .values(follower_count=Request.follower_count + delta)
        .execution_options(synchronize_session=False)
    )


async def unfollow(session: AsyncSession, request_id: int, user_id: int) -> bool:
    result = await session.execute(
        delete(RequestFollower).where(
            RequestFollower.request_id == request_id, RequestFollower.user_id == user_id
        )
    )
    removed = bool(result.rowcount)  # type: ignore[attr-defined]
    if removed:
        await _count_followers(session, request_id, -1)
    return removed


async def is_following(session: AsyncSession, request_id: int, user_id: int) -> bool:
    found = await session.scalar(
        select(RequestFollower.user_id).where(
            RequestFollower.request_id == request_id, RequestFollower.user_id == user_id
        )
    )
    return found is not None


async def follower_chats(session: AsyncSession, request_id: int) -> list[tuple[int, str | None]]:
    """(private chat id, language) of each follower who can still be written to."""
    rows = await session.execute(
        select(User.telegram_id, User.language)
        .join(RequestFollower, RequestFollower.user_id == User.id)
        .where(
            RequestFollower.request_id == request_id,
            User.bot_blocked.is_(False),
            User.is_blocked.is_(False),
        )
        .order_by(RequestFollower.created_at)
    )
    return [(chat, language) for chat, language in rows.all()]


async def follower_count(session: AsyncSession, request_id: int) -> int:
    count = await session.scalar(select(Request.follower_count).where(Request.id == request_id))
    return int(count or 0)


async def open_count(session: AsyncSession, place_id: int) -> int:
    return int(
        await session.scalar(
            select(func.count()).select_from(Request).where(Request.place_id == place_id, is_open())
        )
        or 0
    )


FOLLOWED_SHOWN = 20


async def followed_by(session: AsyncSession, user_id: int) -> list[ListItem]:
    """The requests this person follows ("me too"), newest first."""
    rows = await session.execute(
        list_items()
        .join(RequestFollower, RequestFollower.request_id == Request.id)
        .where(RequestFollower.user_id == user_id)
        .order_by(Request.created_at.desc(), Request.id.desc())
        .limit(FOLLOWED_SHOWN)
    )
    return [ListItem(*row) for row in rows.all()]
