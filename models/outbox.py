"""A claimed outbox row as the sender holds it: detached from any session."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from models.enums import OutboxKind


@dataclass(frozen=True, slots=True)
class Claim:
    """What a sender needs from a row it leased (its attempt already counted)."""

    id: int
    chat_id: int
    method: str
    payload: dict[str, Any]
    kind: OutboxKind
    request_id: int | None
    attempts: int
    token: str
    lease_end: float  # seconds since the epoch
