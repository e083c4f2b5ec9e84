"""The dispatcher factory: the same one runs production, the tests and the benchmark."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from aiogram import Dispatcher
from aiogram.dispatcher.event.handler import FilterObject
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage, DefaultKeyBuilder
from aiogram.fsm.storage.memory import MemoryStorage, SimpleEventIsolation
from aiogram.fsm.storage.redis import RedisEventIsolation, RedisStorage
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import handlers
from bot import errors, first_run, fsm, routing
from bot.metrics import Metrics
from bot.middlewares import log_context
from bot.middlewares.database import DatabaseMiddleware
from bot.middlewares.throttling import (
    MemoryRateLimiter,
    RateLimiter,
    RedisRateLimiter,
    ThrottlingMiddleware,
)
from bot.services import category_directory, place_directory
from bot.services.notifications import Notifier
from bot.services.user_cache import EPOCH_DATA_KEY, EPOCH_KEY, UserCache
from bot.settings import Settings
from handlers import outbox_admin
from utils.i18n import Catalogue

FSM_PREFIX = "zavhoz:fsm"


def build_storage(redis: Redis | None) -> BaseStorage:
    """Redis keeps half-filled dialogs across restarts; memory is the embedded fallback."""
    if redis is None:
        return MemoryStorage()
    return RedisStorage(redis, key_builder=DefaultKeyBuilder(prefix=FSM_PREFIX, with_destiny=True))


def build_isolation(redis: Redis | None, *, shared: bool) -> BaseEventIsolation:
    """One process needs only an in-memory lock per user; several share a Redis lock."""
    if redis is not None and shared:
        return RedisEventIsolation(redis, key_builder=DefaultKeyBuilder(prefix=FSM_PREFIX))
    return SimpleEventIsolation()


def build_rate_limiter(settings: Settings, redis: Redis | None) -> RateLimiter:
    """Replicas share each user's bucket in Redis; one polling process keeps it in memory
    (exact there, and a Redis round trip less on every update)."""
    if redis is None or not settings.replicated:
        return MemoryRateLimiter(settings.rate_limit_per_second, settings.rate_limit_burst)
    return RedisRateLimiter(redis, settings.rate_limit_per_second, settings.rate_limit_burst)


def build_dispatcher(
    settings: Settings,
    *,
    session_pool: async_sessionmaker[AsyncSession],
    catalogue: Catalogue,
    redis: Redis | None = None,
    storage: BaseStorage | None = None,
    rate_limiter: RateLimiter | None = None,
    metrics: Metrics | None = None,
) -> Dispatcher:
    """The dispatcher with its middlewares and routers.

    `metrics`, when given, counts updates, handler latency, errors and flood-control
    refusals (the composition root passes the process's `Metrics`).
    """
    notifier = Notifier.from_settings(catalogue, settings)
    dp = Dispatcher(
        storage=storage if storage is not None else build_storage(redis),
        events_isolation=build_isolation(redis, shared=settings.replicated),
        settings=settings,
        catalogue=catalogue,
        notifier=notifier,
        session_pool=session_pool,
        redis=redis,
        disable_fsm=True,  # replaced by fsm.install: state read once, written once
    )
    # The people, kept in memory between their updates while the users epoch (read with
    # the dialog state, no extra round trip) stays: with Redis only (user_cache).
    storage = dp.fsm.storage
    users = (
        UserCache.watching(session_pool, storage.redis)
        if isinstance(storage, RedisStorage)
        else None
    )
    fsm.install(dp, also_read={EPOCH_DATA_KEY: EPOCH_KEY} if users is not None else None)
    first_run.install(dp, notifier)  # staff chat binding, setup link (on startup)
    place_directory.install(dp)  # the visible places, in memory for the dialog
    category_directory.install(dp, session_pool)  # the visible categories, likewise
    # Outer update middlewares, after aiogram's own (errors, user context, FSM):
    log_context.install(dp, metrics)
    dp.update.outer_middleware(
        ThrottlingMiddleware(
            rate_limiter or build_rate_limiter(settings, redis),
            on_refusal=metrics.rate_limit_refusals_total.inc if metrics is not None else None,
        )
    )
    dp.update.outer_middleware(DatabaseMiddleware(session_pool, settings.admin_ids, users))
    dp.include_router(errors.get_router())
    dp.include_router(outbox_admin.get_router())  # admin-only, before the fallback
    dp.include_routers(*handlers.get_routers())
    run_sync_filters_inline(dp)
    routing.index(dp)  # only the handlers an update could match are checked
    return dp


def filter_objects(dp: Dispatcher) -> Iterator[FilterObject]:
    """Every filter of every handler, and the routers' own filters (`router.message.filter`)."""
    for router in dp.chain_tail:
        for observer in router.observers.values():
            root = getattr(observer, "_handler", None)  # aiogram keeps router filters here
            for handler in [*observer.handlers, *([root] if root is not None else [])]:
                yield from handler.filters or ()


def run_sync_filters_inline(dp: Dispatcher) -> None:
    """Evaluate synchronous filters on the event loop, not in a worker thread.

    aiogram calls a non-async filter through `asyncio.to_thread` — every `F.…` magic
    filter and CallbackData filter, several per update. They are attribute checks that
    take microseconds; the thread hand-off costs far more and was a quarter of the
    process's CPU in `make bench`. tests/unit/test_dispatcher_filters.py fails if an
    aiogram upgrade leaves a filter running in a thread again.
    """
    for item in filter_objects(dp):
        if not item.awaitable:
            item.callback = _on_loop(item.callback)
            item.awaitable = True


def _on_loop(function: Callable[..., Any]) -> Callable[..., Any]:
    async def call(*args: Any, **kwargs: Any) -> Any:
        return function(*args, **kwargs)

    call.__wrapped__ = function  # type: ignore[attr-defined]  # bot.routing looks through it
    return call
