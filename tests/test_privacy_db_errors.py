"""A database error never carries user text into the logs or to Sentry (issue 13 item 7).

SQLAlchemy appends the statement's parameters to an exception's text
("[parameters: (...)]"), and Sentry collects the local variables of every frame, the
driver's included. The engine hides parameters, and the log and Sentry processors scrub
that shape in case an error comes from somewhere else.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
import sentry_sdk
import structlog
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.logging import mask_text
from bot.sentry import init_sentry
from database.engine import create_engine, create_session_pool
from models import User
from tests.logs_support import RecordingTransport

DSN = "https://public@sentry.example.invalid/1"
SECRET = "Ключ от серверной лежит под ковриком"
log = structlog.get_logger("tests.privacy")


@pytest.fixture
async def app_engine(database_url: str, clean_state: None) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)  # the engine the bot builds
    yield engine
    await engine.dispose()


async def violate_unique_key(engine: AsyncEngine) -> IntegrityError:
    """Insert a second user with the same Telegram id, their name being the secret."""
    pool = create_session_pool(engine)
    async with pool() as session, session.begin():
        session.add(User(telegram_id=555, full_name="first"))
    try:
        async with pool() as session, session.begin():
            session.add(User(telegram_id=555, full_name=SECRET, username="secret_keeper"))
    except IntegrityError as exc:
        return exc
    raise AssertionError("the duplicate was accepted")


async def test_integrity_error_leaves_no_user_text_in_logs_or_sentry(
    app_engine: AsyncEngine,
    transport: RecordingTransport,
    json_logging: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Outside the loop (a thread): the asyncio integration installs itself once per
    # process, and the Sentry test of asyncio tasks needs it on its own loop.
    assert await asyncio.to_thread(init_sentry, DSN, "testing", "zavhoz@test", transport)
    error = await violate_unique_key(app_engine)

    log.error("handler_error", error=type(error).__name__, exc_info=error)
    sentry_sdk.capture_exception(error)
    sentry_sdk.flush()

    err = capsys.readouterr().err
    assert "IntegrityError" in err and "users_telegram_id" in err  # still debuggable
    assert SECRET not in err and "secret_keeper" not in err
    assert transport.events  # the log line made an event (the capture is deduplicated)
    dump = transport.dump()
    assert "IntegrityError" in dump
    assert SECRET not in dump and "secret_keeper" not in dump


@pytest.mark.parametrize(
    "text",
    [
        "(IntegrityError) duplicate key\n[SQL: INSERT INTO users (full_name) VALUES ($1)]\n"
        f"[parameters: ('{SECRET}', 'x')]\n(Background on this error at: https://sqlalche.me)",
        f"boom [parameters: ('{SECRET}]\n', 3)]",
        f"[SQL: SELECT 1 WHERE name = '{SECRET}']",
        f"invalid input for query argument $1: '{SECRET}' (expected int)",
        f"DETAIL:  Key (full_name)=({SECRET}) already exists.",
    ],
)
def test_the_shapes_of_sqlalchemy_and_driver_errors_are_scrubbed(text: str) -> None:
    masked = mask_text(text)
    assert SECRET not in masked
