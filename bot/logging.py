"""Structured logging: one structlog pipeline for our own events and for stdlib records.

`configure_logging()` is called once by the composition root. After it:

* `structlog.get_logger(...)` events and plain `logging` records (aiogram, SQLAlchemy,
  asyncio, alembic, ...) go through the same processors and come out on stderr as JSON
  lines (`LogFormat.JSON`) or as human-readable lines (`LogFormat.CONSOLE`);
* every line carries the context bound with `structlog.contextvars` (update_id, user_id);
* `mask_sensitive` removes phone numbers, bot tokens, message texts and names before
  anything is rendered.

Nothing here does I/O at import time. `import logging` below is the standard library:
absolute imports make `bot.logging` and `logging` two different modules.
"""

from __future__ import annotations

import datetime as _dt
import decimal
import enum
import logging
import re
import sys
import uuid
from collections.abc import Mapping
from functools import lru_cache
from pathlib import PurePath
from typing import Any, Final

import structlog
from structlog.typing import EventDict, Processor, WrappedLogger

from bot.settings import LogFormat

__all__ = [
    "SENSITIVE_KEYS",
    "configure_logging",
    "is_sensitive_key",
    "mask_sensitive",
    "mask_text",
    "redact",
    "scrub_value",
]

#: Keys whose values are never logged, whatever they contain (compared case-insensitively).
SENSITIVE_KEYS: Final[frozenset[str]] = frozenset(
    {
        "text",
        "caption",
        "message_text",
        "description",
        "comment",
        "reason",
        "phone",
        "phone_number",
        "token",
        "bot_token",
        "password",
        "secret",
        "dsn",
        "full_name",
        "first_name",
        "last_name",
    }
)

# `webhook_secret`, `api_token`, `db_password`, `sentry_dsn` ... are secrets too.
_SENSITIVE_SUFFIXES: Final = ("_token", "_secret", "_password", "_dsn")

# Keys the processor must not touch: the exception object is rendered (and then masked)
# by `format_exc_info`; the `_record` / `_from_structlog` keys belong to ProcessorFormatter.
_PASSTHROUGH_KEYS: Final = frozenset({"exc_info", "stack_info", "_record", "_from_structlog"})

_REDACTED: Final = "***"
_ALREADY_REDACTED: Final = frozenset({_REDACTED, "[Filtered]"})  # ours, Sentry's scrubber
_REDACTED_MARKER_RE: Final = re.compile(r"<redacted \d+ chars>")

# A Telegram bot token: the bot id, a colon and a 35-character secret. The secret is
# masked, the bot id (a public user id) is kept: "123456789:***". It is also found inside
# API URLs (".../bot123456789:AAE.../sendMessage"), hence no word boundary before it.
_TOKEN_RE: Final = re.compile(r"(?<![0-9])([0-9]{5,12}):[A-Za-z0-9_-]{30,}")

# Phone numbers. Only digit runs shaped like a phone are masked, so that user ids
# (123456789, 8123456789), update ids, chat ids (-1001234567890), request numbers (#1234),
# unix timestamps (seconds, ms), ISO dates and durations (0.89123456789) survive:
#   * "+" followed by 8..15 digits with at most two separator characters (space, dash,
#     dot, parentheses) between digits: +7 912 345-67-89, +79123456789, +44 20 7946 0958;
#   * a Russian national number: 8 or 7, an area code starting with 3..9, then 7 digits,
#     11 digits in all, with optional spaces, dashes and parentheses: 8(912)3456789,
#     8 912 345 67 89, 89123456789. It must not be glued to a latin word or another
#     digit, nor be the fractional part of a decimal number.
# Latin-only lookarounds so that "89123456789позвоните" (Cyrillic glued) is still masked.
_PHONE_RE: Final = re.compile(
    r"""
    (?:
        \+[0-9](?:[ \t().-]{0,2}[0-9]){7,14}
      |
        (?<![A-Za-z0-9_+])(?<![0-9]\.)
        [78][ \t-]{0,2}\(?[3-9][0-9]{2}\)?[ \t-]{0,2}[0-9]{3}[ \t-]{0,2}[0-9]{2}[ \t-]{0,2}[0-9]{2}
    )
    (?![A-Za-z0-9_])
    """,
    re.VERBOSE,
)
_PHONE_MASK: Final = "<phone>"

