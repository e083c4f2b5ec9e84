"""Run Alembic migrations from code (the bot at start, tests, the CLI)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def find_alembic_ini() -> Path:
    for candidate in (Path.cwd() / "alembic.ini", PROJECT_ROOT / "alembic.ini"):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError("alembic.ini not found (looked in the working dir and the project)")


def alembic_config(database_url: str) -> Config:
    ini = find_alembic_ini()
    cfg = Config(str(ini))
    cfg.set_main_option("script_location", str(ini.parent / "alembic"))
    # Escape % for configparser interpolation.
    cfg.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    cfg.attributes["configure_logging"] = False
    return cfg


def include_object(dialect: str) -> Callable[..., bool]:
    """Autogenerate's `include_object` on `dialect`: leaves out what the models create on
    other dialects only (`Index(...).ddl_if(dialect="postgresql")`), which Alembic does not
    read by itself; so on SQLite a PostgreSQL-only index is not "missing"."""

    def include(obj: Any, _name: str | None, _type: str, reflected: bool, _other: Any) -> bool:
        only = getattr(obj, "_ddl_if", None)  # SQLAlchemy's DDLIf, set by ddl_if()
        if reflected or only is None or only.dialect is None:
            return True
        return dialect in ((only.dialect,) if isinstance(only.dialect, str) else only.dialect)

    return include


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    command.downgrade(alembic_config(database_url), revision)


async def upgrade_async(database_url: str, revision: str = "head") -> None:
    """env.py runs its own event loop, so it runs in a worker thread."""
    await asyncio.to_thread(upgrade, database_url, revision)
