"""The text catalogue: Fluent files under utils/locales/<lang>/*.ftl, read by aiogram-i18n.

`Catalogue` is built once by the composition root and passed as dispatcher data.
`Translator` is the catalogue bound to one language; it HTML-escapes every string argument,
so user-supplied text can never break the markup of a message. Pre-rendered HTML that is
known to be safe is passed wrapped in `Markup`.
"""

from __future__ import annotations

import html
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from aiogram_i18n.cores.fluent_runtime_core import FluentRuntimeCore
from fluent.runtime.types import fluent_number

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
LANGUAGES: tuple[str, ...] = ("ru", "en")
#: Longer string arguments bypass fluent.runtime's limit of 2500 characters per placeable.
_LONG_ARG = 1000


class Markup(str):
    """A string that is already safe HTML: Translator does not escape it again."""

    __slots__ = ()


def _prepare(value: Any) -> Any:
    if isinstance(value, Markup):
        return str(value)
    if isinstance(value, str):
        return html.escape(value, quote=False)
    if value is None:
        return ""
    if isinstance(value, int) and not isinstance(value, bool):
        return fluent_number(value, useGrouping=False)  # "#1234", not "#1,234"
    return value


class Catalogue:
    def __init__(self, default_language: str = "ru", path: Path = LOCALES_DIR) -> None:
        self.default_language = default_language
        self._core = FluentRuntimeCore(path=path, default_locale=default_language)
        self._core.locales.update(self._core.find_locales())
        self._translators = {lang: Translator(self, lang) for lang in self.languages}

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(sorted(self._core.locales))

    def resolve_language(self, language: str | None) -> str:
        """A supported language for a Telegram language_code like 'en-US', or the default."""
        if language:
            short = language.split("-")[0].lower()
            if short in self._core.locales:
                return short
        return self.default_language

    def get(self, language: str | None, key: str, /, **kwargs: Any) -> str:
        lang = self.resolve_language(language)
        if not kwargs:
            return self._plain(lang, key)
        args = {k: _prepare(v) for k, v in kwargs.items()}
        # fluent.runtime refuses a placeable over 2500 characters (and escaping makes text
        # longer): a long value goes in as a short placeholder and is put back afterwards.
        long = {k: v for k, v in args.items() if isinstance(v, str) and len(v) > _LONG_ARG}
        if not long:
            return self._core.get(key, lang, **args)
        slots = {k: f"\x00{i}\x00" for i, k in enumerate(long)}
        text = self._core.get(key, lang, **{**args, **slots})
        for k, slot in slots.items():
            text = text.replace(slot, long[k])
        return text

    @cache  # noqa: B019 - one catalogue per process; its keys in each language are few
    def _plain(self, language: str, key: str) -> str:
        """A text without arguments: formatted once (buttons, titles, hints)."""
        return self._core.get(key, language)

    def translator(self, language: str | None) -> Translator:
        return self._translators[self.resolve_language(language)]

    @cache  # noqa: B019 - one catalogue per process; keys are few
    def variants(self, key: str) -> frozenset[str]:
        """The text of `key` in every language (to recognise reply-keyboard buttons)."""
        return frozenset(self._core.get(key, lang) for lang in self.languages)

    def keys(self, language: str) -> set[str]:
        bundle = self._core.locales[language]
        return set(bundle._messages)


class Translator:
    """The catalogue in one language: `t("key", name=...)`."""

    __slots__ = ("catalogue", "language")

    def __init__(self, catalogue: Catalogue, language: str) -> None:
        self.catalogue = catalogue
        self.language = language

    def __call__(self, key: str, /, **kwargs: Any) -> str:
        return self.catalogue.get(self.language, key, **kwargs)

    def datetime(self, value: datetime | None, tz: ZoneInfo) -> str:
        if value is None:
            return "—"
        return value.astimezone(tz).strftime("%d.%m.%Y %H:%M")
