"""What is kept in memory is told when a transaction that wrote what it keeps commits.

`watch(session_pool, Category, directory)`: from then on, every transaction of a session
from that pool that wrote a Category (a flushed object, or an UPDATE / INSERT / DELETE
run through the session) calls `directory.committing()` just before its COMMIT and
`directory.committed()` just after. The listeners sit on one subclass of the pool's
session class, made the first time the pool is watched; every watcher of the pool (one
per dispatcher; tests build many on one pool) is told, and a watcher that is gone is
dropped (they are held weakly: the owner keeps its watcher alive).

`committing()` runs inside the commit: it may await (`sqlalchemy.util.await_only`), and
an exception there aborts the COMMIT, so nothing is written that a watcher was not told.
"""

from __future__ import annotations

from typing import Any, Protocol, cast
from weakref import WeakSet

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import ORMExecuteState, Session

_WROTE_KEY = "zavhoz_wrote"
_REGISTRY = "_zavhoz_watchers"


class Watcher(Protocol):
    #: False: only changed and deleted rows concern it (nobody could have kept a new one).
    inserts_matter: bool

    def committing(self) -> None: ...

    def committed(self) -> None: ...


def watch(session_pool: async_sessionmaker[AsyncSession], entity: type, watcher: Watcher) -> None:
    watchers(session_pool, entity).add(watcher)


def watchers(session_pool: async_sessionmaker[AsyncSession], entity: type) -> WeakSet[Watcher]:
    """Who is told of `entity`'s writes on this pool (add or discard as needed)."""
    return _registry(session_pool).setdefault(entity, WeakSet())


def _written(session: Session) -> set[tuple[type, bool]]:
    """What the transaction wrote so far: (entity, whether only by INSERT)."""
    return cast("set[tuple[type, bool]]", session.info.setdefault(_WROTE_KEY, set()))


def _pending(session: Session) -> set[tuple[type, bool]]:
    return {(type(obj), True) for obj in session.new} | {
        (type(obj), False) for obj in (*session.dirty, *session.deleted)
    }


def _registry(session_pool: async_sessionmaker[AsyncSession]) -> dict[type, WeakSet[Watcher]]:
    current: type[Session] = session_pool.kw.get("sync_session_class") or Session
    for cls in current.__mro__:
        known = cls.__dict__.get(_REGISTRY)
        if known is not None:
            return cast("dict[type, WeakSet[Watcher]]", known)
    registry: dict[type, WeakSet[Watcher]] = {}
    watched: type[Session] = type("WatchedSession", (current,), {_REGISTRY: registry})
    session_pool.configure(sync_session_class=watched)

    def told(written: set[tuple[type, bool]]) -> list[Watcher]:
        return [
            watcher
            for entity, inserted in written
            for watcher in list(registry.get(entity, ()))
            if watcher.inserts_matter or not inserted
        ]

    @event.listens_for(watched, "after_flush")
    def _after_flush(session: Session, _context: Any) -> None:
        _written(session).update(_pending(session))

    @event.listens_for(watched, "do_orm_execute")
    def _on_execute(state: ORMExecuteState) -> None:
        if not state.is_select:
            _written(state.session).update((m.class_, state.is_insert) for m in state.all_mappers)

    @event.listens_for(watched, "before_commit")
    def _before_commit(session: Session) -> None:
        # The commit's own flush comes after this event: count what it will write.
        for watcher in set(told(_written(session) | _pending(session))):
            watcher.committing()

    @event.listens_for(watched, "after_commit")
    def _after_commit(session: Session) -> None:
        for watcher in set(told(session.info.pop(_WROTE_KEY, set()))):
            watcher.committed()

    @event.listens_for(watched, "after_rollback")
    def _after_rollback(session: Session) -> None:
        session.info.pop(_WROTE_KEY, None)

    return registry
