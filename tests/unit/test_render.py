"""The one renderer: any text through any template stays valid HTML within Telegram's limits."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pytest
from aiogram.methods import AnswerCallbackQuery, SendMediaGroup, SendMessage, SendPhoto
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, InputMediaPhoto
from fluent.syntax import visitor
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from utils.i18n import Catalogue
from utils.render import (
    ALERT_LIMIT,
    CAPTION_LIMIT,
    TEXT_LIMIT,
    Section,
    fit_html,
    fit_method,
    fit_sections,
    utf16_len,
    visible_len,
    visible_text,
)

TELEGRAM_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
                 "tg-spoiler", "span", "blockquote", "tg-emoji"}  # fmt: skip
ENTITY = re.compile(r"&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")


class _Checker(HTMLParser):
    """What Telegram's HTML parser insists on: known tags, properly nested, all closed."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in TELEGRAM_TAGS:
            self.errors.append(f"unknown tag <{tag}>")
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(f"misnested </{tag}>")

    def handle_data(self, data: str) -> None:
        if "<" in data or ">" in data:
            self.errors.append(f"raw bracket in {data[:40]!r}")
        if "&" in ENTITY.sub("", data):
            self.errors.append(f"bare & in {data[:40]!r}")


def assert_valid_html(markup: str) -> None:
    checker = _Checker()
    checker.feed(markup)
    checker.close()
    assert not checker.errors, checker.errors[:3]
    assert not checker.stack, f"left open: {checker.stack}"


#: Text people type, and text written to break things: markup characters, emoji (two UTF-16
#: units each), right-to-left and zero-width characters, long runs.
nasty = st.text(
    alphabet=st.one_of(
        st.sampled_from("&<>\"'‮‏​‍﻿\n 👍🏽🇷🇺𝕏ё"),
        st.characters(codec="utf-8", exclude_categories=["Cs"]),
    ),
    max_size=5000,
)


def _template_variables(catalogue: Catalogue, language: str) -> dict[str, set[str]]:
    class Variables(visitor.Visitor):
        def __init__(self) -> None:
            super().__init__()
            self.names: set[str] = set()

        def visit_VariableReference(self, node: object) -> None:
            self.names.add(node.id.name)  # type: ignore[attr-defined]

    found: dict[str, set[str]] = {}
    for key, message in catalogue._core.locales[language]._messages.items():
        names = Variables()
        names.visit(message)
        if names.names:
            found[key] = names.names
    return found


CATALOGUE = Catalogue("ru")
TEMPLATES = sorted(
    (language, key, frozenset(names))
    for language in CATALOGUE.languages
    for key, names in _template_variables(CATALOGUE, language).items()
)


@pytest.mark.parametrize(("language", "key", "names"), TEMPLATES, ids=lambda v: str(v)[:40])
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=nasty)
def test_every_template_renders_valid_html_within_every_limit(
    language: str, key: str, names: frozenset[str], value: str
) -> None:
    text = CATALOGUE.get(language, key, **dict.fromkeys(names, value))
    assert_valid_html(text)
    assert value == "" or html.escape(value[:50], quote=False) in text or len(text) > 50

    message = fit_method(SendMessage(chat_id=1, text=text))
    assert_valid_html(message.text)
    assert visible_len(message.text) <= TEXT_LIMIT

    photo = fit_method(SendPhoto(chat_id=1, photo="file", caption=text))
    assert photo.caption is not None
    assert_valid_html(photo.caption)
    assert visible_len(photo.caption) <= CAPTION_LIMIT

    alert = fit_method(AnswerCallbackQuery(callback_query_id="1", text=text, show_alert=True))
    assert alert.text is not None
    assert utf16_len(alert.text) <= ALERT_LIMIT


@settings(max_examples=200, deadline=None)
@given(
    parts=st.lists(
        st.tuples(st.sampled_from(["", "b", "i", "code", "a", "tg-spoiler"]), nasty), max_size=8
    ),
    limit=st.integers(min_value=20, max_value=TEXT_LIMIT),
)
def test_fit_html_never_slices_markup(parts: list[tuple[str, str]], limit: int) -> None:
    markup = ""
    for tag, text in parts:
        body = html.escape(text, quote=False)
        if tag == "a":
            markup += f'<a href="https://example.org/?q=1&amp;x=2">{body}</a>'
        elif tag:
            markup += f"<{tag}>{body}</{tag}>"
        else:
            markup += body
    fitted = fit_html(markup, limit)
    assert_valid_html(fitted)
    assert visible_len(fitted) <= limit
    if visible_len(markup) <= limit:
        assert fitted == markup


def test_a_cut_keeps_the_bold_tag_closed_and_falls_between_words() -> None:
    source = "\n".join(f"<b>строка {i}</b> — описание &amp; детали" for i in range(400))
    fitted = fit_html(source, 1000)
    assert_valid_html(fitted)
    assert visible_len(fitted) <= 1000
    shown = visible_text(fitted).removesuffix("…")
    original = visible_text(source)
    assert original.startswith(shown)
    assert original[len(shown)].isspace()


def test_emoji_count_twice_as_telegram_counts_them() -> None:
    text = "👍" * 3000  # 3000 characters, 6000 UTF-16 units
    fitted = fit_html(text, TEXT_LIMIT)
    assert utf16_len(fitted) <= TEXT_LIMIT
    assert len(fitted) < 2100


def test_sections_give_way_oldest_first_with_a_count_of_what_is_hidden() -> None:
    history = Section(
        [f"{i:03} история " + "x" * 60 for i in range(200)],
        hidden=lambda n: f"…и ещё {n} ранее",
        title="<b>История</b>",
    )
    comments = Section(
        [f"{i:03} комментарий " + "y" * 80 for i in range(50)],
        hidden=lambda n: f"…и ещё {n} комментариев",
        title="<b>Комментарии</b>",
    )
    text = fit_sections("<b>Заявка #1</b>", [history, comments], TEXT_LIMIT)
    assert_valid_html(text)
    assert visible_len(text) <= TEXT_LIMIT
    assert "199 история" in text  # the newest history line (the current reason) stays
    assert "000 история" not in text
    assert f"…и ещё {history.dropped} ранее" in text
    assert "049 комментарий" in text


def test_every_request_goes_through_the_limits(bot_with_recording: object = None) -> None:
    from tests.recording_session import RecordingSession, make_bot

    session = RecordingSession()
    bot = make_bot(session)
    assert any(type(m).__name__ == "LimitsMiddleware" for m in bot.session.middleware._middlewares)


def test_media_group_captions_and_oversized_callback_data() -> None:
    group = fit_method(
        SendMediaGroup(chat_id=1, media=[InputMediaPhoto(media="a", caption="&amp;" * 2000)])
    )
    assert visible_len(group.media[0].caption or "") <= CAPTION_LIMIT
    markup = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="x", callback_data="z" * 65)]]
    )
    with pytest.raises(ValueError, match="callback data"):
        fit_method(SendMessage(chat_id=1, text="x", reply_markup=markup))
