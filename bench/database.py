"""A benchmark's own PostgreSQL database: dropped, created and migrated with Alembic."""

from __future__ import annotations

import asyncpg
from sqlalchemy.engine import make_url

from database import migrate


def asyncpg_dsn(url: str, database: str | None = None) -> str:
    parsed = make_url(url).set(drivername="postgresql")
    if database is not None:
        parsed = parsed.set(database=database)
    return parsed.render_as_string(hide_password=False)


async def recreate(url: str) -> None:
    """An empty database at `url`, at the migrations' head (the production schema)."""
    name = make_url(url).database
    admin = await asyncpg.connect(asyncpg_dsn(url, "postgres"), timeout=5)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    await migrate.upgrade_async(url)
