"""Logging and Sentry under test: a recording Sentry transport, and undoing configure_logging().

The fixtures built on these (`transport`, `logging_state`, `json_logging`) are in conftest.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

import sentry_sdk
import structlog
from sentry_sdk.envelope import Envelope
from sentry_sdk.transport import Transport

# The loggers configure_logging() quietens; their levels are put back afterwards.
QUIETENED = ["aiogram.event", "sqlalchemy.engine", "sqlalchemy.pool", "aiohttp.access"]


class RecordingTransport(Transport):
    """Keeps every envelope instead of sending it."""

    def __init__(self) -> None:
        super().__init__()
        self.envelopes: list[Envelope] = []

    def capture_envelope(self, envelope: Envelope) -> None:
        self.envelopes.append(envelope)

    @property
    def events(self) -> list[dict[str, Any]]:
        events = (env.get_event() for env in self.envelopes)
        return [cast(dict[str, Any], event) for event in events if event is not None]

    def dump(self) -> str:
        """Every byte that would have left the process, with non-ASCII unescaped."""
        parts = [b"".join(env.serialize() for env in self.envelopes).decode()]
        parts += [json.dumps(event, ensure_ascii=False) for event in self.events]
        return "\n".join(parts)


@contextmanager
def recording_sentry() -> Iterator[RecordingTransport]:
    """An isolated Sentry scope whose client (once init_sentry() made one) is closed after."""
    recording = RecordingTransport()
    with sentry_sdk.isolation_scope():
        yield recording
        sentry_sdk.get_client().close()
    # Back to the NonRecordingClient: Sentry is off for the next tests. (A DSN-less
    # `sentry_sdk.init()` would leave a client that still reports itself active.)
    sentry_sdk.get_global_scope().set_client(None)


@contextmanager
def restored_logging() -> Iterator[None]:
    """Undo configure_logging(): the root handler it adds, levels, structlog, context."""
    root = logging.getLogger()
    levels = {name: logging.getLogger(name).level for name in QUIETENED}
    root_level = root.level
    yield
    for handler in [h for h in root.handlers if h.get_name() == "zavhoz"]:
        root.removeHandler(handler)
    root.setLevel(root_level)
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)
    structlog.reset_defaults()
    structlog.contextvars.clear_contextvars()