# What SQLAlchemy and the drivers put into an exception's text: the statement's
# parameters (user texts, phones) and values echoed by the server. The engine hides
# parameters (`hide_parameters=True`); these catch an error from anywhere else.
#   "[parameters: (...)]" up to SQLAlchemy's "(Background on this error...)" or the end
#   (a parameter may itself contain "]" or a newline);
_SQL_PARAMETERS_RE: Final = re.compile(
    r"\[parameters: .*?(?=\n\(Background on this error|\Z)", re.DOTALL
)
#   string literals inside "[SQL: ...]" (a statement rendered with literal binds);
_SQL_BLOCK_RE: Final = re.compile(r"\[SQL: .*?(?:\]\n|\]\Z|\Z)", re.DOTALL)
_SQL_LITERAL_RE: Final = re.compile(r"'(?:[^']|'')*(?:'|\Z)")
#   asyncpg: "invalid input for query argument $1: <value> (reason)";
_QUERY_ARGUMENT_RE: Final = re.compile(
    r"(invalid input for query argument \$\d+:)[^\n]*?(\s\([^()\n]*\))?(?=\n|\Z)"
)
#   PostgreSQL's DETAIL of a key violation: "Key (column)=(value) already exists."
_KEY_VALUE_RE: Final = re.compile(r"(Key \([^)\n]*\)=\()[^\n]*?(\) (?=[a-z])|\)?(?=\n|\Z))")
_HIDDEN: Final = "<hidden>"


def _mask_sql(text: str) -> str:
    if "[parameters:" in text:
        text = _SQL_PARAMETERS_RE.sub(f"[parameters: {_HIDDEN}]", text)
    if "[SQL:" in text:
        text = _SQL_BLOCK_RE.sub(lambda m: _SQL_LITERAL_RE.sub("'***'", m.group(0)), text)
    if "query argument" in text:
        text = _QUERY_ARGUMENT_RE.sub(rf"\1 {_HIDDEN}\2", text)
    if "Key (" in text:
        text = _KEY_VALUE_RE.sub(rf"\1{_HIDDEN}\2", text)
    return text


@lru_cache(maxsize=8)
def _inline_pair_re(keys: frozenset[str]) -> re.Pattern[str]:
    """`key='value'`, `'key': 'value'`, `"key": "value"`, `key = "value"` inside free text.

    That is how sensitive fields show up in reprs (pydantic/aiogram objects, dicts) and in
    source lines. Quoted values only; an unterminated quote (a truncated repr) runs to
    the end of the string.
    """
    names = "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True))
    return re.compile(
        rf"""(?P<key>(?<![A-Za-z0-9_])['"]?(?:{names})['"]?\s*[=:]\s*)"""
        r"""(?P<q>['"])(?:\\.|(?!(?P=q)).)*(?:(?P=q)|\Z)""",
        re.IGNORECASE | re.DOTALL,
    )


def is_sensitive_key(key: object, keys: frozenset[str] = SENSITIVE_KEYS) -> bool:
    """True when the value stored under `key` must not be logged at all."""
    if not isinstance(key, str):
        return False
    lowered = key.lower()
    return lowered in keys or lowered.endswith(_SENSITIVE_SUFFIXES)


def mask_text(text: str, keys: frozenset[str] = SENSITIVE_KEYS) -> str:
    """Mask phone numbers, bot tokens, `key='value'` pairs of sensitive keys and the values
    SQLAlchemy and the database put into an error's text."""
    if not text:
        return text
    if "[" in text or "Key (" in text or "query argument" in text:
        text = _mask_sql(text)
    if any(ch.isdigit() for ch in text):
        text = _TOKEN_RE.sub(r"\1:***", text)
        text = _PHONE_RE.sub(_PHONE_MASK, text)
    if "=" in text or ":" in text:
        text = _inline_pair_re(keys).sub(r"\g<key>\g<q>***\g<q>", text)
    return text


def redact(value: Any) -> Any:
    """The replacement for a value stored under a sensitive key.

    Strings keep only their length ("<redacted 42 chars>", useful when debugging
    "the text was empty"); `None` stays `None`; anything else becomes "***".
    Idempotent: a redacted value is returned unchanged.
    """
    if value is None:
        return None
    if isinstance(value, str):
        if value in _ALREADY_REDACTED or _REDACTED_MARKER_RE.fullmatch(value):
            return value
        return f"<redacted {len(value)} chars>"
    return _REDACTED


# Values of these types carry no free text and are rendered faithfully as they are.
_SAFE_SCALARS: Final = (
    bool,
    int,
    float,
    decimal.Decimal,
    uuid.UUID,
    _dt.date,
    _dt.time,
    _dt.timedelta,
    PurePath,
)
_MAX_DEPTH: Final = 12


