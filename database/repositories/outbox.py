"""Queries on the outbox: the sender's claims and outcomes, the admin's view, housekeeping.
Takes a session, never commits (the sender and the services own the transactions)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Table,
    and_,
    bindparam,
    delete,
    exists,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from models import CardMessage, OutboxKind, OutboxMessage, OutboxStatus, Role, User
from models.outbox import Claim


# ---------------------------------------------------------------------- the sender
def _heads(now: Any) -> Any:
    """Pending, not leased, and the oldest pending row of its chat."""
    older = aliased(OutboxMessage)
    return (
        OutboxMessage.status == OutboxStatus.PENDING,
        or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until <= now),
        ~exists().where(
            older.chat_id == OutboxMessage.chat_id,
            older.status == OutboxStatus.PENDING,
            older.id < OutboxMessage.id,
        ),
    )


def _eligible(now: Any) -> Any:
    """Due, not leased, and the oldest pending row of its chat."""
    return (OutboxMessage.available_at <= now, *_heads(now))


async def next_due(session: AsyncSession, now: datetime) -> datetime | None:
    """When the next row that nobody holds becomes due (a retry), or None."""
    return await session.scalar(select(func.min(OutboxMessage.available_at)).where(*_heads(now)))


def _build_claim() -> Any:
    """Lease the next due rows in one statement: UPDATE ... WHERE id IN (SELECT ... FOR
    UPDATE SKIP LOCKED) RETURNING. Built once, run on every batch with its parameters."""
    now: Any = bindparam("now")
    due = (
        select(OutboxMessage.id)
        .where(*_eligible(now), OutboxMessage.chat_id.not_in(bindparam("exclude", expanding=True)))
        .order_by(OutboxMessage.id)
        .limit(bindparam("limit"))
        .with_for_update(skip_locked=True)
        .correlate(None)  # its own scan of the outbox, not the UPDATE's row
    )
    blocked = exists().where(User.telegram_id == OutboxMessage.chat_id, User.bot_blocked.is_(True))
    table = cast(Table, OutboxMessage.__table__)
    return (
        update(table)
        .where(table.c.id.in_(due.scalar_subquery()))
        .values(
            attempts=table.c.attempts + 1,
            claimed_until=bindparam("lease_end"),
            claim_token=bindparam("token"),
        )
        .returning(
            table.c.id,
            table.c.chat_id,
            table.c.method,
            table.c.payload,
            table.c.kind,
            table.c.request_id,
            table.c.attempts,
            blocked,
        )
    )


_CLAIM = _build_claim()


async def claim_due(
    session: AsyncSession,
    now: datetime,
    *,
    exclude: Collection[int],
    limit: int,
    token: str,
    lease_end: float,
) -> list[tuple[Claim, bool]]:
    """Lease (SKIP LOCKED) the next due rows to `token` until `lease_end` (epoch seconds),
    oldest first, each with whether its chat's user blocked the bot."""
    result = await session.execute(
        _CLAIM,
        {
            "now": now,
            "exclude": list(exclude),
            "limit": limit,
            "token": token,
            "lease_end": datetime.fromtimestamp(lease_end, UTC),
        },
    )
    claimed = [
        (
            Claim(
                id=row_id,
                chat_id=chat_id,
                method=method,
                payload=payload,
                kind=kind,
                request_id=request_id,
                attempts=attempts,
                token=token,
                lease_end=lease_end,
            ),
            bool(blocked),
        )
        for row_id, chat_id, method, payload, kind, request_id, attempts, blocked in result.all()
    ]
    return sorted(claimed, key=lambda pair: pair[0].id)


async def give_up(session: AsyncSession, failed: Sequence[tuple[int, str]], token: str) -> None:
    """Fail claimed rows unsent (id, error): their attempt did not happen."""
    for row_id, error in failed:
        await settle(
            session,
            row_id,
            token,
            {
                "status": OutboxStatus.FAILED,
                "last_error": error,
                "attempts": OutboxMessage.attempts - 1,
            },
        )


async def due_chats(session: AsyncSession, now: datetime, chat_ids: Collection[int]) -> set[int]:
    """Which of these chats have a row due now."""
    result = await session.scalars(
        select(OutboxMessage.chat_id)
        .where(*_eligible(now), OutboxMessage.chat_id.in_(list(chat_ids)))
        .distinct()
    )
    return set(result)


async def card_copies(session: AsyncSession, request_id: int | None, chat_id: int) -> list[int]:
    """Message ids of the copies of a request's card in a chat, oldest first."""
    return list(
        await session.scalars(
            select(CardMessage.message_id)
            .where(CardMessage.request_id == request_id, CardMessage.chat_id == chat_id)
            .order_by(CardMessage.id)
        )
    )


_MARK_SENT = (
    update(OutboxMessage)
    .where(
        OutboxMessage.id.in_(bindparam("ids", expanding=True)),
        OutboxMessage.claim_token.in_(bindparam("tokens", expanding=True)),
    )
    .values(
        status=OutboxStatus.SENT,
        sent_at=bindparam("sent_at"),
        last_error=None,
        claimed_until=None,
        claim_token=None,
    )
    .returning(OutboxMessage.id)
    .execution_options(synchronize_session=False)
)


