"""The logging pipeline: what an operator reads on stderr, and what never gets there."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
import structlog

from bot.logging import configure_logging, mask_sensitive, mask_text
from bot.settings import LogFormat

BOT_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw5"
TOKEN_SECRET = BOT_TOKEN.split(":")[1]

PHONES = [
    "+7 912 345-67-89",
    "+7 (912) 345-67-89",
    "+79123456789",
    "8(912)3456789",
    "8 (912) 345 67 89",
    "8-912-345-67-89",
    "89123456789",
    "79123456789",
    "8 800 555-35-35",
    "+44 20 7946 0958",
    "+1 (555) 123-4567",
    "+380 44 123 4567",
]

# Things that look numeric but are not phones: they must reach the log unchanged.
NOT_PHONES = [
    "user 123456789 pressed a button",  # Telegram user id (9 digits)
    "user 8123456789 pressed a button",  # newer user id: 10 digits, starts with 8
    "user 7012345678 pressed a button",  # ... or with 7
    "update 987654321 handled",
    "chat -1001234567890 (supergroup)",
    "заявка #1234 создана",
    "request 78 moved to in_progress",
    "ts=1714567890 ms=1714567890123",
    "at 2024-05-01T12:34:56.789+03:00",
    "took 0.89123456789 s",
    "took 1234.5 ms",
    "file AgACAgIAAxkBAAIBY2ZkX89123456789_QAC",
    "trace 8912345678912345a7c0e4f1d2b3c4d5",
    "uuid 89123456-7890-4abc-8def-0123456789ab",
    "period 2024-01-01..2024-12-31, 8 rows",
    "export is 10485760000 bytes",  # 11 digits, but not starting with 7 or 8
    "id 71234567890",  # 7 + an area code starting with 1: not a Russian number
]


def run(event_dict: dict[str, Any]) -> dict[str, Any]:
    return dict(mask_sensitive(None, "info", event_dict))


# --- the processor on its own --------------------------------------------------------


@pytest.mark.parametrize("phone", PHONES)
def test_phone_is_masked_in_the_message_and_in_values(phone: str) -> None:
    out = run({"event": f"Позвоните {phone}, пожалуйста", "note": f"тел.: {phone}"})

    assert phone not in out["event"]
    assert phone not in out["note"]
    assert out["event"].startswith("Позвоните ")
    assert out["event"].endswith(", пожалуйста")
    assert "9123456789" not in json.dumps(out)


@pytest.mark.parametrize("text", NOT_PHONES)
def test_ids_timestamps_and_durations_survive(text: str) -> None:
    assert run({"event": text})["event"] == text


def test_numbers_are_never_touched() -> None:
    out = run(
        {
            "event": "update",
            "user_id": 89123456789,  # an int under a non-sensitive key stays an int
            "update_id": 987654321,
            "chat_id": -1001234567890,
            "duration_ms": 12.5,
            "request_id": 1234,
            "ok": True,
        }
    )
    assert out == {
        "event": "update",
        "user_id": 89123456789,
        "update_id": 987654321,
        "chat_id": -1001234567890,
        "duration_ms": 12.5,
        "request_id": 1234,
        "ok": True,
    }


def test_bot_token_secret_is_masked_everywhere_and_the_bot_id_kept() -> None:
    url = f"https://api.telegram.org/bot{BOT_TOKEN}/sendMessage"
    out = run(
        {
            "event": f"request to {url} failed",
            "context": {"urls": [url], "note": f"token={BOT_TOKEN}"},
        }
    )

    dumped = json.dumps(out)
    assert TOKEN_SECRET not in dumped
    assert out["event"] == "request to https://api.telegram.org/bot123456789:***/sendMessage failed"
    assert out["context"]["note"] == "token=123456789:***"


@pytest.mark.parametrize(
    "key",
    [
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
        "Text",  # case does not matter
        "webhook_secret",  # neither do prefixes of secret-like names
        "sentry_dsn",
    ],
)
def test_sensitive_keys_are_redacted_whatever_the_value(key: str) -> None:
    value = "Течёт кран в кабинете 214"
    out = run({"event": "x", key: value})
    assert out[key] == f"<redacted {len(value)} chars>"


def test_sensitive_non_string_values_become_stars_and_none_stays_none() -> None:
    out = run({"event": "x", "token": {"value": "abc"}, "comment": ["a", "b"], "caption": None})
    assert out["token"] == "***"
    assert out["comment"] == "***"
    assert out["caption"] is None


def test_nested_structures_are_scrubbed() -> None:
    out = run(
        {
            "event": "bulk",
            "payload": {
                "request": {"id": 7, "description": "Сломан стул", "status": "new"},
                "comments": [
                    {"author_id": 123456789, "text": "перезвоните"},
                    ("note", "звонить на +7 912 345-67-89"),
                ],
            },
        }
    )

    payload = out["payload"]
    assert payload["request"] == {"id": 7, "description": "<redacted 11 chars>", "status": "new"}
    assert payload["comments"][0] == {"author_id": 123456789, "text": "<redacted 11 chars>"}
    assert payload["comments"][1] == ("note", "звонить на <phone>")


def test_reprs_of_objects_are_masked() -> None:
    @dataclass
    class Contact:
        user_id: int
        phone_number: str
        first_name: str

    out = run({"event": "x", "who": Contact(123456789, "+79123456789", "Аграфена")})

    assert "+79123456789" not in out["who"]
    assert "Аграфена" not in out["who"]
    assert "user_id=123456789" in out["who"]


def test_masking_is_idempotent() -> None:
    once = run({"event": "call +7 912 345-67-89", "text": "hello", "token": BOT_TOKEN})
    twice = run(dict(once))
    assert twice == once
    assert once["text"] == "<redacted 5 chars>"


def test_quoted_sensitive_fields_inside_free_text_are_masked() -> None:
    text = "TelegramBadRequest(method=SendMessage(chat_id=42, text='Течёт кран'), message='Bad')"
    masked = mask_text(text)
    assert "Течёт" not in masked
    assert "chat_id=42" in masked
    assert "message='Bad'" in masked  # "message" is the error text, not a user's message


def test_exc_info_is_left_for_the_exception_formatter() -> None:
    exc = ValueError("x")
    assert run({"event": "x", "exc_info": exc})["exc_info"] is exc


# --- the configured pipeline ---------------------------------------------------------


def json_lines(err: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in err.splitlines() if line.strip()]


@pytest.mark.usefixtures("json_logging")
def test_stdlib_record_comes_out_as_json_with_the_token_masked(
    capsys: pytest.CaptureFixture[str],
) -> None:
    logging.getLogger("aiogram.dispatcher").info(
        "Failed to fetch updates - TelegramNetworkError: HTTP Client says - "
        "https://api.telegram.org/bot%s/getUpdates timed out",
        BOT_TOKEN,
    )

    err = capsys.readouterr().err
    assert TOKEN_SECRET not in err
    [line] = json_lines(err)
    assert line["logger"] == "aiogram.dispatcher"
    assert line["level"] == "info"
    assert "bot123456789:***/getUpdates" in line["event"]
    stamp = datetime.fromisoformat(line["timestamp"])
    assert stamp.utcoffset() == UTC.utcoffset(None)


@pytest.mark.usefixtures("json_logging")
def test_structlog_event_masks_text_and_keeps_ids(capsys: pytest.CaptureFixture[str]) -> None:
    log = structlog.get_logger("handlers.comments")

    log.info("comment_added", text="Позвоните +7 912 345-67-89", request_id=42)

    err = capsys.readouterr().err
    assert "+7 912 345-67-89" not in err
    assert "Позвоните" not in err
    [line] = json_lines(err)
    assert line["event"] == "comment_added"
    assert line["text"] == "<redacted 26 chars>"
    assert line["request_id"] == 42
    assert line["logger"] == "handlers.comments"
    assert line["level"] == "info"


@pytest.mark.usefixtures("json_logging")
def test_bound_context_is_on_every_line_including_stdlib_ones(
    capsys: pytest.CaptureFixture[str],
) -> None:
    log = structlog.get_logger("bot.updates")

    with structlog.contextvars.bound_contextvars(update_id=987654321, user_id=123456789):
        log.info("update", type="message")
        logging.getLogger("aiogram.dispatcher").warning("handler is slow")
        logging.getLogger("sqlalchemy.engine").warning("connection invalidated")
    log.info("outside")

    lines = json_lines(capsys.readouterr().err)
    assert [line["event"] for line in lines] == [
        "update",
        "handler is slow",
        "connection invalidated",
        "outside",
    ]
    for line in lines[:3]:
        assert line["update_id"] == 987654321
        assert line["user_id"] == 123456789
    assert "update_id" not in lines[3]


@pytest.mark.usefixtures("json_logging")
def test_exception_text_is_masked_for_structlog_and_stdlib(
    capsys: pytest.CaptureFixture[str],
) -> None:
    log = structlog.get_logger("bot.sender")

    try:
        raise ValueError("cannot reach +7 912 345-67-89 with token " + BOT_TOKEN)
    except ValueError:
        log.exception("send_failed", chat_id=42)
        logging.getLogger("aiogram.event").exception("Cause exception while process update")

    err = capsys.readouterr().err
    assert "345-67-89" not in err
    assert TOKEN_SECRET not in err
    first, second = json_lines(err)
    assert first["event"] == "send_failed"
    assert first["chat_id"] == 42
    assert first["level"] == "error"
    for line in (first, second):
        assert "Traceback (most recent call last)" in line["exception"]
        assert "ValueError: cannot reach <phone> with token 123456789:***" in line["exception"]


@pytest.mark.usefixtures("json_logging")
def test_stdlib_args_and_extra_are_masked(capsys: pytest.CaptureFixture[str]) -> None:

    logging.getLogger("bot.legacy").warning(
        "contact from %s: %s",
        "+79123456789",
        "hello",
        extra={"phone_number": "+79123456789", "request_id": 7},
    )

    err = capsys.readouterr().err
    assert "9123456789" not in err
    [line] = json_lines(err)
    assert line["event"] == "contact from <phone>: hello"
    assert line["phone_number"] == "<redacted 12 chars>"
    assert line["request_id"] == 7


@pytest.mark.usefixtures("logging_state")
def test_configuring_twice_does_not_duplicate_lines(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO", LogFormat.CONSOLE)
    configure_logging("INFO", LogFormat.JSON)

    structlog.get_logger("x").info("once")
    logging.getLogger("alembic.runtime.migration").info("Running upgrade  -> 0001")

    lines = json_lines(capsys.readouterr().err)
    assert [line["event"] for line in lines] == ["once", "Running upgrade  -> 0001"]
    zavhoz = [h for h in logging.getLogger().handlers if h.get_name() == "zavhoz"]
    assert len(zavhoz) == 1


@pytest.mark.usefixtures("logging_state")
@pytest.mark.parametrize(
    ("level", "emitted", "kept"),
    [
        pytest.param(
            "INFO",
            [
                ("aiogram.event", "info", "Update id=1 is handled. Duration 3 ms by bot id=1"),
                ("sqlalchemy.engine.Engine", "info", "SELECT users.phone FROM users"),
                ("aiogram.event", "warning", "Update id=2 is not handled"),
                (None, "debug", "debug_detail"),
            ],
            ["Update id=2 is not handled"],
            id="noisy-loggers-quieted",
        ),
        pytest.param(
            "warning",
            [
                (None, "info", "info_event"),
                ("aiogram.dispatcher", "info", "Start polling"),
                (None, "warning", "warning_event"),
            ],
            ["warning_event"],
            id="warning-drops-info-from-both-worlds",
        ),
    ],
)
def test_noisy_loggers_are_quieted_and_level_is_honoured(
    level: str,
    emitted: list[tuple[str | None, str, str]],
    kept: list[str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Each line is logged by a stdlib logger of that name, or (None) by structlog."""
    configure_logging(level, LogFormat.JSON)

    for name, method, event in emitted:
        logger = structlog.get_logger("x") if name is None else logging.getLogger(name)
        getattr(logger, method)(event)

    events = [line["event"] for line in json_lines(capsys.readouterr().err)]
    assert events == kept


@pytest.mark.usefixtures("logging_state")
def test_console_format_is_human_readable_and_masked(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO", "console")

    with structlog.contextvars.bound_contextvars(update_id=5):
        structlog.get_logger("x").info("contact_shared", phone="+79123456789", request_id=3)
        logging.getLogger("aiogram.dispatcher").info("Run polling for bot @zavhoz_bot")

    err = capsys.readouterr().err
    lines = err.splitlines()
    assert len(lines) == 2
    assert "contact_shared" in lines[0]
    assert "request_id=3" in lines[0]
    assert "update_id=5" in lines[0]
    assert "Run polling for bot @zavhoz_bot" in lines[1]
    assert "update_id=5" in lines[1]
    assert "9123456789" not in err
    with pytest.raises(json.JSONDecodeError):
        json.loads(lines[0])
