"""Waking the outbox sender as soon as a transaction that queued notifications commits."""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from models import OutboxMessage


class Wakeable(Protocol):
    def wake(self) -> None: ...


_QUEUED_KEY = "zavhoz_outbox_queued"


def wake_on_commit(session_pool: async_sessionmaker[AsyncSession], sender: Wakeable) -> None:
    """Wake the sender when a transaction that queued notifications commits.

    Without it a notification waits for the next poll; with it the staff see a new
    request as soon as it is saved. A rolled-back transaction wakes nobody.
    """
    base: type[Session] = session_pool.kw.get("sync_session_class") or Session
    waking: type[Session] = type("OutboxWakingSession", (base,), {})
    session_pool.configure(sync_session_class=waking)

    @event.listens_for(waking, "after_flush")
    def _after_flush(session: Session, _context: Any) -> None:
        if any(isinstance(obj, OutboxMessage) for obj in session.new):
            session.info[_QUEUED_KEY] = True

    @event.listens_for(waking, "after_commit")
    def _after_commit(session: Session) -> None:
        if session.info.pop(_QUEUED_KEY, False):
            sender.wake()

    @event.listens_for(waking, "after_rollback")
    def _after_rollback(session: Session) -> None:
        session.info.pop(_QUEUED_KEY, None)
