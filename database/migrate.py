"""Run Alembic migrations from code (the bot at start, tests, the CLI)."""

from __future__ import annotations

import asyncio
from pathlib import Path

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


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    command.downgrade(alembic_config(database_url), revision)


async def upgrade_async(database_url: str, revision: str = "head") -> None:
    """env.py runs its own event loop, so it runs in a worker thread."""
    await asyncio.to_thread(upgrade, database_url, revision)
