"""Scheduled work driven by a controllable clock: deadline reminders and the escalation,
the daily digest (and the one missed while the bot was down), auto-close; two schedulers
on one PostgreSQL produce every message exactly once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time, timedelta
from typing import Any

from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage
from aiogram.types import Chat, InlineKeyboardMarkup, Message
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.scheduler import Scheduler, TickResult
from models import (
    Action,
    JobRun,
    OutboxMessage,
    OutboxStatus,
    Priority,
    Request,
    RequestStatus,
    Role,
    StatusChange,
    User,
    utcnow,
)
from models.queues import Queue
from models.sla import DEFAULT_SLA_HOURS, deadline_fields
from tests.conftest import ADMIN, EXECUTOR, OTHER_TEACHER, TEACHER, Harness
from tests.reports_data import People, add_request, assigned_request, seed_people
from tests.updates import press
from utils.callbacks import QueueCb, RequestActionCb

NOW = datetime(2026, 3, 18, 6, 0, tzinfo=UTC)  # 09:00 in Moscow
SECOND_ADMIN = 900_060


def make_scheduler(harness: Harness, **settings: Any) -> Scheduler:
    values: dict[str, Any] = {"digest_time": None, "auto_close_days": 7}
    values.update(settings)
    return Scheduler(
        harness.session_pool, harness.catalogue, harness.settings.model_copy(update=values)
    )


def buttons(markup: object) -> list[tuple[str, str | None]]:
    assert isinstance(markup, InlineKeyboardMarkup)
    return [(b.text, b.callback_data) for row in markup.inline_keyboard for b in row]


async def add_second_admin(db: async_sessionmaker[AsyncSession]) -> None:
    async with db() as session, session.begin():
        session.add(
            User(telegram_id=SECOND_ADMIN, full_name="Boss", role=Role.ADMIN, language="en")
        )


async def outbox_count(db: async_sessionmaker[AsyncSession]) -> int:
    async with db() as session:
        return await session.scalar(select(func.count(OutboxMessage.id))) or 0


async def get_request(db: async_sessionmaker[AsyncSession], request_id: int) -> Request:
    async with db() as session:
        request = await session.get(Request, request_id)
    assert request is not None
    return request


# --------------------------------------------------------------------------- deadlines
async def test_overdue_reminder_once_then_admins_once_a_day_later(harness: Harness) -> None:
    db = harness.session_pool
    people = await seed_people(db)
    # normal: due 72 h later, 8 h ago
    assigned = await assigned_request(db, people, NOW - timedelta(hours=80))
    unassigned = await add_request(
        db, author_id=people.teacher.id, created_at=NOW - timedelta(hours=73)
    )
    resolved = await assigned_request(
        db, people, NOW - timedelta(hours=5), priority=Priority.URGENT
    )
    later = await add_request(  # due in 62 hours
        db, author_id=people.teacher.id, created_at=NOW - timedelta(hours=10)
    )
    await assigned_request(  # done late: nothing to chase
        db,
        people,
        NOW - timedelta(hours=100),
        status=RequestStatus.DONE,
        done_at=NOW - timedelta(hours=1),
    )
    scheduler = make_scheduler(harness)

    assert await scheduler.tick(NOW) == TickResult(reminded=3)
    await harness.deliver_outbox()
    to_executor = harness.pop(SendMessage)
    assert to_executor.chat_id == EXECUTOR.id
    assert to_executor.text.startswith(
        f"⚠ <b>Срок заявки #{assigned.id} истёк</b> (18.03.2026 01:00)."
    )
    assert f"Заявка #{assigned.id}</b> ⚠" in to_executor.text  # the card, marked overdue
    assert buttons(to_executor.reply_markup)  # the card's actions come with it
    to_admin = harness.pop(SendMessage)
    assert to_admin.chat_id == ADMIN.id
    assert f"Срок заявки #{unassigned.id} истёк" in to_admin.text
    assert "исполнитель не назначен" in to_admin.text
    assert harness.pop(SendMessage).chat_id == EXECUTOR.id  # the urgent one
    harness.expect_nothing()

    for after in (timedelta(hours=1), timedelta(hours=23, minutes=59)):
        assert await scheduler.tick(NOW + after) == TickResult()
    async with db() as session, session.begin():  # fixed in time: no escalation for it
        await session.execute(
            update(Request)
            .where(Request.id == resolved.id)
            .values(status=RequestStatus.DONE, done_at=NOW + timedelta(hours=2))
        )

    assert await scheduler.tick(NOW + timedelta(hours=24)) == TickResult(escalated=2)
    await harness.deliver_outbox()
    escalations = [harness.pop(SendMessage), harness.pop(SendMessage)]
    assert [m.chat_id for m in escalations] == [ADMIN.id, ADMIN.id]
    assert escalations[0].text.startswith(
        f"⚠⚠ <b>Заявка #{assigned.id} просрочена больше суток</b>"
    )
    assert f"Заявка #{unassigned.id} просрочена больше суток" in escalations[1].text
    # The one due later is reminded when its own deadline passes, and only then.
    assert await scheduler.tick(NOW + timedelta(hours=61, minutes=59)) == TickResult()
    assert await scheduler.tick(NOW + timedelta(hours=62, minutes=1)) == TickResult(reminded=1)
    await harness.deliver_outbox()
    assert f"Срок заявки #{later.id} истёк" in harness.pop(SendMessage).text

    row = await get_request(db, assigned.id)
    assert row.overdue_reminded_at == NOW
    assert row.overdue_escalated_at == NOW + timedelta(hours=24)
    assert (await get_request(db, resolved.id)).overdue_escalated_at is None


def card_actions(markup: object) -> set[Action]:
    """The state-machine actions of a card's buttons."""
    return {
        RequestActionCb.unpack(data).action
        for _, data in buttons(markup)
        if data and data.startswith("ra:")
    }


