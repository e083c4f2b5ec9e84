"""A claimed outbox row, detached from its session, and what became of its attempt."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from models import OutboxKind


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