def scrub_value(value: Any, keys: frozenset[str] = SENSITIVE_KEYS, _depth: int = 0) -> Any:
    """Return `value` with sensitive keys redacted and strings masked, recursively.

    Mappings, lists, tuples and sets are rebuilt; numbers, dates, UUIDs are kept as they
    are (ids must stay usable); any other object is replaced by its masked `repr()`,
    which is what the renderers would print anyway.
    """
    if value is None or isinstance(value, _SAFE_SCALARS):
        return value
    if isinstance(value, str):
        if isinstance(value, enum.Enum):
            return value
        return mask_text(value, keys)
    if _depth >= _MAX_DEPTH:
        return "<too deep>"
    if isinstance(value, Mapping):
        return {
            k: redact(v) if is_sensitive_key(k, keys) else scrub_value(v, keys, _depth + 1)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple | set | frozenset):
        items = [scrub_value(v, keys, _depth + 1) for v in value]
        return items if isinstance(value, list | set | frozenset) else tuple(items)
    if isinstance(value, bytes | bytearray):
        return mask_text(bytes(value).decode("utf-8", "replace"), keys)
    if isinstance(value, enum.Enum):
        return value
    return mask_text(repr(value), keys)


def mask_sensitive(logger: WrappedLogger, method_name: str, event_dict: EventDict) -> EventDict:
    """structlog processor: redact sensitive keys, mask phones and tokens in all values.

    Runs twice in the configured pipeline: before the event leaves structlog (so that
    the stdlib record, and Sentry's breadcrumbs made from it, are clean) and in the
    formatter after `format_exc_info` (so that stdlib records and exception text are
    clean too). It is idempotent.
    """
    for key, value in event_dict.items():
        if key in _PASSTHROUGH_KEYS:
            continue
        if is_sensitive_key(key):
            event_dict[key] = redact(value)
        else:
            event_dict[key] = scrub_value(value)
    return event_dict


def _wrap_for_formatter(
    logger: WrappedLogger, method_name: str, event_dict: EventDict
) -> tuple[tuple[EventDict], dict[str, Any]]:
    """`ProcessorFormatter.wrap_for_formatter` that also hands `exc_info` to the stdlib record.

    Without it `log.error("x", exc_info=True)` leaves `record.exc_info` empty and Sentry's
    logging integration reports the error without its traceback. The formatter still
    renders the traceback once (it clears the record's copy, `keep_exc_info=False`).
    """
    args, kwargs = structlog.stdlib.ProcessorFormatter.wrap_for_formatter(
        logger, method_name, event_dict
    )
    exc_info = event_dict.get("exc_info")
    if exc_info:
        kwargs["exc_info"] = exc_info
    return args, kwargs


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]  # generic only in typeshed
    """Writes to whatever `sys.stderr` is at emit time (like `logging.lastResort`).

    Survives stream swaps (pytest's capture, daemon tools) without writing into a
    closed file.
    """

    def __init__(self) -> None:
        logging.Handler.__init__(self)

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:  # StreamHandler.setStream() assigns it
        pass


_HANDLER_NAME: Final = "zavhoz"

# Loggers that are too chatty at INFO. aiogram.event logs one line per update (our
# LogContextMiddleware logs a better one); sqlalchemy.engine at INFO logs every statement
# *with its parameters*, i.e. user texts and phones.
_QUIET_LOGGERS: Final[Mapping[str, int]] = {
    "aiogram.event": logging.WARNING,
    "sqlalchemy.engine": logging.WARNING,
    "sqlalchemy.pool": logging.WARNING,
    "aiohttp.access": logging.WARNING,
}


def _renderer(fmt: LogFormat) -> Processor:
    if fmt is LogFormat.JSON:
        return structlog.processors.JSONRenderer(ensure_ascii=False)
    colors = bool(getattr(sys.stderr, "isatty", lambda: False)())
    return structlog.dev.ConsoleRenderer(colors=colors)


def configure_logging(level: str, fmt: LogFormat | str) -> None:
    """Route structlog and stdlib logging through one masking pipeline to stderr.

    Idempotent: calling it again replaces the handler it installed earlier (other
    handlers on the root logger, e.g. pytest's, are left alone).
    """
    fmt = LogFormat(fmt)
    numeric_level = logging.getLevelNamesMapping()[level.upper()]

    shared: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_logger_name,
        structlog.stdlib.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]

    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *shared,
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.processors.StackInfoRenderer(),
            mask_sensitive,
            _wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        # Module-level `structlog.get_logger()` proxies must follow a later
        # reconfiguration (tests, `python -m bot` after imports); the lookup is cheap.
        cache_logger_on_first_use=False,
    )

    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[*shared, structlog.stdlib.ExtraAdder()],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            mask_sensitive,
            _renderer(fmt),
        ],
    )

    handler = _StderrHandler()
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(formatter)

    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == _HANDLER_NAME]:
        root.removeHandler(old)
        old.close()
    root.addHandler(handler)
    root.setLevel(numeric_level)

    for name, quiet_level in _QUIET_LOGGERS.items():
        effective = quiet_level
        if name == "aiogram.event" and numeric_level <= logging.DEBUG:
            effective = logging.INFO  # "Update id=... is handled" is useful when debugging
        logging.getLogger(name).setLevel(max(effective, numeric_level))
