"""The per-update context the database middleware puts into the handler data as `ctx`."""

from __future__ import annotations

from dataclasses import dataclass

from bot.settings import Settings
from models import User
from utils.i18n import Translator


@dataclass(frozen=True, slots=True)
class UpdateContext:
    """Who acts in this update, in which language, under which settings."""

    user: User
    t: Translator
    settings: Settings
