"""What an operator sees of the updates: log lines, metrics and Sentry events."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import sentry_sdk
import structlog
from aiogram.exceptions import TelegramForbiddenError, TelegramRetryAfter
from aiogram.methods import AnswerCallbackQuery, SendMessage
from aiogram.types import Chat
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.dispatcher import build_dispatcher
from bot.logging import configure_logging
from bot.metrics import (
    Metrics,
    TelegramErrorCounter,
    count_created_requests,
    refresh_gauges,
)
from bot.sentry import init_sentry
from bot.settings import LogFormat
from database.engine import create_session_pool
from models import (
    OutboxMessage,
    OutboxStatus,
    Priority,
    Request,
    RequestStatus,
    Role,
    User,
    utcnow,
)
from tests.conftest import OTHER_TEACHER, TEACHER, Harness
from tests.logs_support import RecordingTransport, recording_sentry
from tests.updates import Person, command, message, press
from utils.callbacks import LanguageCb

PHONE = "+7 912 345-67-89"
TEXT = f"Течёт кран в 214, звоните {PHONE}"


@pytest.fixture
def json_logs(capsys: pytest.CaptureFixture[str], logging_state: None) -> Iterator[Any]:
    """The JSON log lines the bot writes during the test (DEBUG: everything)."""
    configure_logging("DEBUG", LogFormat.JSON)
    capsys.readouterr()

    def read() -> tuple[str, list[dict[str, Any]]]:
        err = capsys.readouterr().err
        return err, [json.loads(line) for line in err.splitlines() if line.startswith("{")]

    yield read


@pytest.fixture
def metrics(harness: Harness) -> Metrics:
    """The harness's dispatcher, rebuilt with metrics as the composition root does."""
    m = Metrics(process=False)
    harness.dp = build_dispatcher(
        harness.settings,
        session_pool=harness.session_pool,
        catalogue=harness.catalogue,
        redis=harness.redis,
        metrics=m,
    )
    return m


@pytest.fixture
def sentry() -> Iterator[RecordingTransport]:
    with recording_sentry() as recording:
        init_sentry("https://public@sentry.example.invalid/1", "testing", transport=recording)
        yield recording


def value(metrics: Metrics, name: str, **labels: str) -> float:
    return metrics.registry.get_sample_value(name, labels) or 0.0


