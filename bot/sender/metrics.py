"""What the outbox sender reports; the ops layer adapts it to Prometheus."""

from __future__ import annotations

from typing import Protocol


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
