"""The outbox sender: delivers the rows that committed transactions left in `outbox`.

How a row travels:

1. **Claim** (a short transaction): `SELECT ... FOR UPDATE SKIP LOCKED` the oldest due
   pending row of each chat (a chat's later row waits while an earlier one is pending,
   retrying or claimed elsewhere), then give each a lease (`claimed_until`, `claim_token`)
   and commit. No lock is held across network calls or sleeps. On PostgreSQL several
   processes claim side by side and never get the same row; on SQLite (one process)
   SQLAlchemy drops the `FOR UPDATE` and the write lock serialises claims.
2. **Send**, within Telegram's limits: a global sliding window (25 calls/s by default),
   one call per second to a private chat and 20 per minute to a group. A 429 pauses all
   sending for `retry_after`.
3. **Record the outcome** (another short transaction, only if the lease is still ours):
   sent; retry later (transient: 5xx, timeouts, connection errors, 429 after its
   `retry_after`); failed with its error (permanent: 400 for this message, 403 the user
   blocked the bot, 413); the user marked `bot_blocked` on 403.

Transient failures are retried with capped exponential backoff and "equal jitter" (the
n-th retry waits between half and all of `min(cap, base * 2**(n-1))`, cap 5 minutes by
default) for at least the retry window (`OUTBOX_RETRY_HOURS`, 24 by default): a Telegram
outage of hours loses nothing, and once Telegram answers again each row goes out at its
next retry, at most one backoff step (the cap) later. The window is counted in attempts
(`attempts_for_window`), so no clock is stored per row and a bot that was down itself
sends its queue when it comes back, however old.

A sender that dies mid-send leaves its rows claimed; they are claimed again once the
lease runs out (an attempt of the window). Time comes from an injectable clock, so tests
run the limits and the backoff in virtual time.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import random
import time
import uuid
from collections import deque
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

import structlog
from aiogram import Bot
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramAPIError,
    TelegramBadRequest,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import EditMessageCaption, EditMessageReplyMarkup, EditMessageText
from aiogram.types import Message
from redis.asyncio import Redis
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from bot.services.outbox import load_method
from database.repositories import outbox as outbox_repo
from database.repositories import users as users_repo
from models import OutboxKind, OutboxMessage, OutboxStatus
from utils.telegram import is_not_modified as is_not_modified  # one rule for edits

if TYPE_CHECKING:
    from bot.settings import Settings

log = structlog.get_logger(__name__)

BOT_BLOCKED = "bot_blocked"
# Recording a batch's outcome is retried after 0.5, 1, 2, 4... s (at most 5 s between
# tries) while the leases have more than RECORD_SAFETY seconds left.
RECORD_RETRY_BASE = 0.5
RECORD_RETRY_MAX = 5.0
RECORD_SAFETY = 5.0
GONE_COPY_ERRORS = ("message to edit not found", "message can't be edited")


# --------------------------------------------------------------------------- time
class Clock(Protocol):
    """Seconds since the epoch, and a way to wait for a moment."""

    def now(self) -> float: ...

    async def sleep_until(self, deadline: float) -> None: ...


class SystemClock:
    def now(self) -> float:
        return time.time()

    async def sleep_until(self, deadline: float) -> None:
        await asyncio.sleep(max(0.0, deadline - time.time()))


def as_datetime(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, UTC)


class SlidingWindow:
    """At most `limit` calls in any `period` seconds (a half-open window)."""

    def __init__(self, limit: int, period: float) -> None:
        self.limit = limit
        self.period = period
        self._calls: deque[float] = deque()

    @classmethod
    def for_rate(cls, count: float, period: float) -> SlidingWindow:
        """`count` calls per `period` seconds; a fractional count narrows the window."""
        limit = max(1, int(count))
        return cls(limit, period * limit / count)

    def ready_at(self, now: float) -> float:
        """The earliest moment a call is allowed (`now` if it is allowed now)."""
        calls = self._calls
        while calls and calls[0] + self.period <= now:
            calls.popleft()
        if len(calls) < self.limit:
            return now
        return calls[0] + self.period

    def take(self, now: float) -> None:
        self._calls.append(now)

    @property
    def idle(self) -> bool:
        return not self._calls


# ------------------------------------------------------------ limits shared via Redis
# One atomic step over two sliding-window logs (sorted sets of call times): the global
# one and the chat's. Allowed when both have room (then the call is logged in both), else
# the moment the fuller one has room. A 429 pause is a key every process honours.
# Times come from the caller's clock and travel as exact strings both ways (a Lua number
# passed to Redis is printed with 14 digits: a tenth of a millisecond off at epoch times,
# enough to let a call in early; one returned would be cut to an integer). ARGV: the
# member, then per window: limit, cutoff (now - period, from Python), period.
_LUA_SHARED_WINDOWS = """
local now = ARGV[1]
local pause = redis.call('GET', KEYS[3])
if pause and tonumber(pause) > tonumber(now) then return pause end
local ready = nil
for i = 1, 2 do
  local key, limit = KEYS[i], tonumber(ARGV[3 * i])
  local cutoff, period = ARGV[3 * i + 1], tonumber(ARGV[3 * i + 2])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', cutoff)
  if redis.call('ZCARD', key) >= limit then
    local oldest = tonumber(redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')[2])
    local at = oldest + period
    if ready == nil or at > ready then ready = at end
  end
end
if ready ~= nil then return string.format('%.17g', ready) end
for i = 1, 2 do
  redis.call('ZADD', KEYS[i], now, ARGV[2])
  redis.call('PEXPIRE', KEYS[i], math.ceil(tonumber(ARGV[3 * i + 2]) * 1000) + 1000)
end
return '0'
"""


class SharedLimits:
    """Telegram's limits kept across every process on one Redis (N webhook replicas send
    at most the limits, not N times them). Without Redis each process keeps its own."""

    def __init__(self, redis: Redis, prefix: str = "zavhoz:outbox") -> None:
        self.prefix = prefix
        self._redis = redis
        self._script = redis.register_script(_LUA_SHARED_WINDOWS)
        self._calls = itertools.count()
        self._id = uuid.uuid4().hex[:8]

    async def reserve(
        self, chat_id: int, chat: SlidingWindow, total: SlidingWindow, now: float
    ) -> float:
        """Take a call for `chat_id` at `now` (returns `now`), or the moment to try again."""
        ready = await self._script(
            keys=[f"{self.prefix}:global", f"{self.prefix}:chat:{chat_id}", f"{self.prefix}:pause"],
            args=[
                repr(now),
                f"{self._id}:{next(self._calls)}",
                total.limit,
                repr(now - total.period),
                repr(total.period),
                chat.limit,
                repr(now - chat.period),
                repr(chat.period),
            ],
        )
        at = float(ready.decode() if isinstance(ready, bytes) else ready)
        return now if at == 0 else at

    async def pause(self, until: float) -> None:
        """Every process waits until `until` (a 429's retry_after)."""
        key = f"{self.prefix}:pause"
        await self._redis.set(key, repr(until), px=max(1, int((until - time.time()) * 1000) + 1000))


# ------------------------------------------------------------------------ metrics
class SenderMetrics(Protocol):
    """What the sender reports; the ops layer adapts it to Prometheus."""

    def api_error(self, code: str) -> None:
        """A Bot API call failed: "429", "5xx", "403", "400", "network" or "other"."""

    def sent(self, kind: str) -> None:
        """A row was delivered."""

    def failed(self, reason: str) -> None:
        """A row was given up: "bot_blocked", "forbidden", "bad_request", "attempts"..."""


class NoMetrics:
    def api_error(self, code: str) -> None:
        return None

    def sent(self, kind: str) -> None:
        return None

    def failed(self, reason: str) -> None:
        return None


# ------------------------------------------------------------------------ outcomes
@dataclass(frozen=True, slots=True)
class Claim:
    """What a sender needs from a claimed row, detached from the session."""

    id: int
    chat_id: int
    method: str
    payload: dict[str, Any]
    kind: OutboxKind
    request_id: int | None
    attempts: int
    token: str
    lease_end: float


class Verdict(StrEnum):
    SENT = "sent"
    RETRY = "retry"  # a failed attempt; try again after `delay`
    RELEASE = "release"  # not attempted (429, stopping, lease too short): no attempt counted
    FAILED = "failed"


@dataclass(slots=True)
class Outcome:
    verdict: Verdict
    error: str | None = None
    reason: str | None = None  # for metrics, when failed
    delay: float = 0.0
    message_id: int | None = None  # a sent card, to edit later
    gone_copies: list[int] = field(default_factory=list)
    blocked: bool = False


def describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]


