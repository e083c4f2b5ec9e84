"""Prometheus metrics of the bot, in a registry owned by one `Metrics` object.

The composition root builds one `Metrics()` and hands it to the middlewares, the
outbox sender and the HTTP server. Nothing is registered in prometheus_client's global
default registry, so tests (and a benchmark) can build as many as they like.
"""

from __future__ import annotations

from typing import Final

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

__all__ = ["LATENCY_BUCKETS", "Metrics"]

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
    * `outbox_pending`, `outbox_failed`: notifications waiting / given up;
    * `telegram_api_errors_total{code}`: Bot API errors by error code (429, 403, ...);
    * `rate_limit_refusals_total`: updates dropped by the flood control.

    `process=True` also exports the usual `process_*` (CPU, memory, fds) and `python_*`
    metrics; their collectors only read `/proc` when scraped.
    """

    def __init__(self, *, process: bool = True) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        reg = self.registry

        self.updates_total = Counter(
            "updates_total",
            "Telegram updates processed, by update type and handler.",
            ["type", "handler"],
            registry=reg,
        )
        self.handler_latency_seconds = Histogram(
            "handler_latency_seconds",
            "Time spent handling one update, by handler.",
            ["handler"],
            buckets=LATENCY_BUCKETS,
            registry=reg,
        )
        self.errors_total = Counter(
            "errors_total",
            "Exceptions raised while handling updates, by exception type.",
            ["type"],
            registry=reg,
        )
        self.requests_created_total = Counter(
            "requests_created_total",
            "Repair requests created.",
            registry=reg,
        )
        self.requests_by_status = Gauge(
            "requests_by_status",
            "Repair requests currently in each status.",
            ["status"],
            registry=reg,
        )
        self.outbox_pending = Gauge(
            "outbox_pending",
            "Notifications waiting in the outbox.",
            registry=reg,
        )
        self.outbox_failed = Gauge(
            "outbox_failed",
            "Notifications the outbox gave up on.",
            registry=reg,
        )
        self.telegram_api_errors_total = Counter(
            "telegram_api_errors_total",
            "Errors returned by the Telegram Bot API, by error code.",
            ["code"],
            registry=reg,
        )
        self.rate_limit_refusals_total = Counter(
            "rate_limit_refusals_total",
            "Updates refused by the per-user flood control.",
            registry=reg,
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
