"""The outbox sender itself: claim a batch, send each row within the limits, record the
outcomes (see the package's docstring for how a row travels)."""

from __future__ import annotations

import asyncio
import contextlib
import random
import uuid
from collections.abc import Collection
from typing import TYPE_CHECKING, Any

import structlog
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramRetryAfter
from aiogram.methods import EditMessageCaption, EditMessageReplyMarkup, EditMessageText
from aiogram.types import Message
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.sender.clock import Clock, SystemClock, as_datetime, sleep_until
from bot.sender.limits import Limits
from bot.sender.metrics import NoMetrics, SenderMetrics
from bot.sender.outcome import Claim, Outcome, Verdict
from bot.sender.policy import RetryPolicy, classify
from bot.sender.recording import Recorder
from bot.services.outbox import load_method
from database.repositories import outbox as outbox_repo
from models import OutboxKind
from utils.telegram import is_not_modified

if TYPE_CHECKING:
    from bot.settings import Settings

log = structlog.get_logger(__name__)

BOT_BLOCKED = "bot_blocked"
GONE_COPY_ERRORS = ("message to edit not found", "message can't be edited")


class OutboxSender:
    def __init__(
        self,
        bot: Bot,
        session_pool: async_sessionmaker[AsyncSession],
        *,
        retry_window: float = 24 * 3600.0,
        poll_interval: float = 0.5,
        batch_size: int = 50,
        rate_per_second: float = 25.0,
        private_rate_per_second: float = 1.0,
        group_rate_per_minute: float = 20.0,
        lease_seconds: float = 120.0,
        backoff_base: float = 1.0,
        backoff_max: float = 300.0,
        clock: Clock | None = None,
        metrics: SenderMetrics | None = None,
        rng: random.Random | None = None,
        redis: Redis | None = None,
    ) -> None:
        self.bot = bot
        self.session_pool = session_pool
        self.poll_interval = poll_interval
        self.batch_size = batch_size
        self.lease_seconds = lease_seconds
        self.retry_window = retry_window
        self.clock: Clock = clock or SystemClock()
        self.metrics: SenderMetrics = metrics or NoMetrics()
        self.retry = RetryPolicy.for_window(
            retry_window,
            backoff_base,
            backoff_max,
            rng or random.Random(),  # noqa: S311 - retry jitter, not a secret
        )
        self.max_attempts = self.retry.max_attempts
        self._stopping = asyncio.Event()
        self._wakeup = asyncio.Event()
        self._limits = Limits(
            self.clock,
            self._stopping,
            rate_per_second=rate_per_second,
            private_rate_per_second=private_rate_per_second,
            group_rate_per_minute=group_rate_per_minute,
            redis=redis,
        )
        self._recorder = Recorder(session_pool, self.clock, self.metrics, self._stopping)

    @classmethod
    def from_settings(
        cls,
        bot: Bot,
        session_pool: async_sessionmaker[AsyncSession],
        settings: Settings,
        redis: Redis | None = None,
        **overrides: Any,
    ) -> OutboxSender:
        """The sender these settings describe. Replicas (`settings.replicated`) share
        Telegram's limits through `redis`; one polling process, the only one that sends,
        keeps them in memory."""
        options: dict[str, Any] = {
            "retry_window": settings.outbox_retry_hours * 3600.0,
            "backoff_base": settings.outbox_backoff_base_seconds,
            "backoff_max": settings.outbox_backoff_max_seconds,
            "poll_interval": settings.outbox_poll_interval,
            "batch_size": settings.outbox_batch_size,
            "rate_per_second": settings.outbox_rate_per_second,
            "private_rate_per_second": settings.outbox_private_rate_per_second,
            "group_rate_per_minute": settings.outbox_group_rate_per_minute,
            "lease_seconds": settings.outbox_lease_seconds,
            "redis": redis if settings.replicated else None,
        }
        options.update(overrides)
        return cls(bot, session_pool, **options)

    # -- lifecycle ----------------------------------------------------------------------
    def wake(self) -> None:
        """Something was just committed: look now instead of at the next poll."""
        self._wakeup.set()

    def stop(self) -> None:
        self._stopping.set()
        self._wakeup.set()

    async def run(self) -> None:
        log.info("outbox_sender_started")
        while not self._stopping.is_set():
            self._wakeup.clear()
            wait_until: float | None = None
            try:
                await self._sleep_until(self._limits.paused_until)
                processed, wait_until = await self._deliver_batch()
            except Exception:
                log.exception("outbox_sender_error")
                processed = 0
            if processed:
                continue
            timeout = self.poll_interval
            if wait_until is not None:
                timeout = min(timeout, max(0.0, wait_until - self.clock.now()))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), timeout)
        log.info("outbox_sender_stopped")

    async def deliver_pending(self) -> int:
        """Deliver one batch of the rows due now; 0 when nothing is due.

        Waits as long as the limits require (a 429 pause, a chat's own limit), never for a
        retry scheduled later.
        """
        while not self._stopping.is_set():
            await self._sleep_until(self._limits.paused_until)
            processed, wait_until = await self._deliver_batch()
            if processed or wait_until is None:
                return processed
            await self._sleep_until(wait_until)
        return 0

    async def next_due(self) -> float | None:
        """When the next row that nobody holds becomes due (a retry), or None."""
        async with self.session_pool() as session:
            earliest = await outbox_repo.next_due(session, as_datetime(self.clock.now()))
        return earliest.timestamp() if earliest is not None else None

    async def _sleep_until(self, deadline: float) -> None:
        await sleep_until(self.clock, self._stopping, deadline)

    # -- one round ------------------------------------------------------------------------
    async def _deliver_batch(self) -> tuple[int, float | None]:
        """Claim and send one batch; (rows processed, when a cooling chat becomes ready)."""
        now = self.clock.now()
        cooling = self._limits.cooling(now)
        claims, skipped = await self._claim(now, exclude=cooling.keys())
        if claims:
            results = await asyncio.gather(
                *(self._attempt(claim) for claim in claims), return_exceptions=True
            )
            done: list[tuple[Claim, Outcome]] = []
            for claim, result in zip(claims, results, strict=True):
                if isinstance(result, BaseException):
                    # The lease runs out and the row is tried again.
                    log.error("outbox_process_error", outbox_id=claim.id, exc_info=result)
                else:
                    done.append((claim, result))
            await self._recorder.finish(done)
        if claims or skipped:
            return len(claims) + skipped, None
        if cooling:
            waiting = await self._due_chats(now, cooling.keys())
            if waiting:
                return 0, min(cooling[chat_id] for chat_id in waiting)
        return 0, None

    async def _claim(self, now: float, *, exclude: Collection[int]) -> tuple[list[Claim], int]:
        """Lease the next rows; rows for users who blocked the bot are failed unsent."""
        token = uuid.uuid4().hex
        claims: list[Claim] = []
        given_up: list[tuple[Claim, str]] = []
        async with self.session_pool() as session, session.begin():
            # Whether the chat's user blocked the bot is read in the same statement.
            leased = await outbox_repo.claim_due(
                session,
                as_datetime(now),
                exclude=exclude,
                limit=self.batch_size,
                token=token,
                lease_end=now + self.lease_seconds,
            )
            for claim, chat_blocked in leased:
                if chat_blocked:
                    given_up.append((claim, BOT_BLOCKED))
                elif claim.attempts > self.max_attempts:  # the window ran out (its sender died)
                    given_up.append((claim, "attempts"))
                else:
                    claims.append(claim)
            if given_up:
                errors = {BOT_BLOCKED: BOT_BLOCKED, "attempts": "lease expired"}
                await outbox_repo.give_up(
                    session, [(claim.id, errors[why]) for claim, why in given_up], token
                )
        for claim, reason in given_up:
            log.warning("outbox_failed", outbox_id=claim.id, method=claim.method, reason=reason)
            self.metrics.failed(reason)
        return claims, len(given_up)

    async def _due_chats(self, now: float, chat_ids: Collection[int]) -> set[int]:
        """Which of these (cooling) chats have a row due now."""
        async with self.session_pool() as session:
            return await outbox_repo.due_chats(session, as_datetime(now), chat_ids)

    # -- one row ------------------------------------------------------------------------
    async def _attempt(self, claim: Claim) -> Outcome:
        try:
            return await self._send(claim)
        except Exception as exc:
            code, outcome = classify(claim, exc, self.retry)
            if code is not None:
                self.metrics.api_error(code)
            if isinstance(exc, TelegramRetryAfter):
                self._limits.pause(exc.retry_after)
            return outcome

    async def _send(self, claim: Claim) -> Outcome:
        method = load_method(claim.method, claim.payload)
        if claim.kind is OutboxKind.CARD_EDIT:
            return await self._edit_copies(claim, method)
        if not await self._acquire(claim):
            return Outcome(Verdict.RELEASE)
        result: Any = await self.bot(method)
        message_id = result.message_id if isinstance(result, Message) else None
        return Outcome(Verdict.SENT, message_id=message_id)

    async def _edit_copies(self, claim: Claim, method: Any) -> Outcome:
        """Edit every remembered copy of the card in this chat; a vanished copy is forgotten."""
        assert isinstance(method, EditMessageText | EditMessageReplyMarkup | EditMessageCaption)
        async with self.session_pool() as session:
            message_ids = await outbox_repo.card_copies(session, claim.request_id, claim.chat_id)
        gone: list[int] = []
        for message_id in message_ids:
            if not await self._acquire(claim):
                return Outcome(Verdict.RELEASE)
            try:
                await self.bot(method.model_copy(update={"message_id": message_id}))
            except TelegramBadRequest as exc:
                if is_not_modified(exc):
                    continue
                if any(text in exc.message for text in GONE_COPY_ERRORS):
                    gone.append(message_id)
                    continue
                raise
        return Outcome(Verdict.SENT, gone_copies=gone)

    async def _acquire(self, claim: Claim) -> bool:
        """Wait for the limits; False when stopping or too little of the lease is left."""
        return await self._limits.acquire(claim.chat_id, claim.lease_end, self.lease_seconds / 2)
