"""Names kept in both languages (a category's name_ru / name_en): the one a reader sees.

Russian is the default language; English is shown to those whose language is English.
"""

from __future__ import annotations

from typing import TypeVar

_Name = TypeVar("_Name")


def in_language(language: str | None, ru: _Name, en: _Name) -> _Name:
    return en if language == "en" else ru


class Named:
    """A row with a name in both languages, shown by `name(language)`.

    Mixed in before a frozen slotted dataclass that declares `name_ru` and `name_en`
    among its fields (`class CategoryCount(Named)`).
    """

    __slots__ = ()
    name_ru: str
    name_en: str

    def name(self, language: str) -> str:
        return in_language(language, self.name_ru, self.name_en)
