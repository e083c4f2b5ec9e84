"""aiogram's keyboard builders without their deep copies.

aiogram's `KeyboardBuilder.export()` deep-copies every button, and `add()` calls it for
each button added, so a keyboard of n buttons costs O(n²) pydantic deep copies — a
measurable share of an update's CPU time (see `make bench`). Buttons are never mutated
after they are built here, so copying the rows (not the buttons) keeps the builder's
semantics: what `export()` returns can be changed without changing the builder.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import TypeVar

from aiogram.types import InlineKeyboardButton, KeyboardButton
from aiogram.utils import keyboard

_Builder = TypeVar("_Builder", bound=Callable[..., object])


def built_once(builder: _Builder) -> _Builder:
    """A keyboard that depends only on its arguments (a translator is one per language;
    the others are hashable values): built on first use, then the same markup each time.
    What it returns is shared, so nobody may change it (card keyboards, which callers
    extend, are not built this way)."""
    return lru_cache(maxsize=256)(builder)  # type: ignore[return-value]


class InlineKeyboardBuilder(keyboard.InlineKeyboardBuilder):
    def export(self) -> list[list[InlineKeyboardButton]]:
        return [list(row) for row in self._markup]


class ReplyKeyboardBuilder(keyboard.ReplyKeyboardBuilder):
    def export(self) -> list[list[KeyboardButton]]:
        return [list(row) for row in self._markup]
