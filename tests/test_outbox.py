"""The outbox and its sender: nothing lost, nothing sent twice, Telegram's limits kept.

Faults come from the recording session (`fail_next`), time from a virtual clock: the
sender's waits move it forward at once, and the session stamps every call with it.
"""

from __future__ import annotations

import asyncio
import itertools
import random
from collections import defaultdict
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import EditMessageText, SendMessage, TelegramMethod
from aiogram.methods.base import TelegramType
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.sender.loop import OutboxSender
from bot.sender.wakeup import wake_on_commit
from bot.services import outbox
from bot.services.notifications import Notifier
from bot.services.transitions import perform
from database import migrate
from database.engine import create_engine, create_session_pool
from models import (
    Action,
    CardMessage,
    OutboxKind,
    OutboxMessage,
    OutboxStatus,
    Request,
    Role,
    User,
)
from tests.conftest import TEACHER, Harness, make_settings
from tests.recording_session import RecordingSession, make_bot
from tests.updates import message
from tests.virtual_clock import FastForwardClock, VirtualClock, busiest_window
from utils.i18n import Catalogue

Pool = async_sessionmaker[AsyncSession]
GROUP = -100_500


class Counted:
    """A metrics sink that remembers what it was told."""

    def __init__(self) -> None:
        self.api_errors: list[str] = []
        self.failures: list[str] = []
        self.delivered = 0

    def api_error(self, code: str) -> None:
        self.api_errors.append(code)

    def sent(self, kind: str) -> None:
        self.delivered += 1

    def failed(self, reason: str) -> None:
        self.failures.append(reason)


def new_sender(
    pool: Pool,
    clock: VirtualClock | FastForwardClock,
    api: RecordingSession | None = None,
    **options: Any,
) -> tuple[OutboxSender, RecordingSession]:
    """A sender in a fresh "process": its own Bot, session and limits."""
    api = api or RecordingSession()
    api.clock = clock.now
    return OutboxSender(make_bot(api), pool, clock=clock, **options), api


async def enqueue_texts(pool: Pool, messages: Iterable[tuple[int, str]]) -> None:
    async with pool() as session, session.begin():
        for chat_id, text in messages:
            outbox.enqueue(session, SendMessage(chat_id=chat_id, text=text))


async def drain(sender: OutboxSender, clock: VirtualClock, *, limit: int = 10_000) -> None:
    """Deliver everything, moving the clock on to each scheduled retry."""
    for _ in range(limit):
        if await sender.deliver_pending():
            continue
        due = await sender.next_due()
        if due is None:
            return
        clock.t = max(clock.t, due + 0.001)  # past the microsecond rounding
    raise AssertionError("the outbox never emptied")


async def queue_cards(pool: Pool, texts: list[str]) -> int:
    """A request by a new author, and a card copy to the staff group per text; its id."""
    async with pool() as session, session.begin():
        author = User(telegram_id=7001, full_name="Author", role=Role.USER)
        session.add(author)
        await session.flush()
        request = Request(author_id=author.id, category_id=1, location="1", description="x")
        session.add(request)
        await session.flush()
        for text in texts:
            outbox.enqueue(
                session,
                SendMessage(chat_id=GROUP, text=text),
                kind=OutboxKind.CARD,
                request_id=request.id,
            )
        return request.id


async def sends_hello_then_stops(
    sender: OutboxSender, api: RecordingSession, task: asyncio.Task[None]
) -> None:
    """The running loop sends the queued "hello" without waiting for its poll, and stops."""
    for _ in range(200):
        if api.log:
            break
        await asyncio.sleep(0.01)
    assert sent_texts(api) == [(7001, "hello")]
    sender.stop()
    await asyncio.wait_for(task, 2)


async def all_rows(pool: Pool) -> list[OutboxMessage]:
    async with pool() as session:
        return list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def sent_texts(api: RecordingSession) -> list[tuple[int | str, str]]:
    return [(m.chat_id, m.text) for _, m in api.log if isinstance(m, SendMessage)]


def per_chat(api: RecordingSession) -> dict[int | str, list[str]]:
    chats: dict[int | str, list[str]] = defaultdict(list)
    for chat_id, text in sent_texts(api):
        chats[chat_id].append(text)
    return chats


def server_error() -> TelegramServerError:
    return TelegramServerError(method=SendMessage(chat_id=1, text="x"), message="Bad Gateway")


