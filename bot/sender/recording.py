"""Writing down what became of a batch's rows, in one short transaction.

Only a row whose lease is still ours is settled. A failed recording (a database blip) is
retried while the batch's leases leave time, so a sent row is not sent again; the copies
of a card that reached a chat are remembered even when their recording failed for good.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Sequence
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.sender.clock import Clock, as_datetime
from bot.sender.metrics import SenderMetrics
from bot.sender.outcome import Claim, Outcome, Verdict, describe
from database.repositories import outbox as outbox_repo
from database.repositories import users as users_repo
from models import OutboxKind, OutboxMessage, OutboxStatus

log = structlog.get_logger(__name__)

# Recording a batch's outcome is retried after 0.5, 1, 2, 4... s (at most 5 s between
# tries) while the leases have more than RECORD_SAFETY seconds left.
RECORD_RETRY_BASE = 0.5
RECORD_RETRY_MAX = 5.0
RECORD_SAFETY = 5.0


class Recorder:
    def __init__(
        self,
        session_pool: async_sessionmaker[AsyncSession],
        clock: Clock,
        metrics: SenderMetrics,
        stopping: asyncio.Event,
    ) -> None:
        self.session_pool = session_pool
        self.clock = clock
        self.metrics = metrics
        self._stopping = stopping
        # Card copies that reached a chat while their recording failed for good (the
        # database was away for a whole lease): written with the next recorded batch.
        self._unrecorded_copies: list[tuple[int, int, int]] = []

    async def finish(self, done: Sequence[tuple[Claim, Outcome]]) -> None:
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
