"""What one update costs: SQL statements and Redis round trips of every main flow.

Each flow is set up first, then ONE update is fed (or one outbox run made) while the
statements the engine sends (SQLAlchemy `before_cursor_execute`) and the commands sent to
Redis are counted. BUDGET holds the exact numbers: a change that adds a statement fails, and
so does one that saves a statement without lowering the budget, so the table stays tight.
A failure prints the whole table, ready to paste back.

Lists are checked for N+1 separately: a page of 10 rows costs what a page of 3 rows costs.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageReplyMarkup,
    EditMessageText,
    SendMessage,
    SendPhoto,
    SetMyCommands,
)
from aiogram.types import Message
from redis.asyncio.connection import Connection
from sqlalchemy import event, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.instrument import counting_sends
from bot.services.outbox import enqueue
from models import Action, OutboxMessage, OutboxStatus, Priority, RequestStatus, Role, User
from models.queues import Queue
from tests.conftest import ADMIN, EXECUTOR, TEACHER, Harness
from tests.staff import (
    add_card_copy,
    add_person,
    add_request,
    button_data,
    button_texts,
    on_card,
    request_state,
)
from tests.test_new_request import HEATING, shown, step
from tests.test_new_request import button_data as data_with_prefix
from tests.updates import Person, message, photo, press
from utils.callbacks import (
    AssignToCb,
    CancelConfirmCb,
    DraftCategoryCb,
    DraftNav,
    DraftNavCb,
    DraftPriorityCb,
    FinishSubmitCb,
    MyCommentCb,
    MyOpenCb,
    QueueCb,
    RateCb,
    RequestActionCb,
    SearchStartCb,
    UserRoleCb,
)

# flow -> (SQL statements, Redis round trips) for one update of that flow.
BUDGET: dict[str, tuple[int, int]] = {
    "start: known user": (1, 1),
    "start: new user": (2, 1),
    "menu: help": (0, 1),
    "menu: my requests (none)": (2, 1),
    "menu: my tasks (none)": (2, 1),
    "menu: admin panel": (2, 1),
    "new request: menu button": (2, 2),
    "new request: menu button, categories known": (0, 2),
    "new request: category": (1, 2),
    "new request: location": (0, 2),
    "new request: description": (0, 2),
    "new request: a photo": (0, 2),
    "new request: done with photos": (0, 2),
    "new request: priority": (0, 2),
    "new request: submit": (10, 2),
    "my requests: first page": (3, 1),
    "my requests: next page": (2, 1),
    "my requests: open a card": (3, 1),
    "my requests: page of 3": (2, 1),
    "my requests: page of 10": (2, 1),
    "author: comment button": (4, 2),
    "author: comment text": (4, 2),
    "author: cancel button": (3, 1),
    "author: cancel confirmed": (6, 1),
    "author: fixed": (8, 1),
    "author: rating": (2, 2),
    "staff: take": (8, 1),
    "staff: assign picker": (2, 1),
    "staff: assign to executor": (9, 1),
    "staff: reject button": (1, 2),
    "staff: reject reason": (8, 2),
    "executor: start": (9, 1),
    "executor: hold button": (1, 2),
    "executor: hold reason": (8, 2),
    "executor: resume": (8, 1),
    "executor: done button": (1, 2),
    "executor: done submitted": (6, 2),
    "admin: queue page": (3, 1),
    "admin: queue next page": (3, 1),
    "admin: search by number": (3, 2),
    "admin: search by words": (1, 2),
    "admin: queue page of 3": (2, 1),
    "admin: queue page of 10": (2, 1),
    "admin: users list": (2, 1),
    # A role change moves the users epoch before and after its COMMIT (user_cache).
    "admin: change a role": (4, 3),
    "admin: /stats": (7, 1),
    "outbox: deliver 1": (4, 0),
    "outbox: deliver 20": (4, 0),
}
# What this run measured (all tests of the module add to it), for the failure table.
MEASURED: dict[str, tuple[int, int]] = {}

PANEL = 321  # the message id of the admin's panel


# --------------------------------------------------------------------------- the meter
@dataclass
class Cost:
    sql: int = 0
    redis: int = 0

    def pair(self) -> tuple[int, int]:
        return self.sql, self.redis


def table() -> str:
    """The budget table with this run's numbers, to paste over BUDGET."""
    lines = ["BUDGET: dict[str, tuple[int, int]] = {"]
    for flow in [*BUDGET, *(f for f in MEASURED if f not in BUDGET)]:
        name = json.dumps(flow, ensure_ascii=False)
        if flow not in MEASURED:
            lines.append(f"    {name}: {BUDGET[flow]},  # not measured in this run")
            continue
        budget = BUDGET.get(flow)
        note = "" if MEASURED[flow] == budget else f"  # was {budget or 'not budgeted'}"
        lines.append(f"    {name}: {MEASURED[flow]},{note}")
    lines.append("}")
    return "\n".join(lines)


