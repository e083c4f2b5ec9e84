"""`python -m panel`: the web panel alone (its own container in docker compose).

The same settings, database and migrations as the bot; notifications it queues are sent
by the bot's outbox sender.
"""

from __future__ import annotations

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.client import build_bot
from bot.event_loop import run_event_loop
from bot.logging import configure_logging
from bot.redis_client import build_redis
from bot.services.user_cache import watch_epoch
from bot.settings import Settings, load_settings
from database import migrate
from database.engine import create_engine, create_session_pool
from panel.app import create_panel_app
from panel.server import build_server, serve, stop_on_signals
from utils.i18n import Catalogue


def panel_sessions(engine: AsyncEngine, redis: Redis | None) -> async_sessionmaker[AsyncSession]:
    """The panel's sessions. The bots keep people in memory while the users epoch stays:
    a role or a block changed here moves it (bot.services.user_cache)."""
    session_pool = create_session_pool(engine)
    if redis is not None:
        watch_epoch(session_pool, redis)
    return session_pool


async def run(settings: Settings) -> None:
    database_url = settings.database_url.get_secret_value()
    if settings.auto_migrate:
        await migrate.upgrade_async(database_url)
    engine = create_engine(
        database_url, pool_size=settings.db_pool_size, max_overflow=settings.db_max_overflow
    )
    bot = build_bot(settings)
    redis = build_redis(settings)
    try:
        app = create_panel_app(
            settings, panel_sessions(engine, redis), bot, Catalogue(settings.default_language)
        )
        port = settings.panel_port or 8000
        server = build_server(app, settings.panel_host, port)
        stop_on_signals(server)
        await serve(server)
    finally:
        await bot.session.close()
        if redis is not None:
            await redis.aclose()
        await engine.dispose()


def main() -> None:
    settings = load_settings()
    configure_logging(settings.log_level, settings.log_format)
    run_event_loop(run(settings))


if __name__ == "__main__":
    main()
