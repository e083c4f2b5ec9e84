"""Serving the panel with uvicorn: beside the bot (`make run`) or alone (`python -m panel`)."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Iterator

import structlog
import uvicorn
from aiogram import Bot
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.settings import Settings
from panel.app import create_panel_app
from utils.i18n import Catalogue

log = structlog.get_logger(__name__)


class EmbeddedServer(uvicorn.Server):
    """uvicorn that leaves SIGTERM/SIGINT to its process: the bot's own handlers beside the
    bot, `stop_on_signals` alone. (uvicorn's handling re-raises the signal once it has
    shut down, which kills the process before it closes the Bot session and the engine.)"""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def build_server(app: FastAPI, host: str, port: int) -> uvicorn.Server:
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_config=None,  # structlog owns the logging
        access_log=False,
        lifespan="off",
        proxy_headers=True,
        timeout_graceful_shutdown=2,
    )
    return EmbeddedServer(config)


def stop_on_signals(server: uvicorn.Server) -> None:
    """`python -m panel`: SIGTERM or SIGINT lets `server` finish its requests and return."""
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, server.handle_exit, sig, None)


async def serve(server: uvicorn.Server) -> None:
    """Run until stopped; a port already taken is logged, not fatal to the bot."""
    config = server.config
    log.info("panel_listening", host=config.host, port=config.port)
    try:
        await server.serve()
    except SystemExit:  # uvicorn exits when it cannot bind
        log.error("panel_not_started", host=config.host, port=config.port)
    except asyncio.CancelledError:
        server.should_exit = True
        with contextlib.suppress(Exception):
            await server.shutdown()
        raise


def start_panel(
    settings: Settings,
    session_pool: async_sessionmaker[AsyncSession],
    bot: Bot,
    catalogue: Catalogue,
) -> list[asyncio.Task[None]]:
    """The panel as a task of the bot's process (none when PANEL_PORT=0)."""
    if not settings.panel_port:
        return []
    app = create_panel_app(settings, session_pool, bot, catalogue)
    server = build_server(app, settings.panel_host, settings.panel_port)
    return [asyncio.create_task(serve(server), name="panel")]
