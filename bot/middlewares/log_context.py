"""Per-update context for logs, Sentry and metrics; one summary line per update.

Two middlewares work together:

* `LogContextMiddleware` (outer, on `dp.update`) binds `update_id` and `user_id` to every
  log line and to the Sentry scope, and when the update is done logs one `update` line
  (type, handler, outcome, duration) and counts it in the metrics.
* `HandlerNameMiddleware` (inner, on every event observer) runs only once aiogram has
  chosen a handler (`data["handler"]` exists only there). It binds `handler=<name>` for
  the lines logged inside the handler and records the name in the update's
  `UpdateTrace`, a mutable object the outer middleware put into the data (inner
  middlewares get a copy of the data dict, not the dict itself).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any, Final

import sentry_sdk
import structlog
from aiogram import BaseMiddleware, Dispatcher
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.dispatcher.event.handler import HandlerObject
from aiogram.types import TelegramObject, Update, User

from bot.metrics import Metrics
from bot.middlewares import Data, Handler
from bot.sentry import bind_update_context, update_scope

log = structlog.get_logger("bot.updates")

#: Key of the `UpdateTrace` in the handler data (the error handler reads it too).
TRACE_KEY: Final = "update_trace"
#: The handler label of an update no handler took (flood control, blocked user, ...).
NO_HANDLER: Final = "none"

# Observers that are not user events: `update` is the dispatcher's own entry point,
# `error` runs the error handler (it reports the failed handler's name itself).
_NOT_HANDLER_OBSERVERS: Final = frozenset({"update", "error"})


@dataclass
class UpdateTrace:
    """What the inner layer learned about the update, for the outer layer's summary."""

    handler: str | None = None


def handler_name(handler: HandlerObject) -> str:
    """`<module>.<function>` of a handler: `common.start` for `handlers.common.start`."""
    callback = handler.callback
    name = getattr(callback, "__qualname__", None) or type(callback).__qualname__
    name = name.rsplit("<locals>.", 1)[-1]  # handlers are defined inside get_router()
    module = str(getattr(callback, "__module__", "") or "").rsplit(".", 1)[-1]
    return f"{module}.{name}" if module else name


class LogContextMiddleware(BaseMiddleware):
    """The outer layer. `highest_update_id` is the newest update it has seen: after
    polling stops, the process confirms everything up to it to Telegram."""

    def __init__(self, metrics: Metrics | None = None) -> None:
        self.metrics = metrics
        self.highest_update_id: int | None = None

    async def __call__(self, handler: Handler, event: TelegramObject, data: Data) -> Any:
        assert isinstance(event, Update)
        if self.highest_update_id is None or event.update_id > self.highest_update_id:
            self.highest_update_id = event.update_id
        from_user: User | None = data.get("event_from_user")
        user_id = from_user.id if from_user else None
        trace = UpdateTrace()
        data[TRACE_KEY] = trace
        started = time.perf_counter()
        outcome = "error"
        error: str | None = None
        with (
            structlog.contextvars.bound_contextvars(update_id=event.update_id, user_id=user_id),
            update_scope(),
        ):
            bind_update_context(event.update_id, user_id)
            try:
                result = await handler(event, data)
            except asyncio.CancelledError:
                outcome = "cancelled"  # shutdown ran out of time
                raise
            except Exception as exc:
                error = type(exc).__name__
                raise
            else:
                if result is UNHANDLED:
                    outcome = "unhandled"
                elif trace.handler is None:
                    outcome = "dropped"  # a middleware answered instead of a handler
                else:
                    outcome = "handled"
                return result
            finally:
                duration = time.perf_counter() - started
                self._record(event.event_type, trace.handler, outcome, error, duration)

    def _record(
        self,
        update_type: str,
        handler: str | None,
        outcome: str,
        error: str | None,
        duration: float,
    ) -> None:
        fields: dict[str, Any] = {"error": error} if error else {}
        log.info(
            "update",
            type=update_type,
            handler=handler,
            outcome=outcome,
            duration_ms=round(duration * 1000, 2),
            **fields,
        )
        if self.metrics is None:
            return
        label = handler or NO_HANDLER
        self.metrics.updates_total.labels(type=update_type, handler=label).inc()
        self.metrics.handler_latency_seconds.labels(handler=label).observe(duration)
        if error:
            self.metrics.errors_total.labels(type=error).inc()


class HandlerNameMiddleware(BaseMiddleware):
    async def __call__(self, handler: Handler, event: TelegramObject, data: Data) -> Any:
        handler_object = data.get("handler")
        name = handler_name(handler_object) if isinstance(handler_object, HandlerObject) else None
        if name is None:
            return await handler(event, data)
        trace: UpdateTrace | None = data.get(TRACE_KEY)
        if trace is not None:
            trace.handler = name
        if sentry_sdk.get_client().is_active():
            sentry_sdk.set_tag("handler", name)
        with structlog.contextvars.bound_contextvars(handler=name):
            return await handler(event, data)


def install(dp: Dispatcher, metrics: Metrics | None = None) -> None:
    """Register both middlewares on `dp` (outer one first among ours)."""
    dp.update.outer_middleware(LogContextMiddleware(metrics))
    inner = HandlerNameMiddleware()
    for name, observer in dp.observers.items():
        if name not in _NOT_HANDLER_OBSERVERS:
            observer.middleware(inner)