class Meter:
    """Counts SQL statements on the harness's engine and Redis commands, when asked to."""

    def __init__(self) -> None:
        self._active: Cost | None = None
        self.flows: list[str] = []

    def on_statement(self, *_args: Any) -> None:
        if self._active is not None:
            self._active.sql += 1

    def on_redis(self) -> None:
        if self._active is not None:
            self._active.redis += 1

    @asynccontextmanager
    async def measure(self, flow: str) -> AsyncIterator[Cost]:
        assert self._active is None, "measurements do not nest"
        assert flow not in self.flows, f"{flow!r} measured twice"
        cost = Cost()
        self._active = cost
        try:
            yield cost
        finally:
            self._active = None
        MEASURED[flow] = cost.pair()
        self.flows.append(flow)

    def check(self) -> None:
        """Every flow measured in this test costs exactly its budget."""
        problems = []
        for flow in self.flows:
            actual, budget = MEASURED[flow], BUDGET.get(flow)
            if budget is None:
                problems.append(f"{flow}: no budget; it costs {actual}")
                continue
            for what, got, allowed in zip(
                ("SQL statements", "Redis round trips"), actual, budget, strict=True
            ):
                if got > allowed:
                    problems.append(f"{flow}: {got} {what}, over the budget of {allowed}")
                elif got < allowed:
                    problems.append(f"{flow}: {got} {what}; budget can be lowered to {got}")
        assert not problems, "\n".join([*problems, "", table()])


async def seen(harness: Harness, person: Any) -> None:
    """`person` has written before, so the bot knows them (bot.services.user_cache): the
    two pages of an N+1 check then cost the same for the same reason."""
    await harness.feed(message(person, "/help"))
    harness.pop(SendMessage)


@pytest.fixture
def meter(engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch) -> Iterator[Meter]:
    m = Meter()
    sync = engine.sync_engine
    event.listen(sync, "before_cursor_execute", m.on_statement)
    monkeypatch.setattr(Connection, "send_packed_command", counting_sends(m.on_redis))
    try:
        yield m
    finally:
        event.remove(sync, "before_cursor_execute", m.on_statement)


# ----------------------------------------------------------------------------- helpers
def after_of(markup: object, prefix: str) -> str:
    """The callback data of the "next page" button (a prefix:...:after with after != 0)."""
    found = [d for d in button_data(markup) if d.startswith(prefix) and not d.endswith(":0")]
    assert found, button_data(markup)
    return found[0]


def said(method: SendMessage | EditMessageText | AnswerCallbackQuery) -> str:
    """The text the bot sent, edited in or answered with."""
    assert method.text is not None, method
    return method.text


async def card_button(
    harness: Harness,
    meter: Meter,
    flow: str,
    person: Person,
    action: Action,
    request_id: int,
    card: Message | None = None,
) -> None:
    """`person` presses `action` on the request's card, measured as `flow`; the answer read."""
    async with meter.measure(flow):
        await harness.feed(press(person, RequestActionCb(action=action, id=request_id), card))
    harness.pop(AnswerCallbackQuery)


def rows_on_page(text: str) -> int:
    return sum(1 for line in text.splitlines() if "<b>#" in line)


# ------------------------------------------------------------------- start and menu
async def test_start_and_main_menu(harness: Harness, meter: Meter) -> None:
    pool = harness.session_pool
    await add_person(pool, TEACHER)
    await add_person(pool, EXECUTOR, Role.EXECUTOR)

    for flow, person, text, answered in [
        ("start: known user", TEACHER, "/start", "Мария Учителева"),
        ("start: new user", ADMIN, "/start", "Анна Админова"),
        ("menu: help", TEACHER, "❓ Помощь", "/new"),
        ("menu: my requests (none)", TEACHER, "📋 Мои заявки", "пока нет заявок"),
    ]:
        async with meter.measure(flow):
            await harness.feed(message(person, text))
        assert answered in said(harness.pop(SendMessage)), flow

    async with meter.measure("menu: my tasks (none)"):
        await harness.feed(message(EXECUTOR, "🛠 Мои задачи"))
    assert said(harness.pop(SendMessage))

    async with meter.measure("menu: admin panel"):
        await harness.feed(message(ADMIN, "⚙️ Панель администратора"))
    assert "🆕 Новые (0)" in button_texts(harness.pop(SendMessage).reply_markup)
    meter.check()


