"""The composition root: settings -> logging -> database -> Redis -> Bot -> Dispatcher -> run."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field

import structlog
from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.commands import set_default_commands, set_user_commands
from bot.dispatcher import build_dispatcher
from bot.logging import configure_logging
from bot.sender import OutboxSender
from bot.settings import Settings
from database import migrate
from database.engine import create_engine, create_session_pool
from database.repositories import users as users_repo
from models import Role
from utils.i18n import Catalogue

log = structlog.get_logger(__name__)


def build_bot(settings: Settings) -> Bot:
    session = None
    if settings.telegram_api_url:
        session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_url))
    return Bot(
        token=settings.bot_token.get_secret_value(),
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )


def build_redis(settings: Settings) -> Redis | None:
    if settings.redis_url is None:
        return None
    return Redis.from_url(
        settings.redis_url.get_secret_value(),
        max_connections=settings.redis_pool_size,
        socket_timeout=5,
        socket_connect_timeout=5,
        health_check_interval=30,
        retry_on_timeout=True,
    )


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
    tasks: list[asyncio.Task[None]] = field(default_factory=list)

    async def close(self) -> None:
        self.sender.stop()
        for task in self.tasks:
            task.cancel()
        for task in self.tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await self.dispatcher.storage.close()
        await self.bot.session.close()
        if self.redis is not None:
            await self.redis.aclose()
        await self.engine.dispose()


async def create_app(settings: Settings) -> App:
    database_url = settings.database_url.get_secret_value()
    if settings.auto_migrate:
        await migrate.upgrade_async(database_url)
        log.info("migrations_applied")
    engine = create_engine(
        database_url, pool_size=settings.db_pool_size, max_overflow=settings.db_max_overflow
    )
    session_pool = create_session_pool(engine)
    redis = build_redis(settings)
    if redis is None:
        log.warning("redis_not_configured", detail="dialog state is kept in memory only")
    catalogue = Catalogue(settings.default_language)
    bot = build_bot(settings)
    dispatcher = build_dispatcher(
        settings, session_pool=session_pool, catalogue=catalogue, redis=redis
    )
    sender = OutboxSender(
        bot,
        session_pool,
        max_attempts=settings.outbox_max_attempts,
        poll_interval=settings.outbox_poll_interval,
    )
    return App(settings, engine, session_pool, redis, bot, dispatcher, catalogue, sender)


async def setup_commands(app: App) -> None:
    await set_default_commands(app.bot, app.catalogue)
    async with app.session_pool() as session:
        staff = await users_repo.with_roles(session, [Role.EXECUTOR, Role.ADMIN])
    for user in staff:
        await set_user_commands(app.bot, app.catalogue, user.telegram_id, user.role, user.language)


async def run(settings: Settings) -> None:
    app = await create_app(settings)
    try:
        me = await app.bot.get_me()
        log.info("bot_starting", username=me.username, mode="polling")
        await setup_commands(app)
        await app.bot.delete_webhook(drop_pending_updates=False)
        app.tasks.append(asyncio.create_task(app.sender.run(), name="outbox-sender"))
        await app.dispatcher.start_polling(
            app.bot,
            allowed_updates=app.dispatcher.resolve_used_update_types(),
            handle_signals=True,
            close_bot_session=False,
        )
    finally:
        await app.close()
        log.info("bot_stopped")


def main(settings: Settings) -> None:
    configure_logging(settings.log_level, settings.log_format)
    asyncio.run(run(settings))