# ------------------------------------------------------------- nothing lost, nothing twice
async def test_crash_between_commit_and_send_is_delivered_after_restart_once(
    db: Pool, catalogue: Catalogue
) -> None:
    async with db() as session, session.begin():
        author = User(telegram_id=7001, full_name="Author", role=Role.USER, language="ru")
        fixer = User(telegram_id=7002, full_name="Fixer", role=Role.EXECUTOR)
        session.add_all([author, fixer])
        await session.flush()
        request = Request(author_id=author.id, category_id=1, location="каб. 5", description="x")
        session.add(request)
    async with db() as session:
        result = await perform(
            session,
            Notifier(catalogue, ZoneInfo("Europe/Moscow")),
            request_id=request.id,
            action=Action.TAKE,
            user=fixer,
        )
    assert result.ok
    # The process dies here: committed, never sent. A new process starts.
    clock = VirtualClock()
    sender, api = new_sender(db, clock)
    await drain(sender, clock)
    assert [chat for chat, _ in sent_texts(api)] == [7001]
    assert "В работе" in sent_texts(api)[0][1]

    again, api_again = new_sender(db, clock)  # and another restart
    await drain(again, clock)
    assert api_again.log == []
    [row] = await all_rows(db)
    assert (row.status, row.attempts) == (OutboxStatus.SENT, 1)


class HangingSession(RecordingSession):
    """Telegram never answers: the sender is stuck in the call when the process dies."""

    def __init__(self) -> None:
        super().__init__()
        self.called = asyncio.Event()

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None
    ) -> TelegramType:
        self.called.set()
        await asyncio.Event().wait()
        raise AssertionError("unreachable")


async def test_row_of_a_sender_that_died_mid_send_goes_out_once_its_lease_ends(
    db: Pool,
) -> None:
    await enqueue_texts(db, [(7001, "first"), (7001, "second")])
    clock = VirtualClock()
    doomed, _ = new_sender(db, clock, HangingSession(), lease_seconds=120)
    task = asyncio.create_task(doomed.deliver_pending())
    await asyncio.wait_for(doomed.bot.session.called.wait(), 5)  # type: ignore[attr-defined]
    task.cancel()  # the process is killed while the request is in flight
    with pytest.raises(asyncio.CancelledError):
        await task

    survivor, api = new_sender(db, clock)
    assert await survivor.deliver_pending() == 0  # leased: neither it nor "second" goes out
    assert api.log == []
    clock.advance(121)
    await drain(survivor, clock)
    assert sent_texts(api) == [(7001, "first"), (7001, "second")]
    await drain(survivor, clock)
    assert len(api.log) == 2


async def test_rolled_back_change_sends_nothing(db: Pool) -> None:
    with pytest.raises(RuntimeError):
        async with db() as session, session.begin():
            outbox.enqueue(session, SendMessage(chat_id=7001, text="never"))
            raise RuntimeError("the change failed")
    clock = VirtualClock()
    sender, api = new_sender(db, clock)
    await drain(sender, clock)
    assert api.log == []
    assert await all_rows(db) == []


# ------------------------------------------------------------------------ Telegram faults
async def test_429_pauses_all_sending_then_delivers_everything_in_order(db: Pool) -> None:
    chats = [7001, 7002, GROUP]
    await enqueue_texts(db, [(chat, f"{chat}-{n}") for n in range(3) for chat in chats])
    clock = VirtualClock()
    start = clock.now()
    metrics = Counted()
    sender, api = new_sender(db, clock, metrics=metrics)
    api.fail_next(
        SendMessage,
        TelegramRetryAfter(method=SendMessage(chat_id=7001, text="x"), message="", retry_after=7),
    )
    await drain(sender, clock)

    stamps = [stamp for stamp, _ in api.log]
    assert len(stamps) == 9
    assert min(stamps) >= start + 7  # nothing at all went out during the pause
    assert per_chat(api) == {chat: [f"{chat}-{n}" for n in range(3)] for chat in chats}
    assert metrics.api_errors == ["429"] and metrics.failures == []
    rows = await all_rows(db)
    assert {r.status for r in rows} == {OutboxStatus.SENT}
    assert rows[0].attempts == 1  # the 429 was not counted as a failed attempt


