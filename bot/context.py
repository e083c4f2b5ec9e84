"""The per-update context the database middleware puts into the handler data as `ctx`.

Nearly every handler needs the same few things: the session of this update, who acts, the
texts in their language, the settings, the notifier, and the places and categories kept in
memory. A handler
declares one argument, `ctx: UpdateContext`, instead of six (aiogram injects by name).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.category_directory import CategoryDirectory
from bot.services.notifications import Notifier
from bot.services.place_directory import PlaceDirectory
from bot.settings import Settings
from models import User
from utils.i18n import Translator


@dataclass(frozen=True, slots=True)
class UpdateContext:
    """Who acts in this update, in which language, under which settings, with what."""

    session: AsyncSession
    user: User
    t: Translator
    settings: Settings
    notifier: Notifier
    places: PlaceDirectory
    categories: CategoryDirectory
