"""The operations endpoints as Prometheus and a container probe see them."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.http import build_http_app, start_http_server
from bot.metrics import Metrics
from bot.settings import Settings

Client = TestClient[web.Request, web.Application]


async def ok() -> None:
    await asyncio.sleep(0)


async def redis_down() -> None:
    raise ConnectionError(
        "Error 111 connecting to redis://:hunter2@redis:6379/0. Connection refused."
    )


async def hangs() -> None:
    await asyncio.sleep(60)


def client_for(app: web.Application) -> Client:
    return TestClient(TestServer(app))


@pytest.fixture
async def metrics_client() -> AsyncIterator[tuple[Metrics, Client]]:
    metrics = Metrics()
    async with client_for(build_http_app(metrics, {})) as client:
        yield metrics, client


async def test_metrics_endpoint_exposes_every_metric_after_use(
    metrics_client: tuple[Metrics, Client],
) -> None:
    metrics, client = metrics_client
    metrics.updates_total.labels(type="message", handler="create_request").inc()
    metrics.handler_latency_seconds.labels(handler="create_request").observe(0.004)
    metrics.errors_total.labels(type="TelegramBadRequest").inc()
    metrics.requests_created_total.inc(3)
    metrics.requests_by_status.labels(status="new").set(5)
    metrics.outbox_pending.set(2)
    metrics.outbox_failed.set(1)
    metrics.telegram_api_errors_total.labels(code="429").inc()
    metrics.rate_limit_refusals_total.inc()

    resp = await client.get("/metrics")

    assert resp.status == 200
    assert resp.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    text = await resp.text()
    for line in [
        'updates_total{handler="create_request",type="message"} 1.0',
        'handler_latency_seconds_bucket{handler="create_request",le="0.001"} 0.0',
        'handler_latency_seconds_bucket{handler="create_request",le="0.005"} 1.0',
        'handler_latency_seconds_bucket{handler="create_request",le="5.0"} 1.0',
        'handler_latency_seconds_count{handler="create_request"} 1.0',
        'errors_total{type="TelegramBadRequest"} 1.0',
        "requests_created_total 3.0",
        'requests_by_status{status="new"} 5.0',
        "outbox_pending 2.0",
        "outbox_failed 1.0",
        'telegram_api_errors_total{code="429"} 1.0',
        "rate_limit_refusals_total 1.0",
    ]:
        assert line in text.splitlines(), line


async def test_metrics_endpoint_speaks_openmetrics_when_asked(
    metrics_client: tuple[Metrics, Client],
) -> None:
    metrics, client = metrics_client
    metrics.requests_created_total.inc()

    resp = await client.get(
        "/metrics", headers={"Accept": "application/openmetrics-text; version=1.0.0"}
    )

    assert resp.headers["Content-Type"].startswith("application/openmetrics-text")
    text = await resp.text()
    assert "requests_created_total 1.0" in text
    assert text.endswith("# EOF\n")


def test_each_metrics_object_has_its_own_registry() -> None:
    first, second = Metrics(), Metrics(process=False)
    first.requests_created_total.inc()

    first_text = first.render()[0].decode()
    second_text = second.render()[0].decode()
    assert "requests_created_total 1.0" in first_text
    assert "requests_created_total 0.0" in second_text
    assert "python_info{" in first_text  # process/platform collectors are on by default
    assert "process_cpu_seconds_total" in first_text
    assert "python_info" not in second_text


async def test_healthz_is_ok_when_every_check_passes() -> None:
    app = build_http_app(Metrics(), {"database": ok, "redis": ok})
    async with client_for(app) as client:
        resp = await client.get("/healthz")

        assert resp.status == 200
        assert await resp.json() == {
            "status": "ok",
            "checks": {"database": "ok", "redis": "ok"},
        }


async def test_healthz_reports_the_failing_check_without_its_password() -> None:
    app = build_http_app(Metrics(), {"database": ok, "redis": redis_down})
    async with client_for(app) as client:
        resp = await client.get("/healthz")

        assert resp.status == 503
        body = await resp.json()
        assert body["status"] == "error"
        assert body["checks"]["database"] == "ok"
        redis = body["checks"]["redis"]
        assert redis["status"] == "error"
        assert redis["error"] == "ConnectionError"
        assert "redis://***@redis:6379/0" in redis["message"]
        assert "hunter2" not in await resp.text()


async def test_healthz_fails_a_check_that_does_not_answer_in_time() -> None:
    app = build_http_app(Metrics(), {"database": hangs, "redis": ok}, check_timeout=0.05)
    async with client_for(app) as client:
        resp = await client.get("/healthz")

        assert resp.status == 503
        body = await resp.json()
        assert body["checks"]["redis"] == "ok"
        assert body["checks"]["database"] == {
            "status": "error",
            "error": "TimeoutError",
            "message": "no answer within 0.05 s",
        }


async def test_healthz_tells_a_drivers_own_timeout_from_the_check_deadline() -> None:
    async def connect_timeout() -> None:
        raise TimeoutError("connect to postgresql://zavhoz:s3cret@db:5432/zavhoz timed out")

    async with client_for(build_http_app(Metrics(), {"database": connect_timeout})) as client:
        resp = await client.get("/healthz")

        assert resp.status == 503
        database = (await resp.json())["checks"]["database"]
        assert database["error"] == "TimeoutError"
        assert database["message"] == "connect to postgresql://***@db:5432/zavhoz timed out"


async def test_healthz_with_no_checks_is_ok() -> None:
    async with client_for(build_http_app(Metrics(), {})) as client:
        resp = await client.get("/healthz")
        assert resp.status == 200
        assert await resp.json() == {"status": "ok", "checks": {}}


async def test_start_http_server_serves_until_cleanup() -> None:
    metrics = Metrics()
    metrics.outbox_pending.set(4)
    runner = await start_http_server(build_http_app(metrics, {"database": ok}), "127.0.0.1", 0)
    try:
        host, port = runner.addresses[0][:2]
        async with aiohttp.ClientSession() as session:
            async with session.get(f"http://{host}:{port}/healthz") as resp:
                assert resp.status == 200
            async with session.get(f"http://{host}:{port}/metrics") as resp:
                assert "outbox_pending 4.0" in await resp.text()
    finally:
        await runner.cleanup()

    async with aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.ClientConnectionError):
            await session.get(f"http://{host}:{port}/healthz")


async def test_with_a_token_both_endpoints_refuse_a_request_without_it() -> None:
    app = build_http_app(Metrics(), {"database": ok}, token="s3cret-scrape")
    async with client_for(app) as client:
        for path in ("/metrics", "/healthz"):
            bare = await client.get(path)
            assert bare.status == 401, path
            assert bare.headers["WWW-Authenticate"] == "Bearer"
            wrong = await client.get(path, headers={"Authorization": "Bearer guess"})
            assert wrong.status == 401, path
            good = await client.get(path, headers={"Authorization": "Bearer s3cret-scrape"})
            assert good.status == 200, path


def test_the_endpoints_listen_on_the_loopback_unless_told_otherwise() -> None:
    settings = Settings(_env_file=None, bot_token="123:abc")  # type: ignore[call-arg]
    assert settings.metrics_host == "127.0.0.1"
    assert settings.metrics_token is None