# ----------------------------------------------------------------- the new request
async def test_a_second_dialog_reads_no_categories(harness: Harness, meter: Meter) -> None:
    await add_person(harness.session_pool, TEACHER)
    await harness.feed(message(TEACHER, "📝 Новая заявка"))
    await harness.feed(message(TEACHER, "/cancel"))
    harness.api.requests.clear()

    async with meter.measure("new request: menu button, categories known"):
        await harness.feed(message(TEACHER, "📝 Новая заявка"))
    assert "Отопление" in button_texts(step(harness).reply_markup)
    meter.check()


async def test_new_request_dialog_step_by_step(harness: Harness, meter: Meter) -> None:
    pool = harness.session_pool
    await add_person(pool, TEACHER)
    await add_person(pool, ADMIN, Role.ADMIN)

    async with meter.measure("new request: menu button"):
        await harness.feed(message(TEACHER, "📝 Новая заявка"))
    assert "1/5" in said(step(harness))

    async with meter.measure("new request: category"):
        await harness.feed(press(TEACHER, DraftCategoryCb(id=HEATING)))
    assert "2/5" in said(step(harness))

    async with meter.measure("new request: location"):
        await harness.feed(message(TEACHER, "Каб. 214"))
    assert "3/5" in said(step(harness))

    async with meter.measure("new request: description"):
        await harness.feed(message(TEACHER, "Холодная батарея у окна"))
    assert "4/5" in said(step(harness))

    async with meter.measure("new request: a photo"):
        await harness.feed(photo(TEACHER, "ph-1"))
    assert "1 из 10" in said(harness.pop(SendMessage))

    async with meter.measure("new request: done with photos"):
        await harness.feed(press(TEACHER, DraftNavCb(action=DraftNav.DONE)))
    assert "5/5" in said(step(harness))

    async with meter.measure("new request: priority"):
        await harness.feed(press(TEACHER, DraftPriorityCb(priority=Priority.NORMAL)))
    summary = step(harness)
    assert "Проверьте заявку" in said(summary)

    submit = data_with_prefix(summary.reply_markup, "nrs:")
    async with meter.measure("new request: submit"):
        await harness.feed(press(TEACHER, submit, shown(summary)))
    harness.pop(AnswerCallbackQuery)
    assert "Заявка #1 зарегистрирована" in said(harness.pop(EditMessageText))
    assert await request_state(pool, 1) == (RequestStatus.NEW, None)
    meter.check()


# ---------------------------------------------------------------------- my requests
async def test_my_requests_pages_and_card(harness: Harness, meter: Meter) -> None:
    pool = harness.session_pool
    author = await add_person(pool, TEACHER)
    ids = [await add_request(pool, author, location=f"Каб. {i}") for i in range(25)]

    async with meter.measure("my requests: first page"):
        await harness.feed(message(TEACHER, "📋 Мои заявки"))
    first = harness.pop(SendMessage)
    assert "Мои заявки</b> (25)" in said(first) and rows_on_page(said(first)) == 10

    nxt = next(
        b.callback_data or ""
        for row in first.reply_markup.inline_keyboard  # type: ignore[union-attr]
        for b in row
        if b.text == "▶"
    )
    async with meter.measure("my requests: next page"):
        await harness.feed(press(TEACHER, nxt, shown(first)))
    harness.pop(AnswerCallbackQuery)
    second = harness.pop(EditMessageText)
    assert rows_on_page(said(second)) == 10 and f"<b>#{ids[14]}</b>" in said(second)

    async with meter.measure("my requests: open a card"):
        await harness.feed(press(TEACHER, MyOpenCb(id=ids[0])))
    harness.pop(AnswerCallbackQuery)
    assert f"<b>Заявка #{ids[0]}</b>" in said(harness.pop(EditMessageText))
    meter.check()