async def mark_sent(
    session: AsyncSession, claims: Sequence[tuple[int, str]], sent_at: datetime
) -> set[int]:
    """Mark rows (id, claim token) sent where the lease is still that token's; their ids."""
    ids = [row_id for row_id, _ in claims]
    tokens = sorted({token for _, token in claims})
    params = {"ids": ids, "tokens": tokens, "sent_at": sent_at}
    return set(await session.scalars(_MARK_SENT, params))


async def settle(session: AsyncSession, row_id: int, token: str, values: dict[str, Any]) -> bool:
    """Record an outcome on a row whose lease is still `token`'s (the lease is released)."""
    updated = await session.scalar(
        update(OutboxMessage)
        .where(OutboxMessage.id == row_id, OutboxMessage.claim_token == token)
        .values(claimed_until=None, claim_token=None, **values)
        .returning(OutboxMessage.id),
        execution_options={"synchronize_session": False},
    )
    return updated is not None


async def remember_copy(
    session: AsyncSession, request_id: int, chat_id: int, message_id: int
) -> None:
    """A sent card's message id, so later edits reach it (each send is a new message)."""
    session.add(CardMessage(request_id=request_id, chat_id=chat_id, message_id=message_id))


async def forget_copies(session: AsyncSession, chat_id: int, message_ids: list[int]) -> None:
    await session.execute(
        delete(CardMessage).where(
            CardMessage.chat_id == chat_id, CardMessage.message_id.in_(message_ids)
        )
    )


# ------------------------------------------------------------- comments of a burst
@dataclass(frozen=True, slots=True)
class OpenNotice:
    """A comment's notification still waiting in a chat, which a later comment may join."""

    id: int
    payload: dict[str, Any]


def _open_notice(request_id: int) -> ColumnElement[bool]:
    """The chat's newest pending row, a comment notice of this request nobody has claimed.

    Newest: a comment joining it cannot overtake anything queued for that chat after it.
    """
    newer = aliased(OutboxMessage)
    return and_(
        OutboxMessage.chat_id == User.telegram_id,
        OutboxMessage.request_id == request_id,
        OutboxMessage.kind == OutboxKind.COMMENT,
        OutboxMessage.status == OutboxStatus.PENDING,
        OutboxMessage.claim_token.is_(None),
        ~exists().where(
            newer.chat_id == OutboxMessage.chat_id,
            newer.status == OutboxStatus.PENDING,
            newer.id > OutboxMessage.id,
        ),
    )


async def people_with_open_notice(
    session: AsyncSession, request_id: int, *, user_id: int | None
) -> list[tuple[User, OpenNotice | None]]:
    """One user (`user_id`), or every admin not blocked when it is None, each with their
    open comment notice about this request: one statement."""
    who = (
        User.id == user_id
        if user_id is not None
        else and_(User.role == Role.ADMIN, User.is_blocked.is_(False))
    )
    rows = await session.execute(
        select(User, OutboxMessage.id, OutboxMessage.payload)
        .outerjoin(OutboxMessage, _open_notice(request_id))
        .where(who)
        .order_by(User.id)
    )
    return [
        (user, OpenNotice(row_id, payload) if row_id is not None else None)
        for user, row_id, payload in rows.all()
    ]


async def join_notice(session: AsyncSession, notice: OpenNotice, payload: dict[str, Any]) -> bool:
    """Replace an open notice's message, if it is still pending and unclaimed (a sender may
    have taken it since it was read: then the caller queues a message of its own)."""
    updated = await session.scalar(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == notice.id,
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.claim_token.is_(None),
        )
        .values(payload=payload)
        .returning(OutboxMessage.id),
        execution_options={"synchronize_session": False},
    )
    return updated is not None


# ------------------------------------------------------------------- the admin's view
@dataclass(frozen=True, slots=True)
class FailedRow:
    id: int
    chat_id: int
    method: str
    attempts: int
    created_at: datetime
    last_error: str | None


async def counts(session: AsyncSession) -> dict[OutboxStatus, int]:
    """Rows per status (the pending / failed gauges, the admin's /outbox)."""
    result = await session.execute(
        select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    )
    found: dict[OutboxStatus, int] = dict.fromkeys(OutboxStatus, 0)
    for status, count in result:
        found[status] = count
    return found


async def recent_failures(session: AsyncSession, limit: int) -> list[FailedRow]:
    rows = await session.execute(
        select(
            OutboxMessage.id,
            OutboxMessage.chat_id,
            OutboxMessage.method,
            OutboxMessage.attempts,
            OutboxMessage.created_at,
            OutboxMessage.last_error,
        )
        .where(OutboxMessage.status == OutboxStatus.FAILED)
        .order_by(OutboxMessage.id.desc())
        .limit(limit)
    )
    return [FailedRow(*row) for row in rows.all()]


async def requeue_failed(session: AsyncSession, now: datetime) -> int:
    """Every failed row back to pending, due now, with a fresh retry window."""
    result = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.FAILED)
        .values(
            status=OutboxStatus.PENDING,
            attempts=0,
            available_at=now,
            claimed_until=None,
            claim_token=None,
        )
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


# ---------------------------------------------------------------------- housekeeping
async def purge_delivered(session: AsyncSession, *, before: datetime, limit: int = 5000) -> int:
    """Delete up to `limit` rows delivered before `before`; failed rows stay for a look."""
    old = (
        select(OutboxMessage.id)
        .where(OutboxMessage.status == OutboxStatus.SENT, OutboxMessage.sent_at < before)
        .limit(limit)
        .scalar_subquery()
    )
    result = await session.execute(delete(OutboxMessage).where(OutboxMessage.id.in_(old)))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
