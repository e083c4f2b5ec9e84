"""A small scheduler on the database: every `interval` seconds, one pass over the jobs.

No extra dependency and no leader election: every process may tick; the jobs claim their
work in the database (job_runs rows, compare-and-set columns), so each reminder and each
digest is produced once however many processes run. A tick after a restart catches up on
what was missed (the digest of today, overdue requests, auto-close).

    scheduler = Scheduler(session_pool, catalogue, settings, on_enqueued=sender.wake)
    task = asyncio.create_task(scheduler.run())
    ...
    scheduler.stop(); await task
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.jobs import Jobs
from bot.services.notifications import Notifier
from bot.services.planned_runner import PlannedRunner
from bot.settings import Settings
from models import utcnow
from utils.i18n import Catalogue

log = structlog.get_logger(__name__)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class TickResult:
    reminded: int = 0
    escalated: int = 0
    digest: bool = False
    auto_closed: int = 0
    purged: int = 0
    planned: int = 0  # requests created by planned jobs

    @property
    def enqueued(self) -> bool:
        return bool(
            self.reminded or self.escalated or self.digest or self.auto_closed or self.planned
        )


class Scheduler:
    def __init__(
        self,
        session_pool: async_sessionmaker[AsyncSession],
        catalogue: Catalogue,
        settings: Settings,
        *,
        interval: float = 60.0,
        clock: Callable[[], datetime] = utcnow,
        on_enqueued: Callable[[], None] | None = None,
    ) -> None:
        self.jobs = Jobs(
            session_pool=session_pool,
            notifier=Notifier(catalogue, settings.tz),
            digest_time=settings.digest_time,
            auto_close_days=settings.auto_close_days,
        )
        self.planned = PlannedRunner(
            session_pool=session_pool,
            notifier=self.jobs.notifier,
            sla_hours=settings.sla_hours(),
            staff_chat_id=settings.admin_chat_id,
        )
        self.interval = interval
        self.clock = clock
        self.on_enqueued = on_enqueued
        self._stopping = asyncio.Event()

    async def run(self) -> None:
        """Tick now (catching up after a restart), then every `interval` seconds."""
        log.info("scheduler_started", interval=self.interval)
        while not self._stopping.is_set():
            await self.tick()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.interval)
        log.info("scheduler_stopped")

    def stop(self) -> None:
        self._stopping.set()

    async def tick(self, now: datetime | None = None) -> TickResult:
        """One pass over every job at `now` (default: the clock). A failing job is logged
        and retried at the next tick; it does not stop the others."""
        now = now or self.clock()
        result = TickResult(
            planned=await self._run("planned", self.planned.run_due(now), 0),
            reminded=await self._run("remind_overdue", self.jobs.remind_overdue(now), 0),
            escalated=await self._run("escalate_overdue", self.jobs.escalate_overdue(now), 0),
            digest=await self._run("digest", self.jobs.send_digest(now), False),
            auto_closed=await self._run("auto_close", self.jobs.auto_close(now), 0),
            purged=await self._run("purge_outbox", self.jobs.purge_outbox(now), 0),
        )
        if result.enqueued and self.on_enqueued is not None:
            self.on_enqueued()
        return result

    @staticmethod
    async def _run(job: str, work: Awaitable[T], failed: T) -> T:
        try:
            return await work
        except Exception:
            log.exception("scheduled_job_failed", job=job)
            return failed