async def test_my_requests_page_costs_the_same_for_3_and_10_rows(
    harness: Harness, meter: Meter
) -> None:
    pool = harness.session_pool
    author = await add_person(pool, TEACHER)
    for _ in range(3):
        await add_request(pool, author)
    await seen(harness, TEACHER)
    async with meter.measure("my requests: page of 3") as three:
        await harness.feed(message(TEACHER, "/my"))
    assert rows_on_page(said(harness.pop(SendMessage))) == 3
    for _ in range(7):
        await add_request(pool, author)
    async with meter.measure("my requests: page of 10") as ten:
        await harness.feed(message(TEACHER, "/my"))
    assert rows_on_page(said(harness.pop(SendMessage))) == 10
    assert ten.pair() == three.pair(), "the list costs more with more rows: an N+1"
    meter.check()


# ----------------------------------------------------------------- author's actions
async def test_author_comment_and_cancel(harness: Harness, meter: Meter) -> None:
    pool = harness.session_pool
    author = await add_person(pool, TEACHER)
    await add_person(pool, ADMIN, Role.ADMIN)
    rid = await add_request(pool, author)

    async with meter.measure("author: comment button"):
        await harness.feed(press(TEACHER, MyCommentCb(id=rid)))
    harness.pop(AnswerCallbackQuery)
    assert f"комментарий к заявке #{rid}" in said(harness.pop(SendMessage))

    async with meter.measure("author: comment text"):
        await harness.feed(message(TEACHER, "Стало хуже, вода на полу"))
    assert "отправлен" in said(harness.pop(SendMessage))

    await card_button(harness, meter, "author: cancel button", TEACHER, Action.CANCEL, rid)
    assert f"Отменить заявку #{rid}?" in said(harness.pop(EditMessageText))

    async with meter.measure("author: cancel confirmed"):
        await harness.feed(press(TEACHER, CancelConfirmCb(id=rid, yes=True)))
    assert said(harness.pop(AnswerCallbackQuery)) == f"Заявка #{rid} отменена."
    assert "✖ Отменена" in said(harness.pop(EditMessageText))
    assert await request_state(pool, rid) == (RequestStatus.CANCELLED, None)
    meter.check()


async def test_author_fixed_and_rating(harness: Harness, meter: Meter) -> None:
    pool = harness.session_pool
    author = await add_person(pool, TEACHER)
    executor = await add_person(pool, EXECUTOR, Role.EXECUTOR)
    rid = await add_request(pool, author, status=RequestStatus.DONE, assignee=executor)

    async with meter.measure("author: fixed"):
        await harness.feed(press(TEACHER, RequestActionCb(action=Action.CONFIRM, id=rid)))
    assert "закрыта" in said(harness.pop(AnswerCallbackQuery))
    assert "🔒 Закрыта" in said(harness.pop(EditMessageText))
    ask = harness.pop(SendMessage)
    assert "Оцените от 1 до 5" in said(ask)

    async with meter.measure("author: rating"):
        await harness.feed(press(TEACHER, RateCb(id=rid, stars=4), shown(ask)))
    harness.pop(AnswerCallbackQuery)
    assert "Спасибо за оценку" in said(harness.pop(EditMessageText))
    meter.check()


# ------------------------------------------------------------------- staff's actions
async def test_take_assign_reject(harness: Harness, meter: Meter) -> None:
    pool = harness.session_pool
    author = await add_person(pool, TEACHER)
    admin = await add_person(pool, ADMIN, Role.ADMIN)
    executor = await add_person(pool, EXECUTOR, Role.EXECUTOR)
    taken, assigned, rejected = [await add_request(pool, author) for _ in range(3)]
    copy = await add_card_copy(pool, taken, ADMIN.id)

    async with meter.measure("staff: take"):
        await harness.feed(
            press(ADMIN, RequestActionCb(action=Action.TAKE, id=taken), on_card(ADMIN, copy))
        )
    assert f"#{taken}" in said(harness.pop(AnswerCallbackQuery))
    assert "🔧 В работе" in said(harness.pop(EditMessageText))
    assert await request_state(pool, taken) == (RequestStatus.IN_PROGRESS, admin.id)

    card = on_card(ADMIN, 777)
    await card_button(harness, meter, "staff: assign picker", ADMIN, Action.ASSIGN, assigned, card)
    names = button_texts(harness.pop(EditMessageReplyMarkup).reply_markup)
    assert "🛠 Иван Мастеров · 0" in names

    async with meter.measure("staff: assign to executor"):
        await harness.feed(press(ADMIN, AssignToCb(id=assigned, uid=executor.id), card))
    assert "Иван Мастеров" in said(harness.pop(AnswerCallbackQuery))
    assert "Исполнитель: Иван Мастеров" in said(harness.pop(EditMessageText))
    assert await request_state(pool, assigned) == (RequestStatus.IN_PROGRESS, executor.id)

    card = on_card(ADMIN, 4242)
    await card_button(harness, meter, "staff: reject button", ADMIN, Action.REJECT, rejected, card)
    assert "причину отказа" in said(harness.pop(SendMessage))

    async with meter.measure("staff: reject reason"):
        await harness.feed(message(ADMIN, "Не к завхозу"))
    assert "отклонена" in said(harness.pop(SendMessage))
    assert "⛔ Отклонена" in said(harness.pop(EditMessageText))
    assert await request_state(pool, rejected) == (RequestStatus.REJECTED, None)
    meter.check()


