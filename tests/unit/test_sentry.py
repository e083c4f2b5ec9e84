"""What reaches Sentry: the error, its context and the user's id, and no personal data."""

from __future__ import annotations

import asyncio
import importlib.metadata
import json
import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast

import pytest
import sentry_sdk
import structlog
from aiogram.types import Chat, Contact, Message, User

from bot.sentry import bind_update_context, get_release, init_sentry, scrub_event
from tests.logs_support import RecordingTransport

if TYPE_CHECKING:
    from sentry_sdk.types import Event

DSN = "https://public@sentry.example.invalid/1"

# Personal data, defined far from the code under test so that Sentry's source context
# (a few lines around each frame) cannot contain it by accident.
PHONE = "+7 912 345-67-89"
PHONE_DIGITS = "9123456789"
TEXT = "Течёт кран в кабинете 214, срочно"
FIRST_NAME = "Аграфена"
LAST_NAME = "Петрова"
USERNAME = "agrafena_teacher"
BOT_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw5"
SECRETS = [PHONE, PHONE_DIGITS, TEXT, "Течёт кран", FIRST_NAME, LAST_NAME, USERNAME]
TOKEN_SECRET = BOT_TOKEN.split(":")[1]


@pytest.fixture
def sentry(transport: RecordingTransport, json_logging: None) -> RecordingTransport:
    """Sentry on, after configure_logging(): what the logs send it lands in `transport`."""
    init_sentry(DSN, "testing", transport=transport)
    return transport


def a_message() -> Message:
    user = User(
        id=42,
        is_bot=False,
        first_name=FIRST_NAME,
        last_name=LAST_NAME,
        username=USERNAME,
    )
    return Message(
        message_id=7,
        date=datetime(2024, 5, 1, 9, 30, tzinfo=UTC),
        chat=Chat(id=42, type="private", first_name=FIRST_NAME, username=USERNAME),
        from_user=user,
        text=TEXT,
        contact=Contact(phone_number=PHONE, first_name=FIRST_NAME, user_id=42),
    )


def handle_contact(message: Message, request_id: int) -> None:
    assert message.contact is not None
    phone = message.contact.phone_number
    text = message.text
    note = f"перезвонить по номеру {phone}"
    raise RuntimeError(f"cannot create request {request_id} ({len(text or '')} chars): {note}")


def assert_no_personal_data(dump: str) -> None:
    for secret in SECRETS:
        assert secret not in dump, secret
    assert TOKEN_SECRET not in dump


def test_without_dsn_sentry_stays_off() -> None:
    assert init_sentry(None, "production", "zavhoz@1.0.0") is False
    assert init_sentry("", "production") is False
    assert not sentry_sdk.get_client().is_active()


def test_exception_event_keeps_the_user_id_and_nothing_personal(
    transport: RecordingTransport,
) -> None:
    assert init_sentry(DSN, "testing", "zavhoz@9.9.9", transport=transport) is True
    assert sentry_sdk.get_client().should_send_default_pii() is False
    sentry_sdk.set_user({"id": 42, "username": USERNAME, "first_name": FIRST_NAME})
    sentry_sdk.set_extra("last_message", {"text": TEXT, "chat_id": 42})
    sentry_sdk.add_breadcrumb(category="handler", message=f"got contact {PHONE}")

    try:
        handle_contact(a_message(), request_id=1234)
    except RuntimeError:
        sentry_sdk.capture_exception()
    sentry_sdk.flush()

    [event] = transport.events
    assert event["user"] == {"id": 42}
    assert event["release"] == "zavhoz@9.9.9"
    assert event["environment"] == "testing"
    assert_no_personal_data(transport.dump())

    # What is needed to debug survives: the type, the ids, the frames.
    [exc] = event["exception"]["values"]
    assert exc["type"] == "RuntimeError"
    assert exc["value"] == "cannot create request 1234 (33 chars): перезвонить по номеру <phone>"
    frame = exc["stacktrace"]["frames"][-1]
    assert frame["function"] == "handle_contact"
    assert frame["vars"]["request_id"] == "1234"
    assert frame["vars"]["phone"].startswith("<redacted")
    assert frame["vars"]["text"].startswith("<redacted")
    assert "message_id=7" in frame["vars"]["message"]
    assert event["extra"]["last_message"]["chat_id"] == 42


def test_stdlib_error_log_becomes_a_masked_event_with_masked_breadcrumbs(
    sentry: RecordingTransport,
) -> None:
    log = logging.getLogger("aiogram.dispatcher")

    log.info("contact from %s", PHONE)  # INFO (let through by configure_logging): a breadcrumb
    log.error("Failed to send to %s via bot%s", PHONE, BOT_TOKEN)
    sentry_sdk.flush()

    [event] = sentry.events
    assert event["level"] == "error"
    assert event["logger"] == "aiogram.dispatcher"
    assert "bot123456789:***" in event["logentry"]["formatted"]
    crumbs = event["breadcrumbs"]["values"]
    assert any(c.get("message") == "contact from <phone>" for c in crumbs)
    assert_no_personal_data(sentry.dump())


