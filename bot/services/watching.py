"""What is kept in memory is told when a transaction that wrote what it keeps commits.

`watch(session_pool, Category, directory)`: from then on, every transaction of a session
from that pool that wrote a Category (a flushed object, or an UPDATE / INSERT / DELETE
run through the session) calls `directory.committing()` just before its COMMIT and
`directory.committed()` just after. The listeners sit on one subclass of the pool's
session class, made the first time the pool is watched; every watcher of the pool (one
per dispatcher; tests build many on one pool) is told, and a watcher that is gone is
dropped (`watch` holds them weakly, the owner keeps its watcher alive; `hold` keeps one
per class for as long as the pool's sessions live).

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


class _Registry:
    def __init__(self) -> None:
        self.weak: dict[type, WeakSet[Watcher]] = {}
        self.held: dict[type, dict[type, Watcher]] = {}  # entity -> watcher class -> one

    def told(self, entity: type) -> list[Watcher]:
        return [*self.weak.get(entity, ()), *self.held.get(entity, {}).values()]


def watch(session_pool: async_sessionmaker[AsyncSession], entity: type, watcher: Watcher) -> None:
    """Tell `watcher` (held weakly: its owner keeps it alive)."""
    _registry(session_pool).weak.setdefault(entity, WeakSet()).add(watcher)


def hold(session_pool: async_sessionmaker[AsyncSession], entity: type, watcher: Watcher) -> None:
    """Tell `watcher` for as long as the pool's sessions live, in place of one of its class
    held before (a new dispatcher on the same pool replaces the last one's)."""
    _registry(session_pool).held.setdefault(entity, {})[type(watcher)] = watcher


def _written(session: Session) -> set[tuple[type, bool]]:
    """What the transaction wrote so far: (entity, whether only by INSERT)."""
    return cast("set[tuple[type, bool]]", session.info.setdefault(_WROTE_KEY, set()))


def _pending(session: Session) -> set[tuple[type, bool]]:
    return {(type(obj), True) for obj in session.new} | {
        (type(obj), False) for obj in (*session.dirty, *session.deleted)
    }


def _registry(session_pool: async_sessionmaker[AsyncSession]) -> _Registry:
    current: type[Session] = session_pool.kw.get("sync_session_class") or Session
    for cls in current.__mro__:
        known = cls.__dict__.get(_REGISTRY)
        if known is not None:
            return cast("_Registry", known)
    registry = _Registry()
    watched: type[Session] = type("WatchedSession", (current,), {_REGISTRY: registry})
    session_pool.configure(sync_session_class=watched)

    def told(written: set[tuple[type, bool]]) -> list[Watcher]:
        return [
            watcher
            for entity, inserted in written
            for watcher in registry.told(entity)
            if watcher.inserts_matter or not inserted
        ]

    @event.listens_for(watched, "after_flush")
    def _after_flush(session: Session, _context: Any) -> None:
        _written(session).update(_pending(session))

    @event.listens_for(watched, "do_orm_execute")
    def _on_execute(state: ORMExecuteState) -> None:
        if not state.is_select:
            _written(state.session).update((m.class_, state.is_insert) for m in state.all_mappers)

    # A SAVEPOINT's release and rollback fire these events too; only the outermost
    # transaction's COMMIT makes the writes visible, so the others are let pass.
    @event.listens_for(watched, "before_commit")
    def _before_commit(session: Session) -> None:
        if session.in_nested_transaction():
            return
        # The commit's own flush comes after this event: count what it will write.
        for watcher in set(told(_written(session) | _pending(session))):
            watcher.committing()

    @event.listens_for(watched, "after_commit")
    def _after_commit(session: Session) -> None:
        if session.in_nested_transaction():
            return
        for watcher in set(told(session.info.pop(_WROTE_KEY, set()))):
            watcher.committed()

    @event.listens_for(watched, "after_rollback")
    def _after_rollback(session: Session) -> None:
        if not session.in_nested_transaction():  # a SAVEPOINT's: what came before stays
            session.info.pop(_WROTE_KEY, None)

    return registry