async def test_storm_of_500s_is_retried_with_backoff_then_delivered(db: Pool) -> None:
    await enqueue_texts(db, [(7001, "stormy-1"), (7001, "stormy-2")])
    clock = VirtualClock()
    start = clock.now()
    metrics = Counted()
    sender, api = new_sender(db, clock, metrics=metrics)
    for _ in range(5):
        api.fail_next(SendMessage, server_error())
    api.fail_next(
        SendMessage, TelegramNetworkError(method=SendMessage(chat_id=1, text="x"), message="reset")
    )
    await drain(sender, clock)

    assert sent_texts(api) == [(7001, "stormy-1"), (7001, "stormy-2")]
    when = {m.text: stamp for stamp, m in api.log if isinstance(m, SendMessage)}
    # Backoff with "equal jitter" waits at least half of 1, 2, 4, 8, 16, 32 seconds.
    assert when["stormy-1"] - start >= (1 + 2 + 4 + 8 + 16 + 32) / 2
    assert when["stormy-2"] > when["stormy-1"]
    assert metrics.api_errors == ["5xx"] * 5 + ["network"]
    first = (await all_rows(db))[0]
    assert (first.status, first.attempts) == (OutboxStatus.SENT, 7)


async def test_500s_beyond_the_retry_window_fail_the_row_and_the_chat_moves_on(db: Pool) -> None:
    await enqueue_texts(db, [(7001, "doomed"), (7001, "next")])
    clock = VirtualClock()
    metrics = Counted()
    # A window of 1.5 s: the shortest waits after attempts 1 and 2 (0.5 + 1 s) fill it.
    sender, api = new_sender(db, clock, metrics=metrics, retry_window=1.5)
    for _ in range(3):
        api.fail_next(SendMessage, server_error())
    await drain(sender, clock)

    assert sent_texts(api) == [(7001, "next")]
    doomed, following = await all_rows(db)
    assert (doomed.status, doomed.attempts) == (OutboxStatus.FAILED, 3)
    assert doomed.last_error is not None and "Bad Gateway" in doomed.last_error
    assert following.status is OutboxStatus.SENT
    assert metrics.failures == ["attempts"]
    async with db() as session:
        assert await outbox.counts(session) == {
            OutboxStatus.PENDING: 0,
            OutboxStatus.SENT: 1,
            OutboxStatus.FAILED: 1,
        }


class OutageSession(RecordingSession):
    """Telegram answers 502 to every send until `until` (virtual time)."""

    def __init__(self, until: float) -> None:
        super().__init__()
        self.until = until
        self.refused: list[float] = []

    async def make_request(self, bot: Bot, method: Any, timeout: int | None = None) -> Any:
        if self.clock() < self.until:
            self.refused.append(self.clock())
            raise server_error()
        return await super().make_request(bot, method, timeout)


@pytest.mark.parametrize("outage_minutes", [30, 6 * 60])
async def test_an_outage_of_hours_loses_nothing_and_ends_within_one_backoff_step(
    db: Pool, database_url: str, outage_minutes: int
) -> None:
    """The old sender gave up after 8 attempts (about two minutes): 502 for half an hour
    lost every notification for good."""
    await enqueue_texts(db, [(7001, "one"), (7002, "two"), (GROUP, "three")])
    clock = VirtualClock()
    end = clock.now() + outage_minutes * 60
    settings = make_settings(database_url)  # the defaults: 24 h window, 5 min cap
    api = OutageSession(until=end)
    api.clock = clock.now
    sender = OutboxSender.from_settings(make_bot(api), db, settings, clock=clock)

    await drain(sender, clock)

    assert sorted(text for _, text in sent_texts(api)) == ["one", "three", "two"]
    delivered = [stamp for stamp, _ in api.log]
    assert min(delivered) >= end
    assert max(delivered) - end <= settings.outbox_backoff_max_seconds + 1
    assert {r.status for r in await all_rows(db)} == {OutboxStatus.SENT}
    # Backoff: the refusals thin out to one per chat per cap, never a hammering.
    per_row = len(api.refused) / 3
    assert per_row <= 2 * (8 + outage_minutes * 60 / settings.outbox_backoff_max_seconds)


async def test_403_marks_the_user_and_skips_them_until_they_write_again(
    harness: Harness,
) -> None:
    await harness.feed(message(TEACHER, "/start"))
    harness.pop(SendMessage)
    await enqueue_texts(harness.session_pool, [(TEACHER.id, "one"), (TEACHER.id, "two")])
    forbidden = TelegramForbiddenError(
        method=SendMessage(chat_id=TEACHER.id, text="x"),
        message="Forbidden: bot was blocked by the user",
    )
    harness.api.fail_next(SendMessage, forbidden)
    await harness.deliver_outbox()
    harness.expect_nothing()  # "two" was not even tried
    async with harness.session_pool() as session:
        teacher = await session.scalar(select(User).where(User.telegram_id == TEACHER.id))
    assert teacher is not None and teacher.bot_blocked
    one, two = await all_rows(harness.session_pool)
    assert one.status is OutboxStatus.FAILED and "blocked by the user" in (one.last_error or "")
    assert (two.status, two.last_error, two.attempts) == (OutboxStatus.FAILED, "bot_blocked", 0)

    await harness.feed(message(TEACHER, "/start"))  # they unblocked the bot and wrote
    harness.pop(SendMessage)
    await enqueue_texts(harness.session_pool, [(TEACHER.id, "three")])
    await harness.deliver_outbox()
    assert harness.pop(SendMessage).text == "three"


