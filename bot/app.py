"""The composition root: settings -> logging -> database -> Redis -> Bot -> Dispatcher -> run.

`run()` owns the process's life:

1. SIGTERM / SIGINT handlers go in first, so a stop request during start-up (migrations,
   the first Bot API calls) also ends the process cleanly, with exit code 0;
2. start-up: Sentry, the database (migrated), Redis, the Bot and the Dispatcher, the
   operations HTTP server (`/metrics`, `/healthz`), the outbox sender, the metrics
   refresher, then long polling or the webhook;
3. on a stop request: no new updates are taken, the updates in flight finish (bounded by
   `SHUTDOWN_TIMEOUT`), the outbox sender finishes the message it is sending, then the
   storage, the Bot session, Redis and the database pools are closed.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import signal
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from typing import Any

import sentry_sdk
import structlog
from aiogram import Bot, Dispatcher
from aiohttp import web
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.client import build_bot as build_bot  # re-exported: tests build the Bot here
from bot.commands import set_default_commands, set_user_commands
from bot.dispatcher import build_dispatcher
from bot.event_loop import run_event_loop
from bot.http import HealthCheck, build_http_app, start_http_server
from bot.logging import configure_logging
from bot.metrics import Metrics, TelegramErrorCounter, count_created_requests, run_gauge_refresher
from bot.middlewares.log_context import LogContextMiddleware
from bot.redis_client import build_redis
from bot.scheduler import Scheduler
from bot.sender.loop import OutboxSender
from bot.sender.wakeup import wake_on_commit
from bot.sentry import init_sentry
from bot.services.admin_ids import Revoked, sync_admin_ids
from bot.settings import Settings
from bot.webhook import WebhookHandler, build_webhook_app, finish_tasks
from database import migrate
from database.engine import create_engine, create_session_pool
from database.repositories import users as users_repo
from models import Role
from utils.i18n import Catalogue

log = structlog.get_logger(__name__)

#: Seconds the outbox sender always gets to finish its current message on shutdown,
#: even when the updates in flight used up SHUTDOWN_TIMEOUT.
SENDER_MIN_GRACE = 2.0


def health_checks(engine: AsyncEngine, redis: Redis | None) -> dict[str, HealthCheck]:
    async def database() -> None:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    checks: dict[str, HealthCheck] = {"database": database}
    if redis is not None:

        async def redis_ping() -> None:
            await redis.ping()  # type: ignore[misc]  # redis-py types it sync-or-async

        checks["redis"] = redis_ping
    return checks


@dataclass
class App:
    """Everything the process owns, so it can be closed in the right order."""

    settings: Settings
    engine: AsyncEngine
    session_pool: async_sessionmaker[AsyncSession]
    redis: Redis | None
    bot: Bot
    dispatcher: Dispatcher
    catalogue: Catalogue
    sender: OutboxSender
    metrics: Metrics
    stopping: asyncio.Event = field(default_factory=asyncio.Event)
    sender_task: asyncio.Task[None] | None = None
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    http_runner: web.AppRunner | None = None

    async def close(self, sender_grace: float | None = None) -> None:
        """Stop the background work, then close the pools (storage, Bot, Redis, database).

        The outbox sender is asked to stop and given `sender_grace` seconds (default
        `SHUTDOWN_TIMEOUT`) to finish the message it is sending before it is cancelled.
        """
        self.stopping.set()
        self.sender.stop()
        if self.sender_task is not None:
            grace = self.settings.shutdown_timeout if sender_grace is None else sender_grace
            done, _ = await asyncio.wait({self.sender_task}, timeout=grace)
            if not done:
                log.warning("outbox_sender_cancelled", grace_s=grace)
            self.tasks.append(self.sender_task)
        for task in self.tasks:
            task.cancel()
        for task in self.tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self.http_runner is not None:
            await self.http_runner.cleanup()
        for closing in (
            self.dispatcher.storage.close,
            self.dispatcher.fsm.events_isolation.close,
            self.bot.session.close,
        ):
            with contextlib.suppress(Exception):
                await closing()
        if self.redis is not None:
            with contextlib.suppress(Exception):
                await self.redis.aclose()
        await self.engine.dispose()


async def create_app(settings: Settings, metrics: Metrics | None = None) -> App:
    database_url = settings.database_url.get_secret_value()
    if settings.auto_migrate:
        await migrate.upgrade_async(database_url)
        log.info("migrations_applied")
    metrics = metrics or Metrics()
    engine = create_engine(
        database_url, pool_size=settings.db_pool_size, max_overflow=settings.db_max_overflow
    )
    session_pool = create_session_pool(engine)
    count_created_requests(session_pool, metrics)
    redis = build_redis(settings)
    if redis is None:
        log.warning("redis_not_configured", detail="dialog state is kept in memory only")
    catalogue = Catalogue(settings.default_language)
    bot = build_bot(settings)
    bot.session.middleware(TelegramErrorCounter(metrics))
    dispatcher = build_dispatcher(
        settings, session_pool=session_pool, catalogue=catalogue, redis=redis, metrics=metrics
    )
    sender = OutboxSender.from_settings(bot, session_pool, settings, redis)
    wake_on_commit(session_pool, sender)
    return App(settings, engine, session_pool, redis, bot, dispatcher, catalogue, sender, metrics)


GC_THRESHOLD = 20_000


def freeze_startup_objects() -> None:
    """Exempt what start-up built from the garbage collector's full scans.

    The imports and the app leave ~300,000 tracked objects (aiogram's types, SQLAlchemy's
    mappers...) that live as long as the process; without this every full collection
    walks them all, a pause of a few hundred milliseconds that `make bench` saw in its
    p99. Collect first, so nothing that is already garbage is frozen.
    """
    gc.collect()
    gc.freeze()
    # An update allocates thousands of short-lived objects: with the default threshold
    # (700) the youngest generation is collected several times per update.
    gc.set_threshold(GC_THRESHOLD, 20, 20)


async def setup_commands(app: App, revoked: Sequence[Revoked] = ()) -> None:
    """The command menus: everyone's, each staff member's, and the ones of admins whose id
    left ADMIN_IDS (their menu goes back to their role's). A person Telegram refuses is
    logged and skipped (bot/commands.py)."""
    await set_default_commands(app.bot, app.catalogue)
    async with app.session_pool() as session:
        staff = await users_repo.with_roles(session, [Role.EXECUTOR, Role.ADMIN])
    for user in staff:
        await set_user_commands(app.bot, app.catalogue, user.telegram_id, user.role, user.language)
    for person in revoked:
        if person.role is Role.USER:
            await set_user_commands(
                app.bot, app.catalogue, person.telegram_id, person.role, person.language
            )


async def start_background(app: App) -> None:
    """The operations HTTP server, the outbox sender, the scheduler, the metrics refresher.

    Every replica runs a scheduler: each job run is claimed in the database, so the
    digest, reminders and auto-closes still happen exactly once.
    """
    settings = app.settings
    if settings.metrics_port:
        token = settings.metrics_token.get_secret_value() if settings.metrics_token else None
        http_app = build_http_app(app.metrics, health_checks(app.engine, app.redis), token=token)
        app.http_runner = await start_http_server(
            http_app, settings.metrics_host, settings.metrics_port
        )
    app.sender_task = asyncio.create_task(app.sender.run(), name="outbox-sender")
    app.tasks.append(
        asyncio.create_task(
            run_gauge_refresher(app.metrics, app.session_pool, app.stopping),
            name="metrics-refresher",
        )
    )
    scheduler = Scheduler(app.session_pool, app.catalogue, settings, on_enqueued=app.sender.wake)
    app.tasks.append(asyncio.create_task(scheduler.run(), name="scheduler"))
    if settings.panel_port:  # the web panel (FastAPI) is imported only when it is served
        from panel.server import start_panel

        app.tasks.extend(start_panel(settings, app.session_pool, app.bot, app.catalogue))


# ------------------------------------------------------------------------ serving


async def serve_polling(app: App, stop: asyncio.Event) -> None:
    """Long polling until `stop`; then the updates in flight get SHUTDOWN_TIMEOUT s."""
    dp, bot, settings = app.dispatcher, app.bot, app.settings
    await bot.delete_webhook(drop_pending_updates=False)
    polling = asyncio.create_task(
        dp.start_polling(
            bot,
            allowed_updates=dp.resolve_used_update_types(),
            handle_signals=False,  # run() owns the signals
            close_bot_session=False,
            tasks_concurrency_limit=settings.max_concurrent_updates,
        ),
        name="polling",
    )
    await _until(stop, polling)
    if polling.done():
        polling.result()  # polling ended by itself: re-raise what stopped it
        return
    await _stop_polling(dp, polling)
    # Updates already handed to handlers (aiogram keeps their tasks in this set).
    in_flight: set[asyncio.Task[Any]] = set(getattr(dp, "_handle_update_tasks", ()))
    await finish_tasks(in_flight, settings.shutdown_timeout)
    await _confirm_updates(dp, bot)


async def _stop_polling(dp: Dispatcher, polling: asyncio.Task[None]) -> None:
    with contextlib.suppress(RuntimeError):  # "Polling is not started": not yet running
        await asyncio.wait_for(dp.stop_polling(), timeout=10)
    if not polling.done():
        polling.cancel()
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await polling


async def _confirm_updates(dp: Dispatcher, bot: Bot) -> None:
    """Tell Telegram the handled updates are done, so the next process does not get them
    again (polling confirms a batch only with the next getUpdates call)."""
    tracker = next(
        (m for m in dp.update.outer_middleware if isinstance(m, LogContextMiddleware)), None
    )
    if tracker is None or tracker.highest_update_id is None:
        return
    try:
        await bot.get_updates(
            offset=tracker.highest_update_id + 1, limit=1, timeout=0, request_timeout=5
        )
    except Exception as exc:
        log.warning("confirm_updates_failed", error=type(exc).__name__)


async def serve_webhook(app: App, stop: asyncio.Event) -> None:
    """The webhook server until `stop`; then in-flight updates get SHUTDOWN_TIMEOUT s."""
    settings = app.settings
    assert settings.webhook_url is not None and settings.webhook_secret is not None
    secret = settings.webhook_secret.get_secret_value()
    handler = WebhookHandler(
        app.dispatcher,
        app.bot,
        secret_token=secret,
        max_concurrent=settings.max_concurrent_updates,
    )
    runner = web.AppRunner(
        build_webhook_app(handler, settings.webhook_path), access_log=None, shutdown_timeout=5
    )
    await runner.setup()
    try:
        await web.TCPSite(runner, settings.webhook_host, settings.webhook_port).start()
        log.info("webhook_listening", host=settings.webhook_host, port=settings.webhook_port)
        # Every replica registers the same address: the call is idempotent.
        await app.bot.set_webhook(
            url=settings.webhook_url + settings.webhook_path,
            secret_token=secret,
            allowed_updates=app.dispatcher.resolve_used_update_types(),
            max_connections=min(100, settings.max_concurrent_updates),
            drop_pending_updates=False,
        )
        log.info("webhook_registered")
        # What start_polling() does for the dispatcher's startup/shutdown observers.
        hooks = {"dispatcher": app.dispatcher, "bots": [app.bot], **app.dispatcher.workflow_data}
        await app.dispatcher.emit_startup(bot=app.bot, **hooks)
        try:
            await stop.wait()
        finally:
            await handler.drain(settings.shutdown_timeout)
            await app.dispatcher.emit_shutdown(bot=app.bot, **hooks)
    finally:
        # The webhook stays registered: other replicas keep serving it.
        await runner.cleanup()


# ------------------------------------------------------------------------ process


async def _until(stop: asyncio.Event, task: asyncio.Future[Any]) -> None:
    """Wait until `stop` is set or `task` ends, whichever comes first."""
    waiter = asyncio.create_task(stop.wait())
    try:
        await asyncio.wait({waiter, task}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        waiter.cancel()


def install_signal_handlers(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()

    def on_signal(sig: signal.Signals) -> None:
        if not stop.is_set():
            log.info("shutdown_requested", signal=sig.name)
        stop.set()

    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):  # Windows
            loop.add_signal_handler(sig, on_signal, sig)


async def _start(settings: Settings, holder: list[App]) -> None:
    app = await create_app(settings)
    holder.append(app)
    me = await app.bot.get_me()
    mode = "webhook" if settings.webhook_url else "polling"
    log.info("bot_starting", username=me.username, mode=mode)
    admin_ids = await sync_admin_ids(app.session_pool, settings.admin_ids)
    await setup_commands(app, admin_ids.revoked)
    await start_background(app)
    freeze_startup_objects()


async def run(settings: Settings) -> None:
    stop = asyncio.Event()
    install_signal_handlers(stop)
    if init_sentry(settings.sentry_dsn, settings.sentry_environment):
        log.info("sentry_enabled", environment=settings.sentry_environment)
    holder: list[App] = []
    loop = asyncio.get_running_loop()
    deadline: float | None = None  # when the stop request's SHUTDOWN_TIMEOUT runs out
    try:
        startup = asyncio.create_task(_start(settings, holder), name="startup")
        await _until(stop, startup)
        if not startup.done():
            log.info("startup_interrupted")
            startup.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await startup
            return
        startup.result()  # a failed start-up raises here
        app = holder[0]
        serve: Callable[[App, asyncio.Event], Coroutine[Any, Any, None]] = (
            serve_webhook if settings.webhook_url else serve_polling
        )
        serving = asyncio.create_task(serve(app, stop), name="serve")
        await _until(stop, serving)
        deadline = loop.time() + settings.shutdown_timeout
        await serving  # after a stop request, it drains the updates in flight and returns
    finally:
        if holder:
            remaining = (deadline or loop.time()) - loop.time()
            await holder[0].close(sender_grace=max(SENDER_MIN_GRACE, remaining))
        if sentry_sdk.get_client().is_active():
            sentry_sdk.flush(timeout=2)
        log.info("bot_stopped")


def main(settings: Settings) -> None:
    configure_logging(settings.log_level, settings.log_format)
    run_event_loop(run(settings))