async def test_one_line_per_update_with_ids_handler_and_no_text_or_phone(
    harness: Harness, metrics: Metrics, json_logs: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from handlers import fallback

    def menu_that_logs(*args: Any, **kwargs: Any) -> Any:
        # Lines logged inside a handler, by our code and by a library's stdlib logger.
        structlog.get_logger("handlers.fallback").info("hint_shown")
        logging.getLogger("sqlalchemy.pool").warning("connection recycled")
        return original_menu(*args, **kwargs)

    original_menu = fallback.main_menu
    monkeypatch.setattr(fallback, "main_menu", menu_that_logs)
    start = command(TEACHER, "/start")
    chatter = message(TEACHER, TEXT)
    await harness.feed(start, chatter)
    harness.pop(SendMessage)
    harness.pop(SendMessage)

    err, lines = json_logs()
    updates = [line for line in lines if line["event"] == "update"]
    assert [(u["update_id"], u["handler"], u["outcome"]) for u in updates] == [
        (start.update_id, "common.start", "handled"),
        (chatter.update_id, "fallback.unknown_message", "handled"),
    ]
    for line in updates:
        assert line["user_id"] == TEACHER.id
        assert line["type"] == "message"
        assert isinstance(line["duration_ms"], float)
    # Lines logged inside the handler carry the update's ids and the handler.
    inside = [line for line in lines if line["event"] in ("hint_shown", "connection recycled")]
    assert [line["logger"] for line in inside] == ["handlers.fallback", "sqlalchemy.pool"]
    for line in inside:
        assert line["update_id"] == chatter.update_id
        assert line["user_id"] == TEACHER.id
        assert line["handler"] == "fallback.unknown_message"
    assert PHONE not in err
    assert "Течёт" not in err
    assert TEACHER.last_name not in err  # type: ignore[operator]
    assert harness.settings.bot_token.get_secret_value().split(":")[1] not in err


async def test_metrics_count_updates_by_type_and_handler(
    harness: Harness, metrics: Metrics
) -> None:
    await harness.feed(
        command(TEACHER, "/start"),
        command(TEACHER, "/language"),
        press(TEACHER, LanguageCb(code="en")),
        message(TEACHER, "привет", chat=Chat(id=-100_123, type="supergroup", title="Staff")),
    )
    harness.pop(SendMessage)
    harness.pop(SendMessage)
    harness.pop(AnswerCallbackQuery)
    harness.pop(SendMessage)

    assert value(metrics, "updates_total", type="message", handler="common.start") == 1
    assert value(metrics, "updates_total", type="message", handler="common.language") == 1
    assert (
        value(metrics, "updates_total", type="callback_query", handler="common.language_chosen")
        == 1
    )
    assert value(metrics, "updates_total", type="message", handler="none") == 1  # a group chat
    assert value(metrics, "handler_latency_seconds_count", handler="common.start") == 1
    assert value(metrics, "handler_latency_seconds_sum", handler="common.start") > 0
    assert value(metrics, "errors_total", type="RuntimeError") == 0


async def test_refused_updates_are_counted(harness: Harness) -> None:
    metrics = Metrics(process=False)
    harness.dp = build_dispatcher(
        harness.settings.model_copy(update={"rate_limit_burst": 1, "rate_limit_per_second": 0.01}),
        session_pool=harness.session_pool,
        catalogue=harness.catalogue,
        redis=harness.redis,
        metrics=metrics,
    )
    await harness.feed(command(TEACHER, "/help"), command(TEACHER, "/help"))
    harness.pop(SendMessage)  # the help
    slow_down = harness.pop(SendMessage)
    assert slow_down.text == harness.catalogue.get("ru", "throttled")

    assert value(metrics, "rate_limit_refusals_total") == 1
    assert value(metrics, "updates_total", type="message", handler="common.help_") == 1
    assert value(metrics, "updates_total", type="message", handler="none") == 1


async def test_handler_error_apology_log_metrics_and_scrubbed_sentry_event(
    harness: Harness,
    metrics: Metrics,
    json_logs: Any,
    sentry: RecordingTransport,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError(f"cannot save the language, call {PHONE}")

    monkeypatch.setattr("handlers.common.set_language", broken)
    pressed = press(OTHER_TEACHER, LanguageCb(code="ru"))

    await harness.feed(pressed)

    alert = harness.pop(AnswerCallbackQuery)
    assert alert.show_alert
    assert alert.text == harness.catalogue.get("en", "error-generic")  # the user's language
    assert value(metrics, "errors_total", type="RuntimeError") == 1
    assert (
        value(metrics, "updates_total", type="callback_query", handler="common.language_chosen")
        == 1
    )

    err, lines = json_logs()
    [error_line] = [line for line in lines if line["event"] == "handler_error"]
    assert error_line["update_id"] == pressed.update_id
    assert error_line["user_id"] == OTHER_TEACHER.id
    assert error_line["handler"] == "common.language_chosen"
    assert "RuntimeError: cannot save the language, call <phone>" in error_line["exception"]
    [update_line] = [line for line in lines if line["event"] == "update"]
    assert update_line["outcome"] == "error"
    assert update_line["error"] == "RuntimeError"
    assert PHONE not in err

    sentry_sdk.flush()
    [event] = sentry.events
    assert event["user"] == {"id": OTHER_TEACHER.id}
    assert event["tags"]["update_id"] == str(pressed.update_id)
    assert event["tags"]["handler"] == "common.language_chosen"
    assert event["environment"] == "testing"
    assert event["release"].startswith("zavhoz@")
    [exc] = event["exception"]["values"]
    assert exc["type"] == "RuntimeError"
    dump = sentry.dump()
    for secret in (PHONE, "9123456789", OTHER_TEACHER.first_name, OTHER_TEACHER.username):
        assert secret not in dump  # type: ignore[operator]


async def test_telegram_api_errors_are_counted_by_code(harness: Harness) -> None:
    metrics = Metrics(process=False)
    harness.bot.session.middleware(TelegramErrorCounter(metrics))
    send = SendMessage(chat_id=TEACHER.id, text="x")
    harness.api.fail_next(SendMessage, TelegramForbiddenError(method=send, message="blocked"))
    harness.api.fail_next(
        SendMessage, TelegramRetryAfter(method=send, message="flood", retry_after=3)
    )
    for _ in range(2):
        with pytest.raises((TelegramForbiddenError, TelegramRetryAfter)):
            await harness.bot(send)
    await harness.bot(send)
    harness.pop(SendMessage)

    assert value(metrics, "telegram_api_errors_total", code="403") == 1
    assert value(metrics, "telegram_api_errors_total", code="429") == 1


async def new_author(pool: async_sessionmaker[AsyncSession], person: Person) -> int:
    async with pool() as session, session.begin():
        user = User(telegram_id=person.id, full_name=person.first_name, role=Role.USER)
        session.add(user)
    return user.id


def a_request(author_id: int, status: RequestStatus = RequestStatus.NEW) -> Request:
    return Request(
        author_id=author_id,
        category_id=1,
        location="каб. 12",
        description="Течёт кран",
        priority=Priority.NORMAL,
        status=status,
    )


async def test_created_requests_are_counted_when_committed(
    engine: AsyncEngine, db: async_sessionmaker[AsyncSession]
) -> None:
    metrics = Metrics(process=False)
    pool = create_session_pool(engine)
    count_created_requests(pool, metrics)
    author_id = await new_author(pool, TEACHER)

    async with pool() as session, session.begin():
        session.add_all([a_request(author_id), a_request(author_id)])
    assert value(metrics, "requests_created_total") == 2

    async with pool() as session, session.begin():
        session.add(a_request(author_id))
        await session.flush()
        await session.rollback()
    assert value(metrics, "requests_created_total") == 2  # rolled back: not created

    async with pool() as session, session.begin():
        await session.execute(
            insert(Request).values(
                author_id=author_id,
                category_id=1,
                location="спортзал",
                description="Лампа",
                priority=Priority.LOW,
            )
        )
    assert value(metrics, "requests_created_total") == 3

    async with db() as session, session.begin():  # another pool: not this process's metrics
        session.add(a_request(author_id))
    assert value(metrics, "requests_created_total") == 3


async def test_gauges_are_refreshed_from_the_database(db: async_sessionmaker[AsyncSession]) -> None:
    metrics = Metrics(process=False)
    author_id = await new_author(db, TEACHER)
    async with db() as session, session.begin():
        session.add_all(
            [
                a_request(author_id),
                a_request(author_id),
                a_request(author_id, RequestStatus.IN_PROGRESS),
            ]
        )
        late = a_request(author_id)
        late.due_at = utcnow() - timedelta(hours=1)  # past its deadline: an SLA breach
        session.add(late)
        for status in (OutboxStatus.PENDING, OutboxStatus.FAILED, OutboxStatus.SENT):
            session.add(
                OutboxMessage(chat_id=TEACHER.id, method="sendMessage", payload={}, status=status)
            )
        session.add(OutboxMessage(chat_id=TEACHER.id, method="sendMessage", payload={}))

    await refresh_gauges(metrics, db)

    assert value(metrics, "requests_by_status", status="new") == 3
    assert value(metrics, "requests_by_status", status="in_progress") == 1
    assert value(metrics, "requests_overdue") == 1
    assert value(metrics, "requests_by_status", status="closed") == 0
    assert value(metrics, "outbox_pending") == 2
    assert value(metrics, "outbox_failed") == 1
