"""Where new-request notifications go: ADMIN_CHAT_ID when set, else the group bound by /here.

The binding lives in the database (`chat_bindings`) and, for the updates, in memory: it is
loaded when the dispatcher starts, replaced at once by /here in this process, and re-read
every `REFRESH_SECONDS` so that other replicas follow. No update pays a query for it.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from database.repositories import onboarding as onboarding_repo
from models import STAFF_PURPOSE

log = structlog.get_logger(__name__)

REFRESH_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class StaffChat:
    chat_id: int
    thread_id: int | None = None  # a forum topic; None: the chat itself


class StaffChatRoute:
    """The staff chat as this process knows it."""

    def __init__(self, bound: StaffChat | None = None) -> None:
        self._bound = bound

    @property
    def bound(self) -> StaffChat | None:
        return self._bound

    def resolve(self, configured_chat_id: int | None) -> StaffChat | None:
        """ADMIN_CHAT_ID (`configured_chat_id`) wins; else the binding, if any."""
        if configured_chat_id is not None:
            return StaffChat(configured_chat_id)
        return self._bound

    def remember(self, chat: StaffChat | None) -> None:
        self._bound = chat

    async def load(self, session_pool: async_sessionmaker[AsyncSession]) -> StaffChat | None:
        async with session_pool() as session, session.begin():
            row = await onboarding_repo.binding(session, STAFF_PURPOSE)
            chat = StaffChat(row.chat_id, row.thread_id) if row is not None else None
        self._bound = chat
        return chat

    async def refresh_forever(
        self,
        session_pool: async_sessionmaker[AsyncSession],
        interval: float = REFRESH_SECONDS,
    ) -> None:
        while True:
            await asyncio.sleep(interval)
            try:
                await self.load(session_pool)
            except Exception as exc:  # a database blip: keep the binding we know
                log.warning("staff_chat_refresh_failed", error=type(exc).__name__)


class RouteRefresher:
    """The background re-read, started and stopped with the dispatcher."""

    def __init__(self, route: StaffChatRoute) -> None:
        self.route = route
        self._task: asyncio.Task[None] | None = None

    def start(self, session_pool: async_sessionmaker[AsyncSession]) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(
                self.route.refresh_forever(session_pool), name="staff-chat-refresh"
            )

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is None:
            return
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
