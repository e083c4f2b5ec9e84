"""Alembic environment: async engine, batch mode on SQLite, models' metadata."""

from __future__ import annotations

import asyncio
import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy import pool
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import create_async_engine

from database.migrate import include_object
from models import Base

config = context.config
if config.config_file_name and config.attributes.get("configure_logging", True):
    fileConfig(config.config_file_name)

target_metadata = Base.metadata


def database_url() -> str:
    url = config.get_main_option("sqlalchemy.url")
    if url:
        return url
    from bot.settings import Settings  # the same defaults as the bot

    env_url = os.environ.get("DATABASE_URL")
    if env_url:
        return env_url
    default = Settings.model_fields["database_url"].default
    return str(default.get_secret_value())


def _configure(connection: Connection | None = None, url: str | None = None) -> None:
    if connection is not None:
        dialect = connection.dialect.name
    else:
        dialect = make_url(url or "sqlite://").get_backend_name()
    is_sqlite = dialect == "sqlite"
    context.configure(
        connection=connection,
        url=url,
        target_metadata=target_metadata,
        include_object=include_object(dialect),
        render_as_batch=is_sqlite,
        compare_type=True,
        compare_server_default=False,
        literal_binds=connection is None,
    )


def run_migrations_offline() -> None:
    _configure(url=database_url())
    with context.begin_transaction():
        context.run_migrations()


def _run_sync(connection: Connection) -> None:
    _configure(connection=connection)
    with context.begin_transaction():
        context.run_migrations()


async def run_migrations_online() -> None:
    url = database_url()
    if url.startswith("sqlite"):
        from database.engine import create_engine  # creates the file's folder

        engine = create_engine(url)
    else:
        engine = create_async_engine(url, poolclass=pool.NullPool)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run_sync)
            await connection.commit()
    finally:
        await engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run_sync(connection)
    else:
        asyncio.run(run_migrations_online())