async def test_an_overdue_reminder_to_an_executor_has_executor_buttons(harness: Harness) -> None:
    db = harness.session_pool
    people = await seed_people(db)
    await assigned_request(db, people, NOW - timedelta(hours=80))
    await add_request(db, author_id=people.teacher.id, created_at=NOW - timedelta(hours=73))

    assert await make_scheduler(harness).tick(NOW) == TickResult(reminded=2)
    await harness.deliver_outbox()

    to_executor, to_admin = harness.pop(SendMessage), harness.pop(SendMessage)
    assert to_executor.chat_id == EXECUTOR.id
    # Their own work (hold, finish), never the admin's (assign, reject).
    assert card_actions(to_executor.reply_markup) == {Action.HOLD, Action.FINISH}
    assert to_admin.chat_id == ADMIN.id
    assert card_actions(to_admin.reply_markup) == {Action.TAKE, Action.ASSIGN, Action.REJECT}
    harness.expect_nothing()


async def test_a_new_deadline_is_chased_again(harness: Harness) -> None:
    """Triage raising the priority (or lowering it) sets a new deadline via deadline_fields;
    the reminder marks are cleared, so the new deadline is chased once when it passes."""
    db = harness.session_pool
    people = await seed_people(db)
    request = await add_request(
        db, author_id=people.teacher.id, created_at=NOW - timedelta(hours=73)
    )
    scheduler = make_scheduler(harness)
    assert await scheduler.tick(NOW) == TickResult(reminded=1)
    await harness.deliver_outbox()
    harness.pop(SendMessage)

    async with db() as session, session.begin():  # triage: priority low, due in 7 days
        await session.execute(
            update(Request)
            .where(Request.id == request.id)
            .values(
                priority=Priority.LOW,
                **deadline_fields(request.created_at, Priority.LOW, DEFAULT_SLA_HOURS),
            )
        )
    assert await scheduler.tick(NOW + timedelta(hours=1)) == TickResult()
    new_due = request.created_at + timedelta(hours=168)
    assert await scheduler.tick(new_due + timedelta(minutes=1)) == TickResult(reminded=1)
    await harness.deliver_outbox()
    assert f"Срок заявки #{request.id} истёк" in harness.pop(SendMessage).text


