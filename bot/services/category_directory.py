"""The visible categories, kept in memory for the new-request dialog.

Its first step and the choice of a category read them on nearly every request filed; a
`KeptFresh` catalogue (`bot.services.directory`) serves them without a query. It is read on
first use, forgotten when a transaction of this process that wrote a category commits (the
bot's /categories and the web panel share the process's session pool), and re-read every
minute so that other replicas follow. What it offers is checked again on submit: a category
hidden meanwhile elsewhere is refused there, and the directory is read again.
"""

from __future__ import annotations

from typing import Any, cast
from weakref import WeakSet

from aiogram import Dispatcher
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import ORMExecuteState, Session

from bot.services.directory import KeptFresh
from database.repositories import categories as categories_repo
from models import Category
from models.views import CategoryChoice

_WROTE_KEY = "zavhoz_categories_written"


class CategoryDirectory(KeptFresh[list[CategoryChoice]]):
    def __init__(self) -> None:
        self._visible: list[CategoryChoice] | None = None

    def _remember(self, items: list[CategoryChoice]) -> None:
        self._visible = items

    async def _read(self, session: AsyncSession) -> list[CategoryChoice]:
        return [CategoryChoice.of(c) for c in await categories_repo.visible(session)]

    def forget(self) -> None:
        """The next use reads them again."""
        self._changed()
        self._visible = None

    async def visible(self, session: AsyncSession) -> list[CategoryChoice]:
        """The visible categories in their order; read (in a unit of their own) when not
        known. Call it outside a transaction."""
        return self._visible if self._visible is not None else await self.reload(session)

    def watch(self, session_pool: async_sessionmaker[AsyncSession]) -> None:
        """Forget the categories when a transaction of `session_pool` that wrote one commits.

        The listeners sit on one subclass of the pool's session class, made the first time
        the pool is watched; every directory watching the pool (one per dispatcher; tests
        build many on one pool) is told, and a directory that is gone is dropped.
        """
        _watchers(session_pool).add(self)


def _watchers(session_pool: async_sessionmaker[AsyncSession]) -> WeakSet[CategoryDirectory]:
    current: type[Session] = session_pool.kw.get("sync_session_class") or Session
    for cls in current.__mro__:
        known = cls.__dict__.get("_category_directories")
        if known is not None:
            return cast("WeakSet[CategoryDirectory]", known)
    directories: WeakSet[CategoryDirectory] = WeakSet()
    watched: type[Session] = type(
        "CategoryWatchingSession", (current,), {"_category_directories": directories}
    )
    session_pool.configure(sync_session_class=watched)

    @event.listens_for(watched, "after_flush")
    def _after_flush(session: Session, _context: Any) -> None:
        changed = (*session.new, *session.dirty, *session.deleted)
        if any(isinstance(obj, Category) for obj in changed):
            session.info[_WROTE_KEY] = True

    @event.listens_for(watched, "do_orm_execute")
    def _on_execute(state: ORMExecuteState) -> None:
        if not state.is_select and any(m.class_ is Category for m in state.all_mappers):
            state.session.info[_WROTE_KEY] = True

    @event.listens_for(watched, "after_commit")
    def _after_commit(session: Session) -> None:
        if session.info.pop(_WROTE_KEY, False):
            for directory in list(directories):
                directory.forget()

    @event.listens_for(watched, "after_rollback")
    def _after_rollback(session: Session) -> None:
        session.info.pop(_WROTE_KEY, None)

    return directories


def install(dp: Dispatcher, session_pool: async_sessionmaker[AsyncSession]) -> CategoryDirectory:
    """A directory for this dispatcher, as workflow data `categories`, kept fresh while it
    runs and forgotten on every commit of `session_pool` that writes a category."""
    directory = CategoryDirectory()
    directory.watch(session_pool)
    dp["categories"] = directory
    directory.kept_by(dp)
    return directory
