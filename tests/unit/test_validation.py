"""The requester's input checks, without Telegram or a database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from utils.callbacks import DraftSubmitCb, MyListCb
from utils.i18n import Catalogue
from utils.requester_cards import age, input_hint
from utils.validation import (
    LIMITS,
    MAX_FILE_BYTES,
    FileProblem,
    TextProblem,
    check_document,
    check_size,
    clean_comment,
    clean_description,
    clean_location,
    clean_reason,
    normalize_mime_type,
)


@pytest.mark.parametrize(
    ("raw", "value", "problem"),
    [
        ("  Каб.   214 ", "Каб. 214", None),
        ("Каб.\n214", "Каб. 214", None),  # a place is one line
        ("12", "12", None),
        ("1", "1", TextProblem.TOO_SHORT),
        ("   ", "", TextProblem.EMPTY),
        (None, "", TextProblem.EMPTY),
        ("x" * 100, "x" * 100, None),
        ("x" * 101, "x" * 101, TextProblem.TOO_LONG),
    ],
)
def test_location(raw: str | None, value: str, problem: TextProblem | None) -> None:
    assert clean_location(raw) == (value, problem)


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("Течёт", None),
        ("Тече", TextProblem.TOO_SHORT),
        ("я" * 2000, None),
        ("я" * 2001, TextProblem.TOO_LONG),
        ("", TextProblem.EMPTY),
    ],
)
def test_description_length(raw: str, problem: TextProblem | None) -> None:
    assert clean_description(raw)[1] is problem


@pytest.mark.parametrize(
    ("raw", "value", "problem"),
    [
        ("\u200b\u200b\u200b", "", TextProblem.EMPTY),  # zero-width spaces only
        ("\ufeff\u2060 \u00ad\u200e\u202e", "", TextProblem.EMPTY),  # BOM, joiner, bidi
        ("\u200d\u200c\u200d", "", TextProblem.EMPTY),  # joiners joining nothing
        ("\u200b1\u200b", "1", TextProblem.TOO_SHORT),
        ("Каб.\u200b 214\u200b", "Каб. 214", None),
        ("👩\u200d🔧 Каб. 5", "👩\u200d🔧 Каб. 5", None),  # an emoji keeps its joiner
    ],
)
def test_invisible_characters_do_not_count(
    raw: str, value: str, problem: TextProblem | None
) -> None:
    assert clean_location(raw) == (value, problem)


def test_invisible_description_and_reason_are_empty() -> None:
    assert clean_description("\u200b" * 50)[1] is TextProblem.EMPTY
    assert clean_description("\u200b\nок\u200b\n\u200b")[1] is TextProblem.TOO_SHORT
    assert clean_reason("\u2060\u2060\u2060\u2060")[1] is TextProblem.EMPTY
    assert clean_comment("\u200b \u200b") == ("", None)


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("image/JPEG", "image/jpeg"),
        ("application/pdf; name=act.pdf", "application/pdf"),
        ("image/" + "x" * 300, ("image/" + "x" * 300)[:128]),
        ("", None),
        (None, None),
    ],
)
def test_mime_type_is_stored_normalized(raw: str | None, stored: str | None) -> None:
    assert normalize_mime_type(raw) == stored
    assert stored is None or len(stored) <= 128


def test_description_keeps_lines_but_not_blank_runs() -> None:
    value, problem = clean_description("  Первая   строка \n\n\n\n вторая  ")
    assert (value, problem) == ("Первая строка\n\nвторая", None)


def test_comment_and_reason() -> None:
    assert clean_comment("  ок ") == ("ок", None)
    assert clean_comment("")[0] == ""
    assert clean_comment("я" * 2001)[1] is TextProblem.TOO_LONG
    assert clean_reason("ну")[1] is TextProblem.TOO_SHORT
    assert clean_reason("Всё ещё капает") == ("Всё ещё капает", None)


@pytest.mark.parametrize(
    ("mime", "size", "problem"),
    [
        ("image/jpeg", 1000, None),
        ("image/png", None, None),
        ("application/pdf", MAX_FILE_BYTES, None),
        ("application/pdf", MAX_FILE_BYTES + 1, FileProblem.TOO_BIG),
        ("application/zip", 10, FileProblem.UNSUPPORTED),
        ("video/mp4", 10, FileProblem.UNSUPPORTED),
        (None, 10, FileProblem.UNSUPPORTED),
        ("application/pdf; charset=binary", 10, None),
        ("image/" + "x" * 300, 10, None),
    ],
)
def test_documents(mime: str | None, size: int | None, problem: FileProblem | None) -> None:
    assert check_document(mime, size) is problem


def test_photo_size() -> None:
    assert check_size(None) is None
    assert check_size(MAX_FILE_BYTES + 1) is FileProblem.TOO_BIG


@pytest.mark.parametrize(
    ("ago", "ru", "en"),
    [
        (timedelta(seconds=30), "0 мин", "0 min"),
        (timedelta(minutes=5), "5 мин", "5 min"),
        (timedelta(hours=3, minutes=59), "3 ч", "3 h"),
        (timedelta(days=2, hours=5), "2 д", "2 d"),
    ],
)
def test_age(ago: timedelta, ru: str, en: str) -> None:
    catalogue = Catalogue("ru")
    now = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)
    assert age(catalogue.translator("ru"), now - ago, now) == ru
    assert age(catalogue.translator("en"), now - ago, now) == en


def test_callback_data_fits_telegram() -> None:
    assert len(DraftSubmitCb(token="f" * 32).pack().encode()) <= 64
    assert len(MyListCb(page=99999, cursor=2_000_000_000, older=False).pack().encode()) <= 64


def test_requester_texts_exist_in_both_languages() -> None:
    catalogue = Catalogue("ru")
    ru, en = catalogue.keys("ru"), catalogue.keys("en")
    assert ru == en


@pytest.mark.parametrize("language", ["ru", "en"])
@pytest.mark.parametrize(
    ("field", "problem", "limit"),
    [
        ("location", "too_short", "min"),
        ("location", "too_long", "max"),
        ("description", "too_short", "min"),
        ("description", "too_long", "max"),
        ("comment", "too_long", "max"),
        ("reason", "too_short", "min"),
        ("reason", "too_long", "max"),
    ],
)
def test_hints_state_the_limits_the_checks_use(
    language: str, field: str, problem: str, limit: str
) -> None:
    """The number in a hint comes from utils.validation, so text and check cannot drift."""
    t = Catalogue("ru").translator(language)
    assert f" {LIMITS[field][limit]} " in input_hint(t, field, problem, length=1)