# ------------------------------------------------------------------------------ digest
async def test_digest_once_a_day_at_digest_time_and_after_a_restart(harness: Harness) -> None:
    db = harness.session_pool
    people = await seed_people(db)
    await add_second_admin(db)
    morning = datetime(2026, 3, 18, 5, 0, tzinfo=UTC)  # 08:00 in Moscow
    await add_request(  # new since yesterday's digest
        db, author_id=people.teacher.id, created_at=morning - timedelta(hours=3)
    )
    await add_request(  # new, but older than yesterday's digest
        db, author_id=people.teacher.id, created_at=morning - timedelta(hours=25)
    )
    await assigned_request(db, people, morning - timedelta(days=5))  # overdue
    await add_request(
        db,
        author_id=people.other.id,
        status=RequestStatus.DONE,
        created_at=morning - timedelta(days=2),
        done_at=morning - timedelta(days=1),
    )
    scheduler = make_scheduler(harness, digest_time=time(8, 0))

    async def digest_at(now: datetime, on: Scheduler | None = None) -> bool:
        # Only the digest is looked at: the other jobs have nothing to do here.
        return (await (on or scheduler).jobs.send_digest(now)) is True

    assert not await digest_at(morning - timedelta(minutes=1))
    assert await digest_at(morning)
    await harness.deliver_outbox()
    ru = harness.pop(SendMessage)
    assert ru.chat_id == ADMIN.id
    assert ru.text.splitlines() == [
        "☀ <b>Сводка на 18.03.2026</b>",
        "",
        "🆕 Новых со вчера: 1 (ждут разбора: 2)",
        "⚠ Просрочено: 1",
        "🔧 В работе: 1",
        "✅ Выполнено, ждут подтверждения: 1",
    ]
    assert buttons(ru.reply_markup) == [
        ("🆕 Новые · 2", QueueCb(q=Queue.NEW).pack()),
        ("⚠ Просроченные · 1", QueueCb(q=Queue.OVERDUE).pack()),
        ("🔧 В работе · 1", QueueCb(q=Queue.IN_PROGRESS).pack()),
        ("✅ Выполненные · 1", QueueCb(q=Queue.DONE).pack()),
    ]
    en = harness.pop(SendMessage)
    assert en.chat_id == SECOND_ADMIN
    assert en.text.startswith("☀ <b>Digest for 18.03.2026</b>")
    assert "New since yesterday: 1 (awaiting triage: 2)" in en.text

    assert not await digest_at(morning + timedelta(minutes=1))
    restarted = make_scheduler(harness, digest_time=time(8, 0))
    assert not await digest_at(morning + timedelta(hours=10), restarted)

    # The next day the bot is down at 08:00 and starts at 13:00: the digest goes out then.
    next_day = morning + timedelta(days=1)
    assert not await digest_at(next_day - timedelta(hours=1), restarted)
    assert await digest_at(next_day + timedelta(hours=5), restarted)
    await harness.deliver_outbox()
    assert "Сводка на 19.03.2026" in harness.pop(SendMessage).text
    assert "Digest for 19.03.2026" in harness.pop(SendMessage).text
    # A day missed entirely is not sent the day after, before that day's own time.
    assert not await digest_at(next_day + timedelta(days=1, hours=20), restarted)
    async with db() as session:
        keys = (await session.scalars(select(JobRun.key).order_by(JobRun.key))).all()
    assert keys == ["2026-03-18", "2026-03-19"]


async def test_empty_digest_time_disables_the_digest(harness: Harness) -> None:
    await seed_people(harness.session_pool)
    scheduler = make_scheduler(harness, digest_time=None)
    assert await scheduler.tick(NOW) == TickResult()
    assert await outbox_count(harness.session_pool) == 0