async def test_403_in_a_group_fails_the_row_only(harness: Harness) -> None:
    await enqueue_texts(harness.session_pool, [(GROUP, "card"), (GROUP, "later")])
    harness.api.fail_next(
        SendMessage,
        TelegramForbiddenError(
            method=SendMessage(chat_id=GROUP, text="x"),
            message="Forbidden: bot was kicked from the supergroup chat",
        ),
    )
    await harness.deliver_outbox()
    assert harness.pop(SendMessage).text == "later"  # no user to mark: the group goes on
    first, _ = await all_rows(harness.session_pool)
    assert first.status is OutboxStatus.FAILED and "kicked" in (first.last_error or "")


async def test_card_copies_are_edited_and_not_modified_counts_as_success(
    db: Pool, catalogue: Catalogue
) -> None:
    request_id = await queue_cards(db, ["card v1"] * 3)
    clock = VirtualClock()
    sender, api = new_sender(db, clock)
    await drain(sender, clock)
    async with db() as session:
        copies = list(await session.scalars(select(CardMessage.message_id)))
    assert len(copies) == 3

    async with db() as session, session.begin():
        outbox.enqueue(
            session,
            EditMessageText(chat_id=GROUP, text="card v2"),  # type: ignore[call-arg]
            kind=OutboxKind.CARD_EDIT,
            request_id=request_id,
        )
    edit = EditMessageText(chat_id=GROUP, text="x")  # type: ignore[call-arg]
    api.fail_next(
        EditMessageText,
        TelegramBadRequest(method=edit, message="Bad Request: message is not modified"),
    )
    api.fail_next(
        EditMessageText,
        TelegramBadRequest(method=edit, message="Bad Request: message to edit not found"),
    )
    await drain(sender, clock)
    edits = [m for _, m in api.log if isinstance(m, EditMessageText)]
    assert [(m.message_id, m.text) for m in edits] == [(copies[2], "card v2")]
    rows = await all_rows(db)
    assert rows[-1].status is OutboxStatus.SENT and rows[-1].last_error is None
    async with db() as session:  # the deleted copy is forgotten, the others kept
        left = list(await session.scalars(select(CardMessage.message_id)))
    assert sorted(left) == sorted([copies[0], copies[2]])


async def test_other_400_fails_without_retrying(db: Pool) -> None:
    await enqueue_texts(db, [(7001, "<b>broken")])
    clock = VirtualClock()
    sender, api = new_sender(db, clock)
    api.fail_next(
        SendMessage,
        TelegramBadRequest(
            method=SendMessage(chat_id=7001, text="x"),
            message="Bad Request: can't parse entities",
        ),
    )
    await drain(sender, clock)
    [row] = await all_rows(db)
    assert (row.status, row.attempts) == (OutboxStatus.FAILED, 1)
    assert "can't parse entities" in (row.last_error or "")
    assert api.log == []


# ---------------------------------------------------------------------- scale and limits
async def test_two_senders_on_one_postgresql_send_each_row_exactly_once(db: Pool) -> None:
    chats = [*range(8001, 8031), *range(-8010, -8000)]  # 30 private chats and 10 groups
    await enqueue_texts(db, [(chat, f"{chat}:{n}") for n in range(6) for chat in chats])
    clock = VirtualClock()
    order = itertools.count()  # one sequence across both processes
    first, api_a = new_sender(db, clock, batch_size=10)
    second, api_b = new_sender(db, clock, batch_size=10)
    api_a.clock = api_b.clock = lambda: float(next(order))

    async def until_empty(sender: OutboxSender) -> None:
        for _ in range(5_000):
            await sender.deliver_pending()
            rows = await all_rows(db)
            if all(r.status is not OutboxStatus.PENDING for r in rows):
                return
            due = await sender.next_due()
            if due is not None and due > clock.t:
                clock.t = due + 0.001
            await asyncio.sleep(0.001)  # the other process holds the rest for now
        raise AssertionError("the outbox never emptied")

    await asyncio.gather(until_empty(first), until_empty(second))

    calls = sorted(api_a.log + api_b.log, key=lambda item: item[0])
    texts = [m.text for _, m in calls if isinstance(m, SendMessage)]
    assert len(texts) == len(set(texts)) == 240  # every row, none twice
    assert api_a.log and api_b.log  # both processes did part of the work
    by_chat: dict[int | str, list[str]] = defaultdict(list)
    for _, m in calls:
        assert isinstance(m, SendMessage)
        by_chat[m.chat_id].append(m.text)
    assert by_chat == {chat: [f"{chat}:{n}" for n in range(6)] for chat in chats}
    assert {r.status for r in await all_rows(db)} == {OutboxStatus.SENT}


