"""The transition service on PostgreSQL: compare-and-set, history, notifications."""

from __future__ import annotations

import asyncio
from zoneinfo import ZoneInfo

from aiogram.methods import SendMessage
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.notifications import Notifier
from bot.services.transitions import Outcome, TransitionResult, perform
from models import (
    Action,
    OutboxMessage,
    Priority,
    Request,
    RequestStatus,
    Role,
    StatusChange,
    User,
)
from tests.conftest import Harness
from utils.i18n import Catalogue


async def seed(db: async_sessionmaker[AsyncSession]) -> dict[str, User | Request]:
    async with db() as session, session.begin():
        author = User(telegram_id=1001, full_name="Author", role=Role.USER, language="ru")
        admin1 = User(telegram_id=1002, full_name="Admin One", role=Role.ADMIN)
        admin2 = User(telegram_id=1003, full_name="Admin Two", role=Role.ADMIN)
        executor = User(telegram_id=1004, full_name="Exec", role=Role.EXECUTOR)
        session.add_all([author, admin1, admin2, executor])
        await session.flush()
        request = Request(
            author_id=author.id,
            category_id=1,
            location="каб. 12",
            description="Течёт кран",
            priority=Priority.NORMAL,
        )
        session.add(request)
    return {"author": author, "admin1": admin1, "admin2": admin2, "exec": executor, "req": request}


def notifier(catalogue: Catalogue) -> Notifier:
    return Notifier(catalogue, ZoneInfo("Europe/Moscow"))


async def act(
    harness: Harness, catalogue: Catalogue, user: User, action: Action, request_id: int
) -> TransitionResult:
    """`user` does `action` to the request: one service call in its own session."""
    async with harness.session_pool() as session:
        return await perform(
            session, notifier(catalogue), request_id=request_id, action=action, user=user
        )


async def test_take_then_author_is_told(harness: Harness, catalogue: Catalogue) -> None:
    s = await seed(harness.session_pool)
    result = await act(harness, catalogue, s["exec"], Action.TAKE, s["req"].id)  # type: ignore[arg-type]
    assert result.ok and result.view is not None
    assert result.view.status is RequestStatus.IN_PROGRESS
    assert result.view.assignee is not None and result.view.assignee.full_name == "Exec"
    await harness.deliver_outbox()
    told = harness.pop(SendMessage)
    assert told.chat_id == 1001
    assert "Заявка #1: 🔧 В работе" in told.text and "Exec" in told.text
    async with harness.session_pool() as session:
        changes = (await session.scalars(select(StatusChange))).all()
        req = await session.get(Request, s["req"].id)
    assert [(c.from_status, c.to_status) for c in changes] == [
        (RequestStatus.NEW, RequestStatus.IN_PROGRESS)
    ]
    assert req is not None and req.first_response_at is not None


async def test_two_admins_take_at_once_exactly_one_wins(
    harness: Harness, catalogue: Catalogue
) -> None:
    s = await seed(harness.session_pool)

    async def take(user: User) -> Outcome:
        return (await act(harness, catalogue, user, Action.TAKE, s["req"].id)).outcome

    for _ in range(5):
        outcomes = await asyncio.gather(take(s["admin1"]), take(s["admin2"]))  # type: ignore[arg-type]
        if Outcome.DONE in outcomes:
            break
    assert sorted(outcomes) == sorted([Outcome.DONE, Outcome.CONFLICT]) or sorted(
        outcomes
    ) == sorted([Outcome.DONE, Outcome.WRONG_STATUS])
    async with harness.session_pool() as session:
        assert len((await session.scalars(select(StatusChange))).all()) == 1
        assert len((await session.scalars(select(OutboxMessage))).all()) == 1
    await harness.deliver_outbox()
    harness.pop(SendMessage)


async def test_requester_cannot_see_someone_elses_request(
    harness: Harness, catalogue: Catalogue
) -> None:
    s = await seed(harness.session_pool)
    async with harness.session_pool() as session, session.begin():
        stranger = User(telegram_id=2001, full_name="Stranger", role=Role.USER)
        session.add(stranger)
    result = await act(harness, catalogue, stranger, Action.CANCEL, s["req"].id)
    assert result.outcome is Outcome.NOT_FOUND and result.view is None
    async with harness.session_pool() as session:
        req = await session.get(Request, s["req"].id)
        assert req is not None and req.status is RequestStatus.NEW
        assert (await session.scalars(select(OutboxMessage))).all() == []