async def test_digest_buttons_open_the_admin_queues(harness: Harness) -> None:
    db = harness.session_pool
    people = await seed_people(db)
    now = utcnow()
    for i in range(12):
        await add_request(
            db,
            author_id=people.teacher.id,
            category_id=2,
            location=f"каб. {i + 1}",
            created_at=now - timedelta(hours=77 - 2 * i),  # the first three are overdue
        )
    local_now = now.astimezone(harness.settings.tz)
    scheduler = make_scheduler(harness, digest_time=time(0, 0))
    assert await scheduler.jobs.send_digest(now) is True
    await harness.deliver_outbox()
    digest = harness.pop(SendMessage)
    assert digest.chat_id == ADMIN.id and local_now.strftime("%d.%m.%Y") in digest.text
    new_button = buttons(digest.reply_markup)[0]
    assert new_button[0] == "🆕 Новые · 12"

    # The button opens the admin panel's New queue on the digest message.
    on_message = Message(
        message_id=77,
        date=now,
        chat=Chat(id=ADMIN.id, type="private"),
        text=digest.text,
    )
    assert new_button[1] is not None
    await harness.feed(press(ADMIN, new_button[1], on_message))
    harness.pop(AnswerCallbackQuery)
    queue = harness.pop(EditMessageText)
    assert queue.message_id == 77
    assert "Новые" in queue.text and "12" in queue.text.splitlines()[0]
    assert "#12" in queue.text and "каб. 12" in queue.text

    # A requester pressing a forwarded digest button is not let in.
    await harness.feed(press(TEACHER, QueueCb(q=Queue.NEW)))
    refused = harness.pop(AnswerCallbackQuery)
    assert refused.show_alert


# -------------------------------------------------------------------------- auto-close
async def test_auto_close_after_days_without_an_answer(harness: Harness) -> None:
    db = harness.session_pool
    people = await seed_people(db)

    async def done(author: User, days_ago: float) -> Request:
        finished = NOW - timedelta(days=days_ago)
        return await assigned_request(
            db,
            people,
            finished - timedelta(days=1),
            author=author,
            status=RequestStatus.DONE,
            first_response_at=finished - timedelta(hours=20),
            done_at=finished,
        )

    old = await done(people.teacher, 7 + 1 / 24)
    old_en = await done(people.other, 8)
    recent = await done(people.teacher, 6)
    scheduler = make_scheduler(harness)

    assert await scheduler.tick(NOW) == TickResult(auto_closed=2)
    await harness.deliver_outbox()
    told_en = harness.pop(SendMessage)  # the older one first
    assert told_en.chat_id == OTHER_TEACHER.id
    assert "closed automatically: no answer from the author for 7 days" in told_en.text
    told = harness.pop(SendMessage)
    assert told.chat_id == TEACHER.id
    assert told.text.splitlines() == [
        f"Заявка #{old.id}: 🔒 Закрыта",
        "Причина: закрыта автоматически: автор не ответил 7 дней",
    ]

    async with db() as session:
        history = (
            await session.scalars(select(StatusChange).order_by(StatusChange.request_id))
        ).all()
    assert [(h.request_id, h.from_status, h.to_status, h.actor_id) for h in history] == [
        (old.id, RequestStatus.DONE, RequestStatus.CLOSED, None),
        (old_en.id, RequestStatus.DONE, RequestStatus.CLOSED, None),
    ]
    assert history[0].reason == "закрыта автоматически: автор не ответил 7 дней"
    closed = await get_request(db, old.id)
    assert closed.status is RequestStatus.CLOSED and closed.closed_at == NOW
    assert (await get_request(db, recent.id)).status is RequestStatus.DONE

    assert await scheduler.tick(NOW + timedelta(days=1, minutes=1)) == TickResult(auto_closed=1)
    await harness.deliver_outbox()
    harness.pop(SendMessage)


# ------------------------------------------------------------------------ concurrency
async def seed_for_two_schedulers(db: async_sessionmaker[AsyncSession], people: People) -> None:
    for _ in range(6):  # overdue, assigned: the executor is reminded
        await assigned_request(db, people, NOW - timedelta(hours=75))
    for _ in range(3):  # overdue, nobody assigned: both admins are reminded
        await add_request(db, author_id=people.teacher.id, created_at=NOW - timedelta(hours=74))
    for _ in range(3):  # reminded 25 h ago, still overdue: both admins, escalation
        await assigned_request(
            db,
            people,
            NOW - timedelta(hours=200),
            status=RequestStatus.ON_HOLD,
            overdue_reminded_at=NOW - timedelta(hours=25),
        )
    for _ in range(3):  # done 8 days ago: auto-closed, the author is told
        await assigned_request(
            db,
            people,
            NOW - timedelta(days=9),
            author=people.other,
            status=RequestStatus.DONE,
            done_at=NOW - timedelta(days=8),
        )


