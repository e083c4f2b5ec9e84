"""The retry policy and the classification of Telegram's errors.

Transient failures (5xx, timeouts, connection errors, 401/404/409...) are retried with
capped exponential backoff and "equal jitter" for at least the retry window, counted in
attempts; permanent ones (400 for this message, 403, 413, a migrated group) fail the row.
A 429 is neither: the row is given back unattempted and all sending pauses.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import structlog
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

from bot.sender.outcome import Claim, Outcome, Verdict, describe
from utils.telegram import is_not_modified

log = structlog.get_logger(__name__)


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


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Capped exponential backoff with equal jitter, for `max_attempts` attempts."""

    base: float
    cap: float
    max_attempts: int
    rng: random.Random

    @classmethod
    def for_window(cls, window: float, base: float, cap: float, rng: random.Random) -> RetryPolicy:
        return cls(base, cap, attempts_for_window(window, base, cap), rng)

    def retry_or_fail(self, claim: Claim, exc: Exception) -> Outcome:
        """A transient failure: retry after a backoff, or give up once the window is over."""
        if claim.attempts >= self.max_attempts:
            return Outcome(Verdict.FAILED, error=describe(exc), reason="attempts")
        ceiling = backoff_ceiling(claim.attempts, self.base, self.cap)
        delay = ceiling / 2 + self.rng.uniform(0, ceiling / 2)  # "equal jitter"
        return Outcome(Verdict.RETRY, error=describe(exc), delay=delay)


def classify(claim: Claim, exc: Exception, retry: RetryPolicy) -> tuple[str | None, Outcome]:
    """What a failed call means for its row, and the API error to count (None: no error
    of the Bot API's). Call it while handling `exc` (an unexpected one is logged with it)."""
    if isinstance(exc, TelegramRetryAfter):
        return "429", Outcome(Verdict.RELEASE, error=describe(exc), delay=exc.retry_after)
    if isinstance(exc, TelegramForbiddenError):
        return "403", Outcome(
            Verdict.FAILED, error=describe(exc), reason="forbidden", blocked=claim.chat_id > 0
        )
    if isinstance(exc, TelegramBadRequest):
        if is_not_modified(exc):
            return None, Outcome(Verdict.SENT)
        return "400", Outcome(Verdict.FAILED, error=describe(exc), reason="bad_request")
    if isinstance(exc, TelegramEntityTooLarge):
        return "413", Outcome(Verdict.FAILED, error=describe(exc), reason="too_large")
    if isinstance(exc, TelegramServerError | TelegramNetworkError | ClientDecodeError):
        code = "5xx" if isinstance(exc, TelegramServerError) else "network"
        return code, retry.retry_or_fail(claim, exc)
    if isinstance(exc, TelegramMigrateToChat):
        log.warning("outbox_chat_migrated", chat_id=claim.chat_id, to=exc.migrate_to_chat_id)
        return "400", Outcome(Verdict.FAILED, error=describe(exc), reason="chat_migrated")
    if isinstance(exc, TelegramAPIError):
        # 401 (a revoked token), 404, 409...: nothing about this message; retried for the
        # window while the operator fixes it.
        return "other", retry.retry_or_fail(claim, exc)
    # A bad payload must not stop the queue.
    log.exception("outbox_unexpected_error", outbox_id=claim.id)
    return None, Outcome(Verdict.FAILED, error=describe(exc), reason="error")
