"""The outbox sender: delivers the rows that committed transactions left in `outbox`.

Claims rows with `FOR UPDATE SKIP LOCKED` on PostgreSQL, so several processes never send
the same row. On SQLite one process runs, and SQLite's write lock serialises claims.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta
from typing import Any

import structlog
from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import EditMessageReplyMarkup, EditMessageText
from aiogram.types import Message
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.outbox import load_method
from database.repositories import users as users_repo
from models import CardMessage, OutboxKind, OutboxMessage, OutboxStatus, utcnow

log = structlog.get_logger(__name__)


def is_not_modified(exc: TelegramBadRequest) -> bool:
    return "message is not modified" in exc.message


class OutboxSender:
    def __init__(
        self,
        bot: Bot,
        session_pool: async_sessionmaker[AsyncSession],
        *,
        max_attempts: int = 8,
        poll_interval: float = 0.5,
        batch_size: int = 50,
    ) -> None:
        self.bot = bot
        self.session_pool = session_pool
        self.max_attempts = max_attempts
        self.poll_interval = poll_interval
        self.batch_size = batch_size
        self._stopping = asyncio.Event()
        self._wakeup = asyncio.Event()

    def wake(self) -> None:
        """Something was just committed: look now instead of at the next poll."""
        self._wakeup.set()

    async def run(self) -> None:
        log.info("outbox_sender_started")
        while not self._stopping.is_set():
            try:
                sent = await self.deliver_pending()
            except Exception:
                log.exception("outbox_sender_error")
                sent = 0
            if sent:
                continue
            self._wakeup.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), self.poll_interval)
        log.info("outbox_sender_stopped")

    def stop(self) -> None:
        self._stopping.set()
        self._wakeup.set()

    async def deliver_pending(self) -> int:
        """Deliver one batch of due rows; returns how many rows were processed."""
        async with self.session_pool() as session, session.begin():
            stmt = (
                select(OutboxMessage)
                .where(
                    OutboxMessage.status == OutboxStatus.PENDING,
                    OutboxMessage.available_at <= utcnow(),
                )
                .order_by(OutboxMessage.id)
                .limit(self.batch_size)
                .with_for_update(skip_locked=True)
            )
            rows = (await session.scalars(stmt)).all()
            for row in rows:
                if self._stopping.is_set():
                    break
                await self._deliver(session, row)
            return len(rows)

    async def _deliver(self, session: AsyncSession, row: OutboxMessage) -> None:
        row.attempts += 1
        try:
            await self._call(session, row)
        except TelegramRetryAfter as exc:
            row.attempts -= 1
            row.available_at = utcnow() + timedelta(seconds=exc.retry_after)
            log.warning("outbox_retry_after", retry_after=exc.retry_after)
            return
        except TelegramForbiddenError as exc:
            self._fail(row, exc)
            await users_repo.set_bot_blocked(session, row.chat_id, True)
            return
        except TelegramBadRequest as exc:
            self._fail(row, exc)
            return
        except (TelegramServerError, TelegramNetworkError) as exc:
            if row.attempts >= self.max_attempts:
                self._fail(row, exc)
            else:
                row.available_at = utcnow() + timedelta(seconds=min(300, 2**row.attempts))
                row.last_error = f"{type(exc).__name__}: {exc}"[:500]
            return
        row.status = OutboxStatus.SENT
        row.sent_at = utcnow()

    @staticmethod
    def _fail(row: OutboxMessage, exc: Exception) -> None:
        row.status = OutboxStatus.FAILED
        row.last_error = f"{type(exc).__name__}: {exc}"[:500]
        log.warning("outbox_failed", outbox_id=row.id, error=type(exc).__name__)

    async def _call(self, session: AsyncSession, row: OutboxMessage) -> None:
        method = load_method(row.method, row.payload)
        if row.kind is OutboxKind.CARD_EDIT:
            await self._edit_copies(session, row, method)
            return
        result: Any = await self.bot(method)
        if row.kind is OutboxKind.CARD and isinstance(result, Message) and row.request_id:
            session.add(
                CardMessage(
                    request_id=row.request_id, chat_id=row.chat_id, message_id=result.message_id
                )
            )

    async def _edit_copies(self, session: AsyncSession, row: OutboxMessage, method: Any) -> None:
        assert isinstance(method, EditMessageText | EditMessageReplyMarkup)
        message_ids = await session.scalars(
            select(CardMessage.message_id).where(
                CardMessage.request_id == row.request_id, CardMessage.chat_id == row.chat_id
            )
        )
        for message_id in message_ids:
            try:
                await self.bot(method.model_copy(update={"message_id": message_id}))
            except TelegramBadRequest as exc:
                if not is_not_modified(exc):
                    raise