async def test_two_schedulers_on_one_database_send_everything_once(harness: Harness) -> None:
    db = harness.session_pool
    people = await seed_people(db)
    await add_second_admin(db)
    await seed_for_two_schedulers(db, people)
    one = make_scheduler(harness, digest_time=time(8, 0))
    two = make_scheduler(harness, digest_time=time(8, 0))

    results = await asyncio.gather(one.tick(NOW), two.tick(NOW), one.tick(NOW), two.tick(NOW))
    assert sum(r.reminded for r in results) == 9
    assert sum(r.escalated for r in results) == 3
    assert sum(r.digest for r in results) == 1
    assert sum(r.auto_closed for r in results) == 3
    # 6 reminders to the executor + 3 x 2 admins; 3 escalations x 2 admins; 2 digests;
    # 3 authors told of the auto-close.
    expected_rows = 6 + 6 + 6 + 2 + 3
    assert await outbox_count(db) == expected_rows

    again = await asyncio.gather(one.tick(NOW), two.tick(NOW + timedelta(minutes=1)))
    assert again == [TickResult(), TickResult()]
    assert await outbox_count(db) == expected_rows
    async with db() as session:
        assert await session.scalar(select(func.count()).select_from(JobRun)) == 1
        assert await session.scalar(select(func.count(StatusChange.id))) == 3

    await harness.deliver_outbox()
    sent = harness.pop_all()
    assert len(sent) == expected_rows
    assert all(isinstance(m, SendMessage) for m in sent)
    pairs = [(m.chat_id, m.text) for m in sent if isinstance(m, SendMessage)]
    assert len(set(pairs)) == expected_rows  # nobody got the same message twice
    digests = [chat for chat, text in pairs if "Сводка на" in text or "Digest for" in text]
    assert sorted(digests) == [ADMIN.id, SECOND_ADMIN]


async def test_run_ticks_until_stopped(harness: Harness) -> None:
    await seed_people(harness.session_pool)
    clock_calls: list[datetime] = []
    ticked_thrice = asyncio.Event()

    def clock() -> datetime:
        clock_calls.append(NOW)
        if len(clock_calls) >= 3:
            ticked_thrice.set()
        return NOW

    woken: list[bool] = []
    scheduler = Scheduler(
        harness.session_pool,
        harness.catalogue,
        harness.settings.model_copy(update={"digest_time": time(8, 0)}),
        interval=0.01,
        clock=clock,
        on_enqueued=lambda: woken.append(True),
    )
    task = asyncio.create_task(scheduler.run())
    await asyncio.wait_for(ticked_thrice.wait(), 5)
    scheduler.stop()
    await asyncio.wait_for(task, 5)
    assert woken == [True]  # the digest was queued once, and the sender woken for it
    await harness.deliver_outbox()
    assert "Сводка на 18.03.2026" in harness.pop(SendMessage).text


# ------------------------------------------------------------------------ housekeeping
async def test_delivered_notifications_are_purged_after_two_weeks(harness: Harness) -> None:
    db = harness.session_pool
    rows = [
        (OutboxStatus.SENT, NOW - timedelta(days=15)),  # forgotten
        (OutboxStatus.SENT, NOW - timedelta(days=13)),  # still kept
        (OutboxStatus.FAILED, None),  # kept for an operator to look at
        (OutboxStatus.PENDING, None),  # not delivered yet
    ]
    async with db() as session, session.begin():
        for i, (status, sent_at) in enumerate(rows):
            session.add(
                OutboxMessage(
                    chat_id=7000 + i,
                    method="sendMessage",
                    payload={"chat_id": 7000 + i, "text": "x"},
                    status=status,
                    sent_at=sent_at,
                    available_at=NOW + timedelta(days=1),  # not due: the sender leaves it
                )
            )
    result = await make_scheduler(harness).tick(NOW)
    assert result.purged == 1
    async with db() as session:
        left = (await session.scalars(select(OutboxMessage.chat_id))).all()
    assert sorted(left) == [7001, 7002, 7003]
