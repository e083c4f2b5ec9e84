"""The one renderer every outgoing text passes through: Telegram's limits, markup intact.

Telegram measures a message after it has parsed the HTML: the visible text, in UTF-16 code
units, must be at most 4096 characters (1024 for a caption, 200 for a callback alert), and a
button's callback data at most 64 bytes. Cutting raw HTML at a character count breaks both
rules at once: a cut inside `<b>…</b>` or `&amp;` is rejected by Telegram, and the count is of
the wrong thing.

* `fit_sections` assembles a long text (a card with its history and comments) from a head
  that always stays and sections whose oldest lines give way first, each with an
  "…and N more" line in their place.
* `fit_html` is the last resort for any HTML text: it keeps whole lines while they fit, then
  whole words, closes every tag left open, and never splits a tag or an entity.
* `fit_method` applies the right limit to every field of a Bot API method (text, caption,
  media captions, alert text, keyboards), and `LimitsMiddleware` runs it on every request
  the Bot makes — handler answers and outbox deliveries alike — so no path can exceed a limit.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any, Final, TypeVar

from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageCaption,
    EditMessageText,
    SendAnimation,
    SendDocument,
    SendMediaGroup,
    SendMessage,
    SendPhoto,
    SendVideo,
    TelegramMethod,
)
from aiogram.methods.base import Response, TelegramType
from aiogram.types import InlineKeyboardMarkup

TEXT_LIMIT: Final = 4096
CAPTION_LIMIT: Final = 1024
ALERT_LIMIT: Final = 200
CALLBACK_DATA_LIMIT: Final = 64
ELLIPSIS: Final = "…"
# A button label longer than this is clipped: the keyboard stays readable on a phone.
BUTTON_TEXT_MAX: Final = 40

_M = TypeVar("_M", bound=TelegramMethod[Any])
_TAG_RE = re.compile(r"<[^>]*>")


def utf16_len(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (an emoji outside the BMP is 2)."""
    return len(text.encode("utf-16-le")) // 2


def visible_text(markup: str) -> str:
    """What a person sees of an HTML message: tags dropped, entities decoded."""
    return html.unescape(_TAG_RE.sub("", markup))


def visible_len(markup: str) -> int:
    return utf16_len(visible_text(markup))


# ------------------------------------------------------------------ HTML-safe cutting
@dataclass(slots=True)
class _Token:
    kind: str  # "text", "start", "end"
    text: str  # decoded text, or the raw tag
    name: str = ""


