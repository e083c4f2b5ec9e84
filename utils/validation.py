"""Checks of what a requester types or sends: pure functions, unit-tested without Telegram.

Each check returns the cleaned value or a problem code; the handler turns the code into a
specific hint (`hint-<code>` in the catalogue) and asks the same step again.
"""

from __future__ import annotations

import re
from enum import StrEnum

LOCATION_MIN, LOCATION_MAX = 2, 100
DESCRIPTION_MIN, DESCRIPTION_MAX = 5, 2000
COMMENT_MAX = 2000
REASON_MIN, REASON_MAX = 3, 1000
MAX_PHOTOS = 10
# Bot API getFile downloads files up to 20 MB; a bigger one could never be opened again.
MAX_FILE_BYTES = 20 * 1024 * 1024
ACCEPTED_DOCUMENT_TYPES = ("application/pdf",)

_SPACES = re.compile(r"[ \t\u00a0]+")


class TextProblem(StrEnum):
    EMPTY = "empty"
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"


class FileProblem(StrEnum):
    UNSUPPORTED = "unsupported"
    TOO_BIG = "too_big"


def normalize(text: str | None, *, single_line: bool = False) -> str:
    """Trim, collapse runs of spaces; a single-line value also loses its line breaks."""
    if not text:
        return ""
    if single_line:
        text = " ".join(text.split())
    else:
        lines = [_SPACES.sub(" ", line).strip() for line in text.strip().splitlines()]
        text = "\n".join(lines)
        text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def check_length(text: str, minimum: int, maximum: int) -> TextProblem | None:
    if not text:
        return TextProblem.EMPTY
    if len(text) < minimum:
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


def check_document(mime_type: str | None, file_size: int | None) -> FileProblem | None:
    """Images and PDF are accepted as documents; everything else is refused."""
    mime = (mime_type or "").lower()
    if not (mime.startswith("image/") or mime in ACCEPTED_DOCUMENT_TYPES):
        return FileProblem.UNSUPPORTED
    return check_size(file_size)


def check_size(file_size: int | None) -> FileProblem | None:
    if file_size is not None and file_size > MAX_FILE_BYTES:
        return FileProblem.TOO_BIG
    return None
