"""Webhook mode: Telegram posts updates; we answer at once and handle them in the background.

`WebhookHandler` does what aiogram's `SimpleRequestHandler(handle_in_background=True)`
does, plus what a process behind a load balancer needs:

* the secret token is checked on every request (a wrong or missing one gets 401);
* at most `max_concurrent` updates are handled at a time: the next request waits for a
  free slot before it is acknowledged, so Telegram (which keeps a bounded number of
  connections per bot) slows down instead of the process running out of memory;
* on shutdown it refuses new updates with 503 (Telegram, or nginx's next upstream,
  retries them) and waits, bounded, for the ones in flight.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from typing import Any, Final

import structlog
from aiogram import Bot, Dispatcher
from aiogram.methods import TelegramMethod
from aiogram.types import Update
from aiohttp import web
from pydantic import ValidationError

__all__ = ["SECRET_HEADER", "WebhookHandler", "build_webhook_app", "finish_tasks"]

log = structlog.get_logger(__name__)

SECRET_HEADER: Final = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105  # a header name


class WebhookHandler:
    def __init__(
        self, dispatcher: Dispatcher, bot: Bot, *, secret_token: str, max_concurrent: int
    ) -> None:
        if not secret_token:
            raise ValueError("a webhook needs a secret token")
        self.dispatcher = dispatcher
        self.bot = bot
        self._secret = secret_token.encode()
        self._slots = asyncio.Semaphore(max_concurrent)
        self._tasks: set[asyncio.Task[None]] = set()
        self._accepting = True

    @property
    def in_flight(self) -> int:
        return len(self._tasks)

    async def handle(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not secrets.compare_digest(given, self._secret):
            log.warning("webhook_unauthorized", remote=request.remote)
            return web.json_response({"ok": False, "error": "unauthorized"}, status=401)
        if not self._accepting:
            return web.json_response({"ok": False, "error": "shutting down"}, status=503)
        try:
            raw = await request.json()
            update = Update.model_validate(raw, context={"bot": self.bot})
        except (json.JSONDecodeError, ValidationError, UnicodeDecodeError) as exc:
            log.warning("webhook_bad_update", error=type(exc).__name__)
            return web.json_response({"ok": False, "error": "bad update"}, status=400)
        await self._slots.acquire()
        if not self._accepting:  # shutdown began while this request waited for a slot
            self._slots.release()
            return web.json_response({"ok": False, "error": "shutting down"}, status=503)
        task = asyncio.create_task(self._process(update), name=f"update-{update.update_id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return web.json_response({})

    async def _process(self, update: Update) -> None:
        try:
            result: Any = await self.dispatcher.feed_update(self.bot, update)
            if isinstance(result, TelegramMethod):
                await self.dispatcher.silent_call_request(self.bot, result)
        except Exception:
            # The error handler already answered; this is what it could not handle.
            log.exception("webhook_update_failed", update_id=update.update_id)
        finally:
            self._slots.release()

    async def drain(self, grace: float) -> int:
        """Refuse new updates and give those in flight `grace` seconds to finish.

        Returns how many had to be cancelled.
        """
        self._accepting = False
        return await finish_tasks(self._tasks, grace)


async def finish_tasks(tasks: set[asyncio.Task[Any]], grace: float) -> int:
    """Wait up to `grace` seconds for `tasks`, cancel the rest; returns how many were late."""
    pending = {task for task in tasks if not task.done()}
    if not pending:
        return 0
    log.info("finishing_updates", in_flight=len(pending), grace_s=grace)
    _, late = await asyncio.wait(pending, timeout=grace)
    for task in late:
        task.cancel()
    if late:
        await asyncio.wait(late)
        log.warning("updates_cancelled", count=len(late))
    return len(late)


def build_webhook_app(handler: WebhookHandler, path: str) -> web.Application:
    app = web.Application(client_max_size=2 * 1024 * 1024)
    app.router.add_post(path, handler.handle)
    return app