def test_structlog_error_is_titled_by_its_event_name_and_keeps_the_traceback(
    sentry: RecordingTransport,
) -> None:
    log = structlog.get_logger("bot.sender")

    log.info("outbox_picked", request_id=1234)  # becomes a breadcrumb
    try:
        raise ConnectionError(f"peer reset while sending to {PHONE}")
    except ConnectionError as exc:
        log.error("outbox_send_failed", text=TEXT, chat_id=42, exc_info=exc)
    sentry_sdk.flush()

    [event] = sentry.events
    # One issue per event name, not one per timestamp.
    assert event["logentry"]["message"] == "outbox_send_failed"
    assert event["extra"]["chat_id"] == 42
    assert event["extra"]["text"].startswith("<redacted")
    [exc_value] = event["exception"]["values"]
    assert exc_value["type"] == "ConnectionError"
    assert exc_value["value"] == "peer reset while sending to <phone>"
    crumb = next(c for c in event["breadcrumbs"]["values"] if c["category"] == "bot.sender")
    assert crumb["message"] == "outbox_picked"
    assert crumb["data"]["request_id"] == 1234
    assert_no_personal_data(sentry.dump())


def test_bind_update_context_tags_the_event(transport: RecordingTransport) -> None:
    init_sentry(DSN, "testing", transport=transport)

    with sentry_sdk.isolation_scope():
        bind_update_context(update_id=987654321, user_id=42, handler="create_request")
        sentry_sdk.capture_message("handler failed")
    sentry_sdk.capture_message("outside the update")
    sentry_sdk.flush()

    inside, outside = transport.events
    assert inside["tags"]["update_id"] == "987654321"
    assert inside["tags"]["handler"] == "create_request"
    assert inside["user"] == {"id": 42}
    assert "update_id" not in outside.get("tags", {})
    assert "user" not in outside


def test_bind_update_context_is_a_no_op_while_sentry_is_off(
    transport: RecordingTransport,
) -> None:
    bind_update_context(update_id=1, user_id=42, handler="start")  # Sentry not started yet

    init_sentry(DSN, "testing", transport=transport)
    sentry_sdk.capture_message("later")
    sentry_sdk.flush()

    [event] = transport.events
    assert "user" not in event
    assert "handler" not in event.get("tags", {})


def test_exception_in_an_asyncio_task_is_reported_scrubbed(
    transport: RecordingTransport,
) -> None:
    async def failing_task() -> None:
        text = TEXT
        raise ValueError(f"bad input from {PHONE} ({len(text)} chars)")

    async def main() -> None:
        init_sentry(DSN, "testing", transport=transport)  # inside the loop, as in production
        task = asyncio.create_task(failing_task())
        await asyncio.wait([task])
        assert isinstance(task.exception(), ValueError)  # retrieved: asyncio logs nothing

    # A private loop: the asyncio integration patches the loop it runs in.
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(main())
    finally:
        loop.close()
    sentry_sdk.flush()

    [event] = transport.events
    [exc] = event["exception"]["values"]
    assert exc["type"] == "ValueError"
    assert exc["mechanism"]["type"] == "asyncio"
    assert_no_personal_data(transport.dump())


def test_scrub_event_cleans_every_section() -> None:
    update = {"message": {"text": TEXT, "from": {"id": 42, "first_name": FIRST_NAME}}}
    event: dict[str, Any] = {
        "user": {"id": 42, "username": USERNAME, "ip_address": "10.0.0.1", "email": "a@b.c"},
        "request": {
            "url": f"https://bot.example/telegram/webhook/{BOT_TOKEN}",
            "method": "POST",
            "data": update,
            "headers": {"X-Telegram-Bot-Api-Secret-Token": "s3cr3t", "Content-Type": "json"},
        },
        "extra": {"update": update, "phone_number": PHONE},
        "contexts": {"telegram": {"chat_id": -1001234567890, "caption": TEXT}},
        "breadcrumbs": {"values": [{"message": f"call {PHONE}", "data": {"full_name": "X"}}]},
        "threads": {
            "values": [{"stacktrace": {"frames": [{"vars": {"comment": TEXT, "n": "3"}}]}}]
        },
        "message": f"sender username='{USERNAME}' phone {PHONE}",
        "tags": {"handler": "create_request", "update_id": "987654321"},
    }

    scrubbed = scrub_event(cast("Event", event), {})
    assert scrubbed is not None
    out = cast(dict[str, Any], scrubbed)

    assert out["user"] == {"id": 42}
    assert out["request"]["data"] == "[Filtered]"
    assert TOKEN_SECRET not in out["request"]["url"]
    assert out["request"]["headers"]["X-Telegram-Bot-Api-Secret-Token"].startswith("<redacted")
    assert out["request"]["headers"]["Content-Type"] == "json"
    assert out["contexts"]["telegram"]["chat_id"] == -1001234567890
    assert out["tags"] == {"handler": "create_request", "update_id": "987654321"}
    assert out["threads"]["values"][0]["stacktrace"]["frames"][0]["vars"]["n"] == "3"
    dump = json.dumps(out, ensure_ascii=False)
    assert "s3cr3t" not in dump
    assert_no_personal_data(dump)
    assert out["message"] == "sender username='***' phone <phone>"


def test_event_without_user_id_loses_the_user_entirely() -> None:
    out = scrub_event(cast("Event", {"user": {"username": USERNAME, "ip_address": "10.0.0.1"}}), {})
    assert out is not None
    assert "user" not in out


def test_release_comes_from_the_installed_package(monkeypatch: pytest.MonkeyPatch) -> None:
    assert get_release() == f"zavhoz@{importlib.metadata.version('zavhoz')}"

    def not_installed(name: str) -> str:
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "version", not_installed)
    assert get_release() == "zavhoz@0.0.0"
