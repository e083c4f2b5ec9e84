"""The visible categories, kept in memory for the new-request dialog.

Its first step and the choice of a category read them on nearly every request filed; a
`KeptFresh` catalogue (`bot.services.directory`) serves them without a query. It is read on
first use, forgotten when a transaction of this process that wrote a category commits (the
bot's /categories and the web panel share the process's session pool), and re-read every
minute so that other replicas follow. What it offers is checked again on submit: a category
hidden meanwhile elsewhere is refused there, and the directory is read again.
"""

from __future__ import annotations

from aiogram import Dispatcher
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services import watching
from bot.services.directory import KeptFresh
from database.repositories import categories as categories_repo
from models import Category
from models.views import CategoryChoice


class CategoryDirectory(KeptFresh[list[CategoryChoice]]):
    inserts_matter = True  # a new category is one more to offer

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
        """Forget the categories when a transaction of `session_pool` that wrote one commits."""
        watching.watch(session_pool, Category, self)

    def committing(self) -> None:
        return None

    def committed(self) -> None:
        self.forget()


def install(dp: Dispatcher, session_pool: async_sessionmaker[AsyncSession]) -> CategoryDirectory:
    """A directory for this dispatcher, as workflow data `categories`, kept fresh while it
    runs and forgotten on every commit of `session_pool` that writes a category."""
    directory = CategoryDirectory()
    directory.watch(session_pool)
    dp["categories"] = directory
    directory.kept_by(dp)
    return directory
