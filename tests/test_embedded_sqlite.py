"""The embedded default — SQLite, no Redis — carries a request's whole life.

`make run` with only BOT_TOKEN uses this setup, so it gets more than a /start smoke test:
the production dispatcher on a migrated SQLite file with in-memory dialog state files a
request, notifies the admin, takes it, finishes it and has the author confirm it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage, TelegramMethod
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from database import migrate
from database.engine import create_engine, create_session_pool
from models import Action, Request, RequestStatus, StatusChange
from models.queues import Queue
from tests.conftest import ADMIN, TEACHER, Harness, make_settings
from tests.test_new_request import fill_to_summary, submit
from tests.updates import message, press
from utils.callbacks import FinishSubmitCb, QueueCb, RequestActionCb
from utils.i18n import Catalogue


@pytest.fixture
async def sqlite_pool(tmp_path: Path) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    url = f"sqlite+aiosqlite:///{tmp_path}/data/zavhoz.sqlite3"
    await migrate.upgrade_async(url)
    engine = create_engine(url)
    yield create_session_pool(engine)
    await engine.dispose()


def texts(calls: list[TelegramMethod[object]]) -> list[str]:
    return [getattr(c, "text", None) or "" for c in calls]


async def test_a_request_from_filing_to_closing(
    sqlite_pool: async_sessionmaker[AsyncSession], catalogue: Catalogue
) -> None:
    settings = make_settings("sqlite+aiosqlite://", redis_url=None)
    harness = Harness(
        settings=settings,
        session_pool=sqlite_pool,
        catalogue=catalogue,
        redis=None,  # type: ignore[arg-type]  # the embedded default has no Redis
    )
    await harness.feed(message(ADMIN, "/start"))
    harness.pop(SendMessage)

    summary = await fill_to_summary(harness, TEACHER, location="Каб. 301")
    assert "Каб. 301" in summary.text
    answer = await submit(harness, summary, TEACHER)
    assert "#1" in (answer.text or "")
    harness.pop_all()  # the "registered" card
    await harness.deliver_outbox()
    to_admin = [c for c in harness.pop_all() if getattr(c, "chat_id", None) == ADMIN.id]
    assert any("Заявка #1" in t for t in texts(to_admin))  # the staff card arrived

    # The admin finds it in the New queue (the SQLite search/queue path) and takes it.
    await harness.feed(press(ADMIN, QueueCb(q=Queue.NEW)))
    harness.pop(AnswerCallbackQuery)
    assert "#1" in harness.pop(EditMessageText).text
    await harness.feed(press(ADMIN, RequestActionCb(action=Action.TAKE, id=1)))
    harness.pop_all()
    await harness.feed(press(ADMIN, RequestActionCb(action=Action.FINISH, id=1)))
    harness.pop_all()
    await harness.feed(press(ADMIN, FinishSubmitCb(id=1)))
    harness.pop_all()
    await harness.deliver_outbox()
    to_author = [c for c in harness.pop_all() if getattr(c, "chat_id", None) == TEACHER.id]
    assert any("Выполнена" in t for t in texts(to_author))

    await harness.feed(press(TEACHER, RequestActionCb(action=Action.CONFIRM, id=1)))
    harness.pop_all()
    await harness.deliver_outbox()
    harness.pop_all()

    async with sqlite_pool() as session:
        request = await session.scalar(select(Request))
        history = (await session.scalars(select(StatusChange.to_status))).all()
    assert request is not None and request.status is RequestStatus.CLOSED
    assert request.location == "Каб. 301" and request.due_at is not None
    assert list(history) == [
        RequestStatus.NEW,
        RequestStatus.IN_PROGRESS,
        RequestStatus.DONE,
        RequestStatus.CLOSED,
    ]