async def test_executor_start_hold_resume_done(harness: Harness, meter: Meter) -> None:
    pool = harness.session_pool
    author = await add_person(pool, TEACHER)
    executor = await add_person(pool, EXECUTOR, Role.EXECUTOR)
    rid = await add_request(pool, author)
    card = on_card(EXECUTOR, 9001)

    await card_button(harness, meter, "executor: start", EXECUTOR, Action.TAKE, rid, card)
    assert "🔧 В работе" in said(harness.pop(EditMessageText))

    await card_button(harness, meter, "executor: hold button", EXECUTOR, Action.HOLD, rid, card)
    assert f"Почему заявка #{rid} приостановлена" in said(harness.pop(SendMessage))

    async with meter.measure("executor: hold reason"):
        await harness.feed(message(EXECUTOR, "Нет прокладок"))
    assert "приостановлена" in said(harness.pop(SendMessage))
    assert "▶ Возобновить" in button_texts(harness.pop(EditMessageText).reply_markup)

    await card_button(harness, meter, "executor: resume", EXECUTOR, Action.RESUME, rid, card)
    assert "✅ Выполнено" in button_texts(harness.pop(EditMessageText).reply_markup)

    await card_button(harness, meter, "executor: done button", EXECUTOR, Action.FINISH, rid, card)
    assert f"Завершение заявки #{rid}" in said(harness.pop(SendMessage))

    await harness.feed(message(EXECUTOR, "Заменил смеситель"))
    assert "Комментарий: есть" in said(harness.pop(SendMessage))

    async with meter.measure("executor: done submitted"):
        await harness.feed(press(EXECUTOR, FinishSubmitCb(id=rid)))
    assert "выполнена" in said(harness.pop(AnswerCallbackQuery))
    harness.pop(EditMessageText)
    assert await request_state(pool, rid) == (RequestStatus.DONE, executor.id)
    meter.check()


# ---------------------------------------------------------------------- admin panel
async def seed_many(harness: Harness, n: int) -> tuple[User, list[int]]:
    pool = harness.session_pool
    author = await add_person(pool, TEACHER)
    await add_person(pool, ADMIN, Role.ADMIN)
    ids = [await add_request(pool, author, description=f"Течёт кран, случай {i}") for i in range(n)]
    return author, ids


def opened(markup: object) -> list[str]:
    return [d for d in button_data(markup) if d.startswith("ro:")]


async def test_admin_queue_and_search(harness: Harness, meter: Meter) -> None:
    _, ids = await seed_many(harness, 25)

    async with meter.measure("admin: queue page"):
        await harness.feed(press(ADMIN, QueueCb(q=Queue.ALL), on_card(ADMIN, PANEL)))
    harness.pop(AnswerCallbackQuery)
    first = harness.pop(EditMessageText)
    assert said(first).split("\n")[0].endswith(" · 25")

    nxt = after_of(first.reply_markup, "aq:")
    async with meter.measure("admin: queue next page"):
        await harness.feed(press(ADMIN, QueueCb.unpack(nxt), on_card(ADMIN, PANEL)))
    harness.pop(AnswerCallbackQuery)
    assert f"ro:{ids[14]}" in button_data(harness.pop(EditMessageText).reply_markup)

    await harness.feed(press(ADMIN, SearchStartCb()))
    harness.pop(AnswerCallbackQuery)
    harness.pop(SendMessage)
    async with meter.measure("admin: search by number"):
        await harness.feed(message(ADMIN, f"#{ids[3]}"))
    assert f"Заявка #{ids[3]}</b>" in said(harness.pop(SendMessage))

    await harness.feed(press(ADMIN, SearchStartCb()))
    harness.pop(AnswerCallbackQuery)
    harness.pop(SendMessage)
    async with meter.measure("admin: search by words"):
        await harness.feed(message(ADMIN, "кран"))
    found = harness.pop(SendMessage)
    assert "«кран»" in said(found) and f"ro:{ids[-1]}" in button_data(found.reply_markup)
    meter.check()


