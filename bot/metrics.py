"""Prometheus metrics of the bot, in a registry owned by one `Metrics` object.

The composition root builds one `Metrics()` and hands it to the dispatcher's
middlewares, the Bot's session (`TelegramErrorCounter`), the session factory
(`count_created_requests`) and the HTTP server, and runs `refresh_gauges` periodically.
Nothing is registered in prometheus_client's global default registry, so tests (and a
benchmark) can build as many as they like.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, Any, Final

import structlog
from aiogram.client.session.middlewares.base import BaseRequestMiddleware
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramConflictError,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from prometheus_client import (
    GC_COLLECTOR,
    PLATFORM_COLLECTOR,
    PROCESS_COLLECTOR,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
)
from prometheus_client.exposition import choose_encoder
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from database.repositories import stats as stats_repo
from models import OutboxStatus, Request, utcnow

if TYPE_CHECKING:
    from aiogram import Bot
    from aiogram.client.session.middlewares.base import NextRequestMiddlewareType
    from aiogram.methods import Response, TelegramMethod
    from aiogram.methods.base import TelegramType

__all__ = [
    "GAUGE_REFRESH_INTERVAL",
    "LATENCY_BUCKETS",
    "Metrics",
    "TelegramErrorCounter",
    "count_created_requests",
    "refresh_gauges",
    "run_gauge_refresher",
    "telegram_error_code",
]

log = structlog.get_logger(__name__)

#: Seconds between two refreshes of the gauges read from the database.
GAUGE_REFRESH_INTERVAL: Final = 15.0

#: Handler latency buckets, seconds: 1 ms .. 5 s (a handler is one or two queries and an
#: API call; anything above 5 s lands in +Inf and is a problem anyway).
LATENCY_BUCKETS: Final = (
    0.001,
    0.0025,
    0.005,
    0.01,
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    1.0,
    2.5,
    5.0,
)


class Metrics:
    """All metrics of one bot process.

    Attributes (labels in braces):

    * `updates_total{type,handler}`: updates processed (`type` is the update type,
      `handler` the handler that took it, or "unhandled");
    * `handler_latency_seconds{handler}`: time spent handling an update;
    * `errors_total{type}`: exceptions escaping handlers, by exception class;
    * `requests_created_total`: repair requests created;
    * `requests_by_status{status}`: open requests per status (set by a periodic job);
    * `requests_overdue`: open requests past their deadline, the SLA breaches (likewise);
    * `outbox_pending`, `outbox_failed`: notifications waiting / given up;
    * `telegram_api_errors_total{code}`: Bot API errors by error code (429, 403, ...);
    * `rate_limit_refusals_total`: updates dropped by the flood control.

    `process=True` also exports the usual `process_*` (CPU, memory, fds) and `python_*`
    metrics; their collectors only read `/proc` when scraped.
    """

    def __init__(self, *, process: bool = True) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        reg = self.registry

        def counter(name: str, documentation: str, *labels: str) -> Counter:
            return Counter(name, documentation, labels, registry=reg)

        def gauge(name: str, documentation: str, *labels: str) -> Gauge:
            return Gauge(name, documentation, labels, registry=reg)

        self.updates_total = counter(
            "updates_total",
            "Telegram updates processed, by update type and handler.",
            "type",
            "handler",
        )
        self.handler_latency_seconds = Histogram(
            "handler_latency_seconds",
            "Time spent handling one update, by handler.",
            ["handler"],
            buckets=LATENCY_BUCKETS,
            registry=reg,
        )
        self.errors_total = counter(
            "errors_total", "Exceptions raised while handling updates, by exception type.", "type"
        )
        self.requests_created_total = counter("requests_created_total", "Repair requests created.")
        self.requests_by_status = gauge(
            "requests_by_status", "Repair requests currently in each status.", "status"
        )
        self.requests_overdue = gauge(
            "requests_overdue", "Open repair requests past their deadline (SLA breached)."
        )
        self.outbox_pending = gauge("outbox_pending", "Notifications waiting in the outbox.")
        self.outbox_failed = gauge("outbox_failed", "Notifications the outbox gave up on.")
        self.telegram_api_errors_total = counter(
            "telegram_api_errors_total",
            "Errors returned by the Telegram Bot API, by error code.",
            "code",
        )
        self.rate_limit_refusals_total = counter(
            "rate_limit_refusals_total", "Updates refused by the per-user flood control."
        )

        if process:
            # The default collectors are stateless readers: registering the same
            # instances in several registries is fine.
            for collector in (PROCESS_COLLECTOR, PLATFORM_COLLECTOR, GC_COLLECTOR):
                reg.register(collector)

    def render(self, accept: str | None = None) -> tuple[bytes, str]:
        """The exposition text and its content type.

        Without `accept` this is `generate_latest()` in the classic text format;
        with a scraper's Accept header it is negotiated the way prometheus_client's
        own servers do it (OpenMetrics for Prometheus that asks for it).
        """
        encoder, content_type = choose_encoder(accept or "")
        return encoder(self.registry), content_type


# --------------------------------------------------------------- Telegram API errors

# Most specific first: TelegramEntityTooLarge is a TelegramNetworkError, and so on.
_ERROR_CODES: Final[tuple[tuple[type[TelegramAPIError], str], ...]] = (
    (TelegramRetryAfter, "429"),
    (TelegramMigrateToChat, "400"),
    (TelegramEntityTooLarge, "413"),
    (TelegramNetworkError, "network"),
    (TelegramBadRequest, "400"),
    (TelegramUnauthorizedError, "401"),
    (TelegramForbiddenError, "403"),
    (TelegramNotFound, "404"),
    (TelegramConflictError, "409"),
    (TelegramServerError, "5xx"),
)


def telegram_error_code(exc: TelegramAPIError) -> str:
    """The Bot API error code behind an aiogram exception ("network": no HTTP answer)."""
    for kind, code in _ERROR_CODES:
        if isinstance(exc, kind):
            return code
    return "other"


class TelegramErrorCounter(BaseRequestMiddleware):
    """Bot session middleware: counts every failed Bot API call by error code.

    `bot.session.middleware(TelegramErrorCounter(metrics))`; it sees the calls of the
    handlers, the outbox sender and the polling loop alike.
    """

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        try:
            return await make_request(bot, method)
        except TelegramAPIError as exc:
            code = telegram_error_code(exc)
            self.metrics.telegram_api_errors_total.labels(code=code).inc()
            raise


# ------------------------------------------------------------------ requests created

_CREATED_KEY: Final = "zavhoz_requests_created"


def count_created_requests(
    session_pool: async_sessionmaker[AsyncSession], metrics: Metrics
) -> None:
    """Count `requests_created_total` when a transaction that inserted requests commits.

    Works whoever creates the request (a handler's service, a CLI, a benchmark) and
    whether it is added as an object or inserted with `insert(Request)`; a rolled-back
    transaction counts nothing. The listeners are attached to a subclass of the pool's
    session class, so other session factories (tests, other processes) are untouched.
    """
    base: type[Session] = session_pool.kw.get("sync_session_class") or Session
    metered: type[Session] = type("MeteredSession", (base,), {})
    session_pool.configure(sync_session_class=metered)

    def add(session: Session, count: int) -> None:
        if count:
            session.info[_CREATED_KEY] = session.info.get(_CREATED_KEY, 0) + count

    @event.listens_for(metered, "after_flush")
    def _after_flush(session: Session, flush_context: UOWTransaction) -> None:
        add(session, sum(1 for obj in session.new if isinstance(obj, Request)))

    @event.listens_for(metered, "do_orm_execute")
    def _on_execute(state: ORMExecuteState) -> None:
        mapper = state.bind_mapper
        if state.is_insert and mapper is not None and mapper.class_ is Request:
            params: Any = state.parameters
            add(state.session, len(params) if isinstance(params, list) and params else 1)

    @event.listens_for(metered, "after_commit")
    def _after_commit(session: Session) -> None:
        created = session.info.pop(_CREATED_KEY, 0)
        if created:
            metrics.requests_created_total.inc(created)

    @event.listens_for(metered, "after_rollback")
    def _after_rollback(session: Session) -> None:
        session.info.pop(_CREATED_KEY, None)


# ------------------------------------------------------------------ database gauges


async def refresh_gauges(metrics: Metrics, session_pool: async_sessionmaker[AsyncSession]) -> None:
    """Set `requests_by_status`, `requests_overdue` and the outbox gauges (three queries)."""
    async with session_pool() as session:
        by_status = await stats_repo.requests_by_status(session)
        overdue = await stats_repo.overdue_count(session, utcnow())
        outbox = await stats_repo.outbox_by_status(
            session, (OutboxStatus.PENDING, OutboxStatus.FAILED)
        )
    for status, count in by_status.items():
        metrics.requests_by_status.labels(status=str(status)).set(count)
    metrics.requests_overdue.set(overdue)
    metrics.outbox_pending.set(outbox[OutboxStatus.PENDING])
    metrics.outbox_failed.set(outbox[OutboxStatus.FAILED])


async def run_gauge_refresher(
    metrics: Metrics,
    session_pool: async_sessionmaker[AsyncSession],
    stop: asyncio.Event,
    interval: float = GAUGE_REFRESH_INTERVAL,
) -> None:
    """Refresh the database gauges every `interval` seconds until `stop` is set.

    A failed refresh (the database is restarting) keeps the last values and is retried
    at the next tick.
    """
    while not stop.is_set():
        try:
            await refresh_gauges(metrics, session_pool)
        except Exception as exc:
            log.warning("metrics_refresh_failed", error=type(exc).__name__)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), interval)
