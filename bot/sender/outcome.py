"""What became of an attempt to send a claimed row (`Claim`, from models.outbox)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from models.outbox import Claim

__all__ = ["Claim", "Outcome", "Verdict", "describe"]


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
