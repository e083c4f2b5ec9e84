"""Migrations: the stairway (every revision up, down, up) and drift (models == schema)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url

from database import migrate
from models import Base
from tests.conftest import TEST_DATABASE_URL


@pytest.fixture
def empty_database() -> Iterator[str]:
    base = make_url(TEST_DATABASE_URL)
    name = f"zavhoz_stairway_{uuid.uuid4().hex[:8]}"
    dsn = base.set(drivername="postgresql").render_as_string(hide_password=False)

    async def admin(sql: str) -> None:
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    yield base.set(database=name).render_as_string(hide_password=False)
    asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def revisions() -> list[str]:
    script = ScriptDirectory.from_config(migrate.alembic_config(TEST_DATABASE_URL))
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def test_single_head() -> None:
    script = ScriptDirectory.from_config(migrate.alembic_config(TEST_DATABASE_URL))
    assert len(script.get_heads()) == 1


@pytest.fixture(params=["postgresql", "sqlite"])
def fresh_database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database of each kind the bot runs on."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path}/fresh.sqlite3"
    return str(request.getfixturevalue("empty_database"))


def test_stairway(fresh_database: str) -> None:
    previous = "base"
    for revision in revisions():
        migrate.upgrade(fresh_database, revision)
        migrate.downgrade(fresh_database, previous)
        migrate.upgrade(fresh_database, revision)
        previous = revision


def test_no_drift(fresh_database: str) -> None:
    migrate.upgrade(fresh_database)
    diff = asyncio.run(_async_diff(fresh_database))
    assert diff == [], f"models and migrations differ: {diff}"


async def _async_diff(url: str) -> list[object]:
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(
                lambda sync_conn: list(
                    compare_metadata(
                        MigrationContext.configure(
                            sync_conn,
                            # As alembic/env.py configures autogenerate.
                            opts={
                                "compare_type": True,
                                "include_object": migrate.include_object(sync_conn.dialect.name),
                            },
                        ),
                        Base.metadata,
                    )
                )
            )
    finally:
        await engine.dispose()


def test_seeded_categories_in_both_languages(empty_database: str) -> None:
    migrate.upgrade(empty_database)

    async def names() -> list[tuple[str, str]]:
        dsn = make_url(empty_database).set(drivername="postgresql").render_as_string(False)
        conn = await asyncpg.connect(dsn)
        try:
            rows = await conn.fetch("SELECT name_ru, name_en FROM categories ORDER BY position")
            return [(r[0], r[1]) for r in rows]
        finally:
            await conn.close()

    got = asyncio.run(names())
    assert len(got) == 8
    assert got[0] == ("Электрика", "Electrics")
    assert got[-1] == ("Другое", "Other")