@pytest.mark.parametrize(("rate", "count"), [(25.0, 1000), (10.0, 300)])
async def test_notifications_never_exceed_the_configured_rate(
    db: Pool, database_url: str, rate: float, count: int
) -> None:
    # 700 people with one message, 100 with two, two staff groups with 50 each.
    jobs = [(9_000 + n, f"{n}") for n in range(700)]
    jobs += [(20_000 + n, f"{n}{part}") for part in "ab" for n in range(100)]
    jobs += [(group, f"{n}") for n in range(50) for group in (-1, -2)]
    random.Random(5).shuffle(jobs)
    jobs = jobs[:count]
    await enqueue_texts(db, jobs)
    settings = make_settings(database_url, outbox_rate_per_second=rate)
    clock = VirtualClock()
    api = RecordingSession()
    api.clock = clock.now
    sender = OutboxSender.from_settings(make_bot(api), db, settings, clock=clock)
    await drain(sender, clock)

    assert len(api.log) == count
    stamps = [stamp for stamp, _ in api.log]
    assert busiest_window(stamps, 1.0) == int(rate)  # the limit, reached, never exceeded
    times: dict[int | str, list[float]] = defaultdict(list)
    for stamp, m in api.log:
        assert isinstance(m, SendMessage)
        times[m.chat_id].append(stamp)
    for chat_id, chat_times in times.items():
        if isinstance(chat_id, int) and chat_id > 0:
            assert all(b - a >= 1.0 for a, b in itertools.pairwise(chat_times)), chat_id
        else:
            assert busiest_window(chat_times, 60.0) <= 20, chat_id
    expected: dict[int | str, list[str]] = defaultdict(list)
    for chat_id, text in jobs:
        expected[chat_id].append(text)
    assert per_chat(api) == expected  # everything, in order per chat


# ---------------------------------------------------------------- the loop and SQLite
async def test_run_sends_promptly_when_woken_and_stops(db: Pool) -> None:
    clock = FastForwardClock()  # the row is committed later than the sender starts
    sender, api = new_sender(db, clock, poll_interval=30)
    task = asyncio.create_task(sender.run())
    await asyncio.sleep(0.05)  # it is now idle, waiting for a poll 30 s away
    await enqueue_texts(db, [(7001, "hello")])
    sender.wake()
    await sends_hello_then_stops(sender, api, task)


async def test_sender_works_on_sqlite(tmp_path: object) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/outbox.sqlite3"
    await migrate.upgrade_async(url)
    engine = create_engine(url)
    try:
        pool = create_session_pool(engine)
        await enqueue_texts(pool, [(7001, "1"), (GROUP, "g"), (7001, "2"), (7002, "x")])
        clock = VirtualClock()
        sender, api = new_sender(pool, clock)
        api.fail_next(SendMessage, server_error())
        await drain(sender, clock)
        assert per_chat(api) == {7001: ["1", "2"], GROUP: ["g"], 7002: ["x"]}
        assert {r.status for r in await all_rows(pool)} == {OutboxStatus.SENT}
    finally:
        await engine.dispose()


async def test_a_commit_that_queues_a_message_wakes_the_sender(
    db: Pool, engine: AsyncEngine
) -> None:
    pool = create_session_pool(engine)  # its own factory: the hook is per factory
    sender, api = new_sender(pool, FastForwardClock(), poll_interval=30)
    wake_on_commit(pool, sender)
    task = asyncio.create_task(sender.run())
    await asyncio.sleep(0.05)  # idle now, the next poll is 30 s away
    await enqueue_texts(pool, [(7001, "hello")])  # no explicit wake()
    await sends_hello_then_stops(sender, api, task)