async def test_admin_queue_page_costs_the_same_for_3_and_10_rows(
    harness: Harness, meter: Meter
) -> None:
    pool = harness.session_pool
    author, _ = await seed_many(harness, 3)
    await seen(harness, ADMIN)
    async with meter.measure("admin: queue page of 3") as three:
        await harness.feed(press(ADMIN, QueueCb(q=Queue.NEW), on_card(ADMIN, PANEL)))
    harness.pop(AnswerCallbackQuery)
    assert len(opened(harness.pop(EditMessageText).reply_markup)) == 3
    for _ in range(7):
        await add_request(pool, author)
    async with meter.measure("admin: queue page of 10") as ten:
        await harness.feed(press(ADMIN, QueueCb(q=Queue.NEW), on_card(ADMIN, PANEL)))
    harness.pop(AnswerCallbackQuery)
    assert len(opened(harness.pop(EditMessageText).reply_markup)) == 10
    assert ten.pair() == three.pair(), "the queue costs more with more rows: an N+1"
    meter.check()


async def test_users_list_role_change_and_stats(harness: Harness, meter: Meter) -> None:
    pool = harness.session_pool
    await add_person(pool, ADMIN, Role.ADMIN)
    teacher = await add_person(pool, TEACHER)
    await add_person(pool, EXECUTOR, Role.EXECUTOR)
    for _ in range(3):
        await add_request(pool, teacher)

    async with meter.measure("admin: users list"):
        await harness.feed(message(ADMIN, "/users"))
    assert "Мария Учителева @teacher" in said(harness.pop(SendMessage))

    async with meter.measure("admin: change a role"):
        await harness.feed(
            press(ADMIN, UserRoleCb(id=teacher.id, role=Role.EXECUTOR), on_card(ADMIN, 640))
        )
    assert "tasks" in [c.command for c in harness.pop(SetMyCommands).commands]
    assert "исполнитель" in said(harness.pop(AnswerCallbackQuery))
    assert "Роль: 🛠 исполнитель" in said(harness.pop(EditMessageText))

    async with meter.measure("admin: /stats"):
        await harness.feed(message(ADMIN, "/stats"))
    assert "Статистика" in said(harness.pop(SendMessage))
    harness.pop(SendPhoto)
    meter.check()


# -------------------------------------------------------------------------- outbox
async def queue_notifications(harness: Harness, n: int, first_chat: int) -> None:
    async with harness.session_pool() as session, session.begin():
        for i in range(n):
            enqueue(session, SendMessage(chat_id=first_chat + i, text=f"Уведомление {i}"))


# A batch costs the same whatever its size: claiming is one SELECT ... FOR UPDATE (which
# also tells whose user blocked the bot) and one UPDATE of the claimed rows; finishing is
# one UPDATE ... RETURNING of every sent row.
PER_MESSAGE = 0


async def test_outbox_batch_costs_the_same_whatever_its_size(
    harness: Harness, meter: Meter
) -> None:
    await queue_notifications(harness, 1, 800_000)
    async with meter.measure("outbox: deliver 1") as one:
        await harness.deliver_outbox()
    assert said(harness.pop(SendMessage)) == "Уведомление 0"

    await queue_notifications(harness, 20, 810_000)
    async with meter.measure("outbox: deliver 20") as twenty:
        await harness.deliver_outbox()
    sent = harness.pop_all()
    assert sorted(m.chat_id for m in sent if isinstance(m, SendMessage)) == list(
        range(810_000, 810_020)
    )
    async with harness.session_pool() as session:
        pending = await session.scalar(
            select(func.count()).where(OutboxMessage.status != OutboxStatus.SENT)
        )
    assert pending == 0
    assert twenty.sql - one.sql == PER_MESSAGE * 19, (
        f"1 notification: {one.sql} statements, 20: {twenty.sql}; a batch's cost grows "
        "with its size (a per-message N+1)"
    )
    meter.check()
