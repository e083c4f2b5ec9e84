"""The transactional outbox: notifications are rows written with the change that causes them.

`enqueue()` takes an aiogram method object (what would have been `await bot(method)`), so
the sender replays exactly that call later. Nothing here talks to Telegram.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

import structlog
from aiogram.client.default import Default
from aiogram.methods import (
    CopyMessage,
    EditMessageCaption,
    EditMessageReplyMarkup,
    EditMessageText,
    SendDocument,
    SendMediaGroup,
    SendMessage,
    SendPhoto,
    TelegramMethod,
)
from sqlalchemy.ext.asyncio import AsyncSession

from database.repositories import outbox as outbox_repo
from database.repositories.outbox import FailedRow
from models import OutboxKind, OutboxMessage, OutboxStatus, utcnow

log = structlog.get_logger(__name__)

METHODS: dict[str, type[TelegramMethod[Any]]] = {
    cls.__api_method__: cls
    for cls in (
        SendMessage,
        SendPhoto,
        SendDocument,
        SendMediaGroup,
        EditMessageText,
        EditMessageReplyMarkup,
        EditMessageCaption,
        CopyMessage,
    )
}

_DEFAULT = "\x00default"


def _strip_defaults(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_defaults(v) for k, v in value.items() if v != _DEFAULT}
    if isinstance(value, list):
        return [_strip_defaults(v) for v in value]
    return value


def dump_method(method: TelegramMethod[Any]) -> dict[str, Any]:
    """JSON-ready parameters; bot-level defaults (parse mode...) are left to the Bot."""
    raw = method.model_dump(
        mode="json",
        exclude_none=True,
        fallback=lambda v: _DEFAULT if isinstance(v, Default) else str(v),
    )
    return cast(dict[str, Any], _strip_defaults(raw))


def load_method(name: str, payload: dict[str, Any]) -> TelegramMethod[Any]:
    return METHODS[name].model_validate(payload)


def enqueue(
    session: AsyncSession,
    method: TelegramMethod[Any],
    *,
    kind: OutboxKind = OutboxKind.MESSAGE,
    request_id: int | None = None,
    available_at: datetime | None = None,
) -> OutboxMessage:
    """Add one outgoing call to the current transaction (the caller commits); it is due
    at once, or at `available_at`."""
    name = method.__api_method__
    if name not in METHODS:
        raise ValueError(f"{name} cannot go through the outbox")
    chat_id = getattr(method, "chat_id", None)
    if not isinstance(chat_id, int):
        raise ValueError("outbox messages need a numeric chat_id")
    row = OutboxMessage(
        chat_id=chat_id, method=name, payload=dump_method(method), kind=kind, request_id=request_id
    )
    if available_at is not None:
        row.available_at = available_at
    session.add(row)
    return row


async def counts(session: AsyncSession) -> dict[OutboxStatus, int]:
    """Rows per status (for the pending / failed gauges)."""
    return await outbox_repo.counts(session)


async def purge_delivered(session: AsyncSession, *, before: datetime, limit: int = 5000) -> int:
    """Delete up to `limit` rows delivered before `before`; failed rows stay for a look."""
    return await outbox_repo.purge_delivered(session, before=before, limit=limit)


# ------------------------------------------------------------------ the admin's /outbox
@dataclass(frozen=True, slots=True)
class OutboxOverview:
    counts: dict[OutboxStatus, int]
    failures: list[FailedRow]  # the latest first


async def overview(session: AsyncSession, *, failures: int = 5) -> OutboxOverview:
    """What an admin sees: rows per status and the latest failures with their errors."""
    async with session.begin():
        return OutboxOverview(
            await outbox_repo.counts(session),
            await outbox_repo.recent_failures(session, failures),
        )


async def requeue_failed(session: AsyncSession, *, now: datetime | None = None) -> int:
    """Give every failed notification another retry window; how many were re-queued."""
    async with session.begin():
        count = await outbox_repo.requeue_failed(session, now or utcnow())
    log.info("outbox_requeued", count=count)
    return count
