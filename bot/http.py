"""The operations HTTP server: `GET /metrics` for Prometheus, `GET /healthz` for probes.

`build_http_app()` returns a plain aiohttp application; `start_http_server()` binds it and
returns the runner, which the caller cleans up on shutdown. A `metrics_port` of 0 means
"no server": the composition root simply does not call `start_http_server()`.
"""

from __future__ import annotations

import asyncio
import hmac
import re
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Final

import structlog
from aiohttp import web

from bot.logging import mask_text
from bot.metrics import Metrics

__all__ = ["CHECK_TIMEOUT", "HealthCheck", "build_http_app", "start_http_server"]

log = structlog.get_logger(__name__)

#: A health check: returns when the dependency is usable, raises otherwise.
HealthCheck = Callable[[], Awaitable[None]]

#: Seconds a single check may take before it counts as failed.
CHECK_TIMEOUT: Final = 2.0

_MAX_MESSAGE: Final = 200
# scheme://user:password@host -> scheme://***@host (database and Redis URLs in errors).
_URL_CREDENTIALS_RE: Final = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)[^/\s@]+@")


def _safe_message(exc: BaseException) -> str:
    """The exception's message without credentials, tokens or phones, and not too long."""
    text = _URL_CREDENTIALS_RE.sub(r"\g<scheme>***@", str(exc))
    text = mask_text(text)
    if len(text) > _MAX_MESSAGE:
        text = text[: _MAX_MESSAGE - 1] + "…"
    return text


async def _run_check(name: str, check: HealthCheck, limit: float) -> Any:
    """ "ok", or a report of why the check failed; never raises (except on cancellation)."""
    timer = asyncio.timeout(limit)
    try:
        async with timer:
            await check()
    except Exception as exc:
        if isinstance(exc, TimeoutError) and timer.expired():
            message = f"no answer within {limit:g} s"
        else:  # includes a TimeoutError of the check's own (a driver's connect timeout)
            message = _safe_message(exc)
        error = type(exc).__name__
        log.warning("health_check_failed", check=name, error=error, message=message)
        return {"status": "error", "error": error, "message": message}
    return "ok"


def build_http_app(
    metrics: Metrics,
    checks: Mapping[str, HealthCheck],
    *,
    check_timeout: float = CHECK_TIMEOUT,
    token: str | None = None,
) -> web.Application:
    """An application serving `GET /metrics` and `GET /healthz`.

    With a `token` (METRICS_TOKEN) both answer 401 unless the request carries
    `Authorization: Bearer <token>`.

    `/healthz` runs all `checks` concurrently, each under `check_timeout` seconds, and
    answers 200 `{"status": "ok", "checks": {"database": "ok", ...}}`, or 503 with
    `"status": "error"` and, for each failed check, `{"status": "error", "error":
    <exception type>, "message": <message without credentials>}`.
    """
    checks = dict(checks)

    async def metrics_view(request: web.Request) -> web.Response:
        body, content_type = metrics.render(request.headers.get("Accept"))
        return web.Response(body=body, headers={"Content-Type": content_type})

    async def healthz_view(request: web.Request) -> web.Response:
        names = list(checks)
        results = await asyncio.gather(
            *(_run_check(name, checks[name], check_timeout) for name in names)
        )
        report = dict(zip(names, results, strict=True))
        healthy = all(result == "ok" for result in results)
        return web.json_response(
            {"status": "ok" if healthy else "error", "checks": report},
            status=200 if healthy else 503,
            headers={"Cache-Control": "no-store"},
        )

    middlewares = [_bearer_auth(token)] if token else []
    app = web.Application(middlewares=middlewares)
    app.router.add_get("/metrics", metrics_view)
    app.router.add_get("/healthz", healthz_view)
    return app


def _bearer_auth(token: str) -> Any:
    expected = f"Bearer {token}".encode()

    @web.middleware
    async def bearer_auth(
        request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        given = request.headers.get("Authorization", "").encode()
        if not hmac.compare_digest(given, expected):
            return web.Response(
                status=401, text="unauthorized", headers={"WWW-Authenticate": "Bearer"}
            )
        return await handler(request)

    return bearer_auth


async def start_http_server(app: web.Application, host: str, port: int) -> web.AppRunner:
    """Serve `app` on `host:port` and return the runner (`await runner.cleanup()` to stop).

    Port 0 binds a free port (tests read it from `runner.addresses`); callers that treat
    0 as "disabled" must not call this.
    """
    # No access log: Prometheus scrapes every few seconds.
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
    except BaseException:
        await runner.cleanup()
        raise
    log.info("http_server_started", host=host, port=port)
    return runner