def backoff_ceiling(attempt: int, base: float, cap: float) -> float:
    """The longest wait after the `attempt`-th failed attempt (1-based)."""
    return min(cap, base * 2.0 ** min(attempt - 1, 64))


def attempts_for_window(window: float, base: float, cap: float) -> int:
    """Attempts whose shortest possible waits (half of each ceiling) add up to `window`
    seconds: a row is retried at least that long before it is given up."""
    waited, attempts = 0.0, 1
    while waited < window:
        waited += backoff_ceiling(attempts, base, cap) / 2
        attempts += 1
    return attempts


# -------------------------------------------------------------------------- sender
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
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.retry_window = retry_window
        self.max_attempts = attempts_for_window(retry_window, backoff_base, backoff_max)
        self.clock: Clock = clock or SystemClock()
        self.metrics: SenderMetrics = metrics or NoMetrics()
        self.rng = rng or random.Random()
        self._global = SlidingWindow.for_rate(rate_per_second, 1.0)
        self._private_rate = private_rate_per_second
        self._group_rate = group_rate_per_minute
        self._chats: dict[int, SlidingWindow] = {}
        self._paused_until = 0.0
        self._shared = SharedLimits(redis) if redis is not None else None
        self._background: set[asyncio.Future[None]] = set()
        # Card copies that reached a chat while their recording failed for good (the
        # database was away for a whole lease): written with the next recorded batch.
        self._unrecorded_copies: list[tuple[int, int, int]] = []
        self._stopping = asyncio.Event()
        self._wakeup = asyncio.Event()

    @classmethod
    def from_settings(
        cls,
        bot: Bot,
        session_pool: async_sessionmaker[AsyncSession],
        settings: Settings,
        **overrides: Any,
    ) -> OutboxSender:
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
                await self._sleep_until(self._paused_until)
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
            await self._sleep_until(self._paused_until)
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

    # -- one round ------------------------------------------------------------------------
    async def _deliver_batch(self) -> tuple[int, float | None]:
        """Claim and send one batch; (rows processed, when a cooling chat becomes ready)."""
        now = self.clock.now()
        cooling: dict[int, float] = {}
        for chat_id, window in list(self._chats.items()):
            ready = window.ready_at(now)
            if ready > now:
                cooling[chat_id] = ready
            elif window.idle:
                del self._chats[chat_id]
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
            await self._finish(done)
        if claims or skipped:
            return len(claims) + skipped, None
        if cooling:
            waiting = await self._due_chats(now, cooling.keys())
            if waiting:
                return 0, min(cooling[chat_id] for chat_id in waiting)
        return 0, None

    async def _claim(self, now: float, *, exclude: Collection[int]) -> tuple[list[Claim], int]:
        """Lease the next rows; rows for users who blocked the bot are failed unsent."""
        moment = as_datetime(now)
        token = uuid.uuid4().hex
        lease_end = now + self.lease_seconds
        claims: list[Claim] = []
        given_up: list[tuple[OutboxMessage, str]] = []
        async with self.session_pool() as session, session.begin():
            # Whether the chat's user blocked the bot is read in the same statement.
            locked = await outbox_repo.lock_due(
                session, moment, exclude=exclude, limit=self.batch_size
            )
            for row, chat_blocked in locked:
                if chat_blocked:
                    given_up.append((row, BOT_BLOCKED))
                elif row.attempts >= self.max_attempts:  # the window ran out (its sender died)
                    given_up.append((row, "attempts"))
                else:
                    row.attempts += 1
                    row.claimed_until = as_datetime(lease_end)
                    row.claim_token = token
                    claims.append(self._snapshot(row, token, lease_end))
            for row, reason in given_up:
                row.status = OutboxStatus.FAILED
                row.last_error = BOT_BLOCKED if reason == BOT_BLOCKED else "lease expired"
                row.claimed_until = None
                row.claim_token = None
        for row, reason in given_up:
            log.warning("outbox_failed", outbox_id=row.id, method=row.method, reason=reason)
            self.metrics.failed(reason)
        return claims, len(given_up)

    @staticmethod
    def _snapshot(row: OutboxMessage, token: str, lease_end: float) -> Claim:
        return Claim(
            id=row.id,
            chat_id=row.chat_id,
            method=row.method,
            payload=row.payload,
            kind=row.kind,
            request_id=row.request_id,
            attempts=row.attempts,
            token=token,
            lease_end=lease_end,
        )

    async def _due_chats(self, now: float, chat_ids: Collection[int]) -> set[int]:
        """Which of these (cooling) chats have a row due now."""
        async with self.session_pool() as session:
            return await outbox_repo.due_chats(session, as_datetime(now), chat_ids)

    # -- one row ------------------------------------------------------------------------
    async def _attempt(self, claim: Claim) -> Outcome:
        try:
            return await self._send(claim)
        except TelegramRetryAfter as exc:
            self.metrics.api_error("429")
            self._pause(exc.retry_after)
            return Outcome(Verdict.RELEASE, error=describe(exc), delay=exc.retry_after)
        except TelegramForbiddenError as exc:
            self.metrics.api_error("403")
            return Outcome(
                Verdict.FAILED, error=describe(exc), reason="forbidden", blocked=claim.chat_id > 0
            )
        except TelegramBadRequest as exc:
            if is_not_modified(exc):
                return Outcome(Verdict.SENT)
            self.metrics.api_error("400")
            return Outcome(Verdict.FAILED, error=describe(exc), reason="bad_request")
        except TelegramEntityTooLarge as exc:
            self.metrics.api_error("413")
            return Outcome(Verdict.FAILED, error=describe(exc), reason="too_large")
        except (TelegramServerError, TelegramNetworkError, ClientDecodeError) as exc:
            self.metrics.api_error("5xx" if isinstance(exc, TelegramServerError) else "network")
            return self._retry_or_fail(claim, exc)
        except TelegramMigrateToChat as exc:
            self.metrics.api_error("400")
            log.warning("outbox_chat_migrated", chat_id=claim.chat_id, to=exc.migrate_to_chat_id)
            return Outcome(Verdict.FAILED, error=describe(exc), reason="chat_migrated")
        except TelegramAPIError as exc:
            # 401 (a revoked token), 404, 409...: nothing about this message; retried
            # for the window while the operator fixes it.
            self.metrics.api_error("other")
            return self._retry_or_fail(claim, exc)
        except Exception as exc:  # a bad payload must not stop the queue
            log.exception("outbox_unexpected_error", outbox_id=claim.id)
            return Outcome(Verdict.FAILED, error=describe(exc), reason="error")

    def _retry_or_fail(self, claim: Claim, exc: Exception) -> Outcome:
        """A transient failure: retry after a backoff, or give up once the window is over."""
        if claim.attempts >= self.max_attempts:
            return Outcome(Verdict.FAILED, error=describe(exc), reason="attempts")
        ceiling = backoff_ceiling(claim.attempts, self.backoff_base, self.backoff_max)
        delay = ceiling / 2 + self.rng.uniform(0, ceiling / 2)  # "equal jitter"
        return Outcome(Verdict.RETRY, error=describe(exc), delay=delay)

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

    # -- limits -----------------------------------------------------------------------
    def _window(self, chat_id: int) -> SlidingWindow:
        window = self._chats.get(chat_id)
        if window is None:
            if chat_id > 0:
                window = SlidingWindow.for_rate(self._private_rate, 1.0)
            else:
                window = SlidingWindow.for_rate(self._group_rate, 60.0)
            self._chats[chat_id] = window
        return window

    async def _acquire(self, claim: Claim) -> bool:
        """Wait for the limits; False when stopping or too little of the lease is left.

        The process's own windows first (no round trip while it is over them), then,
        with Redis, the windows every process shares. A Redis that does not answer
        leaves each process its own limits rather than stopping the notifications.
        """
        chat = self._window(claim.chat_id)
        while not self._stopping.is_set():
            now = self.clock.now()
            ready = max(self._paused_until, self._global.ready_at(now), chat.ready_at(now))
            if ready <= now:
                if claim.lease_end - now < self.lease_seconds / 2:
                    return False  # give the row back rather than risk a double send
                ready = await self._reserve_shared(claim.chat_id, chat, now)
            if ready <= now:
                self._global.take(now)
                chat.take(now)
                return True
            await self._sleep_until(ready)
        return False

    async def _reserve_shared(self, chat_id: int, chat: SlidingWindow, now: float) -> float:
        if self._shared is None:
            return now
        try:
            return await self._shared.reserve(chat_id, chat, self._global, now)
        except Exception as exc:
            log.warning("outbox_shared_limits_unavailable", error=type(exc).__name__)
            return now

    def _pause(self, retry_after: float) -> None:
        until = self.clock.now() + retry_after
        if until > self._paused_until:
            self._paused_until = until
            log.warning("outbox_paused", retry_after=retry_after)
            if self._shared is not None:
                self._share_pause(until)

    def _share_pause(self, until: float) -> None:
        assert self._shared is not None

        async def share() -> None:
            try:
                await self._shared.pause(until)  # type: ignore[union-attr]
            except Exception as exc:
                log.warning("outbox_shared_limits_unavailable", error=type(exc).__name__)

        task = asyncio.ensure_future(share())
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _sleep_until(self, deadline: float) -> None:
        """Sleep in steps of at most a second, so that stop() is noticed."""
        while not self._stopping.is_set():
            now = self.clock.now()
            if now >= deadline:
                return
            await self.clock.sleep_until(min(deadline, now + 1.0))

    # -- recording the outcome --------------------------------------------------------
    async def _finish(self, done: Sequence[tuple[Claim, Outcome]]) -> None:
        """Record a batch's outcomes in one transaction, retried while the leases last.

        The sent rows (nearly all of them) are marked by one UPDATE; retries, releases and
        failures row by row. A row whose lease was lost meanwhile is left to its new holder.
        A failed recording (a database blip) is retried with backoff as long as the
        batch's leases leave time, so a sent row is not sent again when its lease runs
        out; only when the database stays away that long is the batch sent twice.
        """
        if not done:
            return
        delay = RECORD_RETRY_BASE
        deadline = min(claim.lease_end for claim, _ in done) - RECORD_SAFETY
        for attempt in itertools.count(1):
            try:
                recorded = await self._record_batch(done)
            except Exception as exc:
                retry_at = self.clock.now() + delay
                if retry_at >= deadline or self._stopping.is_set():
                    # Nothing recorded: the leases run out and the rows are tried again.
                    log.exception("outbox_finish_error", rows=len(done), attempts=attempt)
                    self._keep_unrecorded_copies(done)
                    return
                log.warning(
                    "outbox_finish_retry", rows=len(done), attempt=attempt, error=describe(exc)
                )
                await self.clock.sleep_until(retry_at)
                delay = min(delay * 2, RECORD_RETRY_MAX)
                continue
            break
        for claim, outcome in done:
            if claim.id in recorded:
                self._report(claim, outcome)
            else:
                log.warning("outbox_lease_lost", outbox_id=claim.id)

    def _keep_unrecorded_copies(self, done: Sequence[tuple[Claim, Outcome]]) -> None:
        for claim, outcome in done:
            if (
                claim.kind is OutboxKind.CARD
                and claim.request_id is not None
                and outcome.message_id is not None
            ):
                self._unrecorded_copies.append(
                    (claim.request_id, claim.chat_id, outcome.message_id)
                )
        del self._unrecorded_copies[:-1000]  # bounded, whatever happens

    async def _record_batch(self, done: Sequence[tuple[Claim, Outcome]]) -> set[int]:
        now = self.clock.now()
        sent = [(claim, outcome) for claim, outcome in done if outcome.verdict is Verdict.SENT]
        others = [
            (claim, outcome) for claim, outcome in done if outcome.verdict is not Verdict.SENT
        ]
        recorded: set[int] = set()
        async with self.session_pool() as session, session.begin():
            if sent:
                recorded |= await outbox_repo.mark_sent(
                    session, [(claim.id, claim.token) for claim, _ in sent], as_datetime(now)
                )
                for claim, outcome in sent:
                    # Every copy that reached the chat is remembered, even when the lease
                    # was lost and the row is (or was) sent again by another process:
                    # that copy's buttons must be redrawn too.
                    await self._remember_copies(session, claim, outcome)
            for claim, outcome in others:
                if await self._record(session, claim, outcome, now):
                    recorded.add(claim.id)
            kept = self._unrecorded_copies[:]
            for request_id, chat_id, message_id in kept:
                await outbox_repo.remember_copy(session, request_id, chat_id, message_id)
        del self._unrecorded_copies[: len(kept)]
        return recorded

    async def _record(
        self, session: AsyncSession, claim: Claim, outcome: Outcome, now: float
    ) -> bool:
        values: dict[str, Any] = {}
        match outcome.verdict:
            case Verdict.RETRY:
                values.update(
                    available_at=as_datetime(now + outcome.delay), last_error=outcome.error
                )
            case Verdict.RELEASE:
                values["attempts"] = OutboxMessage.attempts - 1
                if outcome.delay:
                    values["available_at"] = as_datetime(now + outcome.delay)
            case Verdict.FAILED:
                values.update(status=OutboxStatus.FAILED, last_error=outcome.error)
        if not await outbox_repo.settle(session, claim.id, claim.token, values):
            return False
        if outcome.blocked:
            await users_repo.set_bot_blocked(session, claim.chat_id, True)
        return True

    @staticmethod
    async def _remember_copies(session: AsyncSession, claim: Claim, outcome: Outcome) -> None:
        """A sent card's message id is kept so later edits reach it; vanished copies go."""
        if (
            claim.kind is OutboxKind.CARD
            and claim.request_id is not None
            and outcome.message_id is not None
        ):
            await outbox_repo.remember_copy(
                session, claim.request_id, claim.chat_id, outcome.message_id
            )
        if outcome.gone_copies:
            await outbox_repo.forget_copies(session, claim.chat_id, outcome.gone_copies)

    def _report(self, claim: Claim, outcome: Outcome) -> None:
        match outcome.verdict:
            case Verdict.SENT:
                self.metrics.sent(claim.kind.value)
            case Verdict.RETRY:
                log.info(
                    "outbox_retry",
                    outbox_id=claim.id,
                    attempts=claim.attempts,
                    delay=round(outcome.delay, 2),
                    error=outcome.error,
                )
            case Verdict.FAILED:
                log.warning(
                    "outbox_failed",
                    outbox_id=claim.id,
                    method=claim.method,
                    attempts=claim.attempts,
                    reason=outcome.reason,
                    error=outcome.error,
                )
                self.metrics.failed(outcome.reason or "error")
            case Verdict.RELEASE:
                pass


_QUEUED_KEY = "zavhoz_outbox_queued"


def wake_on_commit(session_pool: async_sessionmaker[AsyncSession], sender: OutboxSender) -> None:
    """Wake the sender when a transaction that queued notifications commits.

    Without it a notification waits for the next poll; with it the staff see a new
    request as soon as it is saved. A rolled-back transaction wakes nobody.
    """
    base: type[Session] = session_pool.kw.get("sync_session_class") or Session
    waking: type[Session] = type("OutboxWakingSession", (base,), {})
    session_pool.configure(sync_session_class=waking)

    @event.listens_for(waking, "after_flush")
    def _after_flush(session: Session, _context: Any) -> None:
        if any(isinstance(obj, OutboxMessage) for obj in session.new):
            session.info[_QUEUED_KEY] = True

    @event.listens_for(waking, "after_commit")
    def _after_commit(session: Session) -> None:
        if session.info.pop(_QUEUED_KEY, False):
            sender.wake()

    @event.listens_for(waking, "after_rollback")
    def _after_rollback(session: Session) -> None:
        session.info.pop(_QUEUED_KEY, None)
