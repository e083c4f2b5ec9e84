"""Checks of what a person types or sends: pure functions, unit-tested without Telegram.

Each check returns the cleaned value or a problem code; the handler turns the code into a
specific hint (`hint-<code>` in the catalogue) and asks the same step again.

Every limit on user text lives here, once: the requester's dialog, the author's comments
and reasons, and the staff's reasons use the same constants.
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum

from models.entities import MIME_TYPE_MAX

LOCATION_MIN, LOCATION_MAX = 2, 100
DESCRIPTION_MIN, DESCRIPTION_MAX = 5, 2000
COMMENT_MAX = 2000
# A reason (reject, hold, "not fixed") is shown in a history line and a notification.
REASON_MIN, REASON_MAX = 3, 500
MAX_PHOTOS = 10
# Bot API getFile downloads files up to 20 MB; a bigger one could never be opened again.
MAX_FILE_BYTES = 20 * 1024 * 1024
ACCEPTED_DOCUMENT_TYPES = ("application/pdf",)

# What the hints say about each field (`req-hint-<field>-<problem>` takes $min and $max).
LIMITS: dict[str, dict[str, int]] = {
    "location": {"min": LOCATION_MIN, "max": LOCATION_MAX},
    "description": {"min": DESCRIPTION_MIN, "max": DESCRIPTION_MAX},
    "comment": {"max": COMMENT_MAX},
    "reason": {"min": REASON_MIN, "max": REASON_MAX},
}

_SPACES = re.compile(r"[ \t\u00a0]+")
# Joiners are format characters (Cf) too, but emoji sequences and Persian words need them
# between two visible characters; every other format character is dropped.
_JOINERS = "\u200c\u200d"


class TextProblem(StrEnum):
    EMPTY = "empty"
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"


class FileProblem(StrEnum):
    UNSUPPORTED = "unsupported"
    TOO_BIG = "too_big"


def _drop_format_characters(text: str) -> str:
    """Zero-width spaces, BOMs, soft hyphens, bidi controls: nothing anyone can see."""
    return "".join(ch for ch in text if ch in _JOINERS or unicodedata.category(ch) != "Cf")


def _trim(text: str) -> str:
    """Whitespace and joiners off both ends (a joiner joins nothing there)."""
    previous = None
    while previous != text:
        previous, text = text, text.strip().strip(_JOINERS)
    return text


def normalize(text: str | None, *, single_line: bool = False) -> str:
    """Drop invisible format characters, trim, collapse runs of spaces.

    A single-line value also loses its line breaks. A text of zero-width characters and
    spaces only comes out empty.
    """
    if not text:
        return ""
    text = _drop_format_characters(text)
    if single_line:
        text = " ".join(text.split())
    else:
        lines = [_trim(_SPACES.sub(" ", line)) for line in text.strip().splitlines()]
        text = "\n".join(lines)
        text = re.sub(r"\n{3,}", "\n\n", text)
    return _trim(text)


def visible_length(text: str) -> int:
    """The characters a reader sees (joiners inside emoji do not count)."""
    return len(text) - sum(text.count(joiner) for joiner in _JOINERS)


def check_length(text: str, minimum: int, maximum: int) -> TextProblem | None:
    if not text:
        return TextProblem.EMPTY
    if visible_length(text) < minimum:
        return TextProblem.TOO_SHORT
    if len(text) > maximum:
        return TextProblem.TOO_LONG
    return None


def clean_location(text: str | None) -> tuple[str, TextProblem | None]:
    value = normalize(text, single_line=True)
    return value, check_length(value, LOCATION_MIN, LOCATION_MAX)


def clean_description(text: str | None) -> tuple[str, TextProblem | None]:
    value = normalize(text)
    return value, check_length(value, DESCRIPTION_MIN, DESCRIPTION_MAX)


def clean_comment(text: str | None) -> tuple[str, TextProblem | None]:
    value = normalize(text)
    if len(value) > COMMENT_MAX:
        return value, TextProblem.TOO_LONG
    return value, None


def clean_reason(text: str | None) -> tuple[str, TextProblem | None]:
    value = normalize(text)
    return value, check_length(value, REASON_MIN, REASON_MAX)


def normalize_mime_type(mime_type: str | None) -> str | None:
    """The MIME type as it is stored: lower case, without parameters, within the column.

    The sender chooses it freely; only its start (`image/`, `application/pdf`) matters to
    the bot, so a longer value is clipped rather than refused.
    """
    if not mime_type:
        return None
    value = mime_type.split(";", 1)[0].strip().lower()
    return value[:MIME_TYPE_MAX] or None


def check_document(mime_type: str | None, file_size: int | None) -> FileProblem | None:
    """Images and PDF are accepted as documents; everything else is refused."""
    mime = normalize_mime_type(mime_type) or ""
    if not (mime.startswith("image/") or mime in ACCEPTED_DOCUMENT_TYPES):
        return FileProblem.UNSUPPORTED
    return check_size(file_size)


def check_size(file_size: int | None) -> FileProblem | None:
    if file_size is not None and file_size > MAX_FILE_BYTES:
        return FileProblem.TOO_BIG
    return None