class _Tokenizer(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tokens: list[_Token] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raw = self.get_starttag_text() or f"<{tag}>"
        self.tokens.append(_Token("start", raw, tag))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        self.tokens.append(_Token("end", f"</{tag}>", tag))

    def handle_data(self, data: str) -> None:
        self.tokens.append(_Token("text", data))


def _tokens(markup: str) -> list[_Token]:
    parser = _Tokenizer()
    parser.feed(markup)
    parser.close()
    return parser.tokens


def _cut_point(text: str, budget: int, *, anywhere: bool = True) -> int:
    """How many characters of `text` fit in `budget` UTF-16 units, cut between words.

    A line break in the second half wins; else the last space. With no space at all the
    text is cut mid-word only when `anywhere` (nothing was kept before it), else not at all.
    """
    units = 0
    end = 0
    for end, char in enumerate(text):  # noqa: B007 - `end` is used after the loop
        units += 2 if ord(char) > 0xFFFF else 1
        if units > budget:
            break
    else:
        return len(text)
    head = text[:end]
    line = head.rfind("\n")
    if line >= len(head) // 2:
        return line
    space = max(head.rfind(" "), line)
    if space > 0:
        return space
    return end if anywhere else 0


def fit_html(markup: str, limit: int = TEXT_LIMIT, *, tail: str = ELLIPSIS) -> str:
    """`markup` unchanged when it fits `limit`; else cut on a boundary, tags closed, + tail."""
    if visible_len(markup) <= limit:
        return markup
    budget = limit - utf16_len(tail)
    out: list[str] = []
    open_tags: list[str] = []
    for token in _tokens(markup):
        if token.kind == "start":
            out.append(token.text)
            open_tags.append(token.name)
        elif token.kind == "end":
            if token.name in open_tags:
                while open_tags:
                    name = open_tags.pop()
                    out.append(f"</{name}>")
                    if name == token.name:
                        break
        else:
            size = utf16_len(token.text)
            if size <= budget:
                out.append(html.escape(token.text, quote=False))
                budget -= size
                continue
            keep = _cut_point(token.text, budget, anywhere=not out)
            out.append(html.escape(token.text[:keep].rstrip(), quote=False))
            break
    # Empty elements left by the cut (an `<a>` with no text) are harmless; close the rest.
    out.extend(f"</{name}>" for name in reversed(open_tags))
    out.append(html.escape(tail, quote=False))
    return "".join(out)


def clip(text: str, limit: int = BUTTON_TEXT_MAX) -> str:
    """One line of at most `limit` characters: white space folded, "…" where it was cut
    (a button label, a line of a card or a list)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS


def fit_plain(text: str, limit: int, *, tail: str = ELLIPSIS) -> str:
    """Plain text (an alert, a button label) within `limit` UTF-16 units."""
    if utf16_len(text) <= limit:
        return text
    keep = _cut_point(text, limit - utf16_len(tail))
    return text[:keep].rstrip() + tail


# ------------------------------------------------------------------ sections that give way
@dataclass(slots=True)
class Section:
    """Lines of one part of a long text, oldest first; the oldest give way first.

    `title` stays while any line does; `hidden(n)` renders the "…and n more" line;
    `keep` lines (the newest) are never dropped before the final HTML cut.
    """

    lines: Sequence[str]
    hidden: Callable[[int], str]
    title: str | None = None
    keep: int = 1
    dropped: int = field(default=0, init=False)

    def render(self) -> str:
        shown = list(self.lines[self.dropped :])
        out = [self.title] if self.title else []
        if self.dropped:
            out.append(self.hidden(self.dropped))
        out.extend(shown)
        return "\n".join(out)

    @property
    def droppable(self) -> bool:
        return len(self.lines) - self.dropped > self.keep


def fit_sections(head: str, sections: Sequence[Section], limit: int = TEXT_LIMIT) -> str:
    """`head` and the sections joined by blank lines, within `limit` visible characters.

    The sections give way in the order given (the first one's oldest lines first), down to
    their `keep` newest lines; if that is still too long, `fit_html` cuts the end.
    """

    def assemble() -> str:
        parts = [head, *(s.render() for s in sections if s.lines or s.title)]
        return "\n\n".join(p for p in parts if p)

    text = assemble()
    for section in sections:
        excess = visible_len(text) - limit
        while excess > 0 and section.droppable:
            # Drop as many of the oldest lines as the excess needs, then check again
            # (the "…and N more" line and the title change the count a little).
            freed = 0
            while freed < excess and section.droppable:
                freed += visible_len(section.lines[section.dropped]) + 1
                section.dropped += 1
            text = assemble()
            excess = visible_len(text) - limit
    return fit_html(text, limit)


# ------------------------------------------------------------------ every method
def _fit_keyboard(markup: Any) -> None:
    if not isinstance(markup, InlineKeyboardMarkup):
        return
    for row in markup.inline_keyboard:
        for button in row:
            data = button.callback_data
            if data is not None and len(data.encode()) > CALLBACK_DATA_LIMIT:
                # A programming error, not user input: say so loudly instead of a 400.
                raise ValueError(f"callback data over {CALLBACK_DATA_LIMIT} bytes: {data!r}")


def _html(method: object) -> bool:
    mode = getattr(method, "parse_mode", None)
    # The Bot's default parse mode is HTML; an unset or default value means HTML.
    return mode is None or not isinstance(mode, str) or mode.upper() == "HTML"


def _fit_caption(caption: str | None, is_html: bool) -> str | None:
    if caption is None:
        return None
    return fit_html(caption, CAPTION_LIMIT) if is_html else fit_plain(caption, CAPTION_LIMIT)


def fit_method(method: _M) -> _M:
    """The method with each text field within its limit (in place; returned for chaining)."""
    is_html = _html(method)
    if isinstance(method, SendMessage | EditMessageText) and method.text is not None:
        text = method.text
        method.text = fit_html(text, TEXT_LIMIT) if is_html else fit_plain(text, TEXT_LIMIT)
    elif isinstance(
        method, SendPhoto | SendDocument | SendVideo | SendAnimation | EditMessageCaption
    ):
        method.caption = _fit_caption(method.caption, is_html)
    elif isinstance(method, SendMediaGroup):
        # Input media are frozen models: fitted copies replace them.
        method.media = [
            media.model_copy(update={"caption": _fit_caption(media.caption, _html(media))})
            if media.caption is not None
            else media
            for media in method.media
        ]
    elif isinstance(method, AnswerCallbackQuery) and method.text is not None:
        method.text = fit_plain(method.text, ALERT_LIMIT)
    _fit_keyboard(getattr(method, "reply_markup", None))
    return method


class LimitsMiddleware(BaseRequestMiddleware):
    """Runs `fit_method` on every request the Bot sends."""

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Any,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        return await make_request(bot, fit_method(method))
