"""`make demo`: a realistic school in an empty database, made through the real services.

Categories (the seeded ones), rooms (as the place text), a deputy head who triages, three
executors, eight requesters and fifty requests over the last month in every status, with
comments, ratings and a history that the state machine itself wrote: every step goes
through `create_request`, `transitions.perform`, `add_comment` and `rate`, back-dated with
their `now` (comments are back-dated after the fact).

The demo people are marked `bot_blocked` (they have no Telegram chat), so nothing is ever
sent to them, and the notifications the seeding queued are dropped at the end: nobody is
messaged about demo requests. The deputy head leaves as a plain user, so the demo never
counts as "an admin exists" and the setup link still appears for the real admin.

Refuses to run when the database already holds requests.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

import structlog
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services import transitions
from bot.services.author_actions import RateOutcome, rate, rate_comment
from bot.services.comments import CommentOutcome, add_comment
from bot.services.notifications import Notifier
from bot.services.requests import (
    CreateOutcome,
    CreationRules,
    Draft,
    create_request,
)
from models import (
    Action,
    Category,
    Comment,
    OutboxMessage,
    Priority,
    Request,
    RequestStatus,
    Role,
    User,
    utcnow,
)

log = structlog.get_logger(__name__)

#: Telegram ids of the demo people: far above any real account's id.
DEMO_ID_BASE = 7_770_000_000_000
REQUESTS = 50
_SLA = {"urgent": 4, "high": 24, "normal": 72, "low": 168}
_RULES = CreationRules(sla_hours=_SLA, limit=10_000, window=timedelta(minutes=1))
S = RequestStatus

# (key, full name, role while seeding, what they do)
PEOPLE: tuple[tuple[str, str, Role], ...] = (
    ("deputy", "Ольга Петровна Завьялова", Role.ADMIN),
    ("electrician", "Сергей Николаевич Кузнецов", Role.EXECUTOR),
    ("plumber", "Иван Петрович Смирнов", Role.EXECUTOR),
    ("handyman", "Алексей Викторович Морозов", Role.EXECUTOR),
    ("chemistry", "Мария Ивановна Соколова", Role.USER),
    ("primary", "Елена Сергеевна Попова", Role.USER),
    ("english", "Анна Викторовна Лебедева", Role.USER),
    ("pe", "Дмитрий Андреевич Волков", Role.USER),
    ("library", "Татьяна Николаевна Козлова", Role.USER),
    ("canteen", "Наталья Павловна Новикова", Role.USER),
    ("it", "Ирина Олеговна Морозова", Role.USER),
    ("nurse", "Светлана Юрьевна Павлова", Role.USER),
)
EXECUTOR_KEYS = ("electrician", "plumber", "handyman")
AUTHOR_KEYS = tuple(key for key, _, role in PEOPLE if role is Role.USER)

# category code -> (description, who usually fixes it), and the rooms where it happens
PROBLEMS: dict[str, tuple[tuple[str, str], ...]] = {
    "electrics": (
        ("Не работает розетка у доски", "electrician"),
        ("Мигает лампа над третьей партой", "electrician"),
        ("Выбивает автомат, когда включаем проектор", "electrician"),
        ("Не горит свет в коридоре у лестницы", "electrician"),
    ),
    "plumbing": (
        ("Течёт кран у раковины", "plumber"),
        ("Засор в раковине, вода не уходит", "plumber"),
        ("Бачок унитаза постоянно подтекает", "plumber"),
        ("Нет горячей воды", "plumber"),
    ),
    "heating": (
        ("Холодная батарея у окна", "plumber"),
        ("Капает из-под радиатора", "plumber"),
        ("В кабинете очень жарко, батарея не регулируется", "plumber"),
    ),
    "windows_doors": (
        ("Не закрывается окно, сильно дует", "handyman"),
        ("Заедает замок входной двери", "handyman"),
        ("Разбито стекло в двери", "handyman"),
        ("Оторвалась ручка окна", "handyman"),
    ),
    "furniture": (
        ("Сломан стул, шатается ножка", "handyman"),
        ("Отвалилась дверца шкафа", "handyman"),
        ("Парта качается, нужно подтянуть винты", "handyman"),
    ),
    "it": (
        ("Проектор не видит ноутбук", "electrician"),
        ("Не печатает принтер, горит красная лампа", "electrician"),
        ("Нет интернета на компьютере учителя", "electrician"),
    ),
    "cleaning": (
        ("Протекла крыша, на полу лужа", "handyman"),
        ("После ремонта остался мусор", "handyman"),
    ),
    "other": (
        ("Повесить новую доску объявлений", "handyman"),
        ("Не работает звонок на перемену", "electrician"),
    ),
}
ROOMS = (
    "каб. 101",
    "каб. 105",
    "каб. 203",
    "каб. 214",
    "каб. 305 (химия)",
    "каб. 312 (информатика)",
    "Спортзал",
    "Раздевалка спортзала",
    "Актовый зал",
    "Столовая",
    "Библиотека",
    "Учительская",
    "Медкабинет",
    "Туалет, 2 этаж",
    "Коридор, 3 этаж",
    "Гардероб",
)
COMMENTS_BY_AUTHOR = (
    "Уточнение: сильнее всего после обеда",
    "Можно прийти после 15:00, когда нет уроков",
    "Ключ от кабинета на вахте",
)
COMMENTS_BY_STAFF = (
    "Посмотрю сегодня после шестого урока",
    "Нужна деталь, заказал",
    "Приду завтра утром",
)
HOLD_REASONS = (
    "Ждём поставку запчасти",
    "Нужен доступ в кабинет, когда нет уроков",
    "Согласовываем закупку с бухгалтерией",
)
REJECT_REASONS = (
    "Это не ремонт: по расписанию обращайтесь к завучу",
    "Дубликат: эту неисправность уже чинят",
)
RESULTS = (
    "Заменил деталь, проверил — работает",
    "Починил, понаблюдайте пару дней",
    "Подтянул крепления, всё держится",
)
REOPEN_REASONS = ("Снова течёт на следующий день",)
RATING_COMMENTS = ("Спасибо, быстро!", "Сделали аккуратно", "Долго ждали, но починили")

# The fifty target states: every status, more of the closed ones, as in a real month.
STATUSES: tuple[RequestStatus, ...] = (
    (S.NEW,) * 8
    + (S.IN_PROGRESS,) * 8
    + (S.ON_HOLD,) * 4
    + (S.DONE,) * 6
    + (S.CLOSED,) * 16
    + (S.REJECTED,) * 4
    + (S.CANCELLED,) * 4
)
# How many days ago a request in that state was filed (open ones are mostly recent).
AGE_DAYS: dict[RequestStatus, tuple[float, float]] = {
    S.NEW: (0.05, 6),
    S.IN_PROGRESS: (0.3, 12),
    S.ON_HOLD: (3, 20),
    S.DONE: (1.5, 5),
    S.CLOSED: (3, 30),
    S.REJECTED: (1, 30),
    S.CANCELLED: (1, 30),
}


class DemoOutcome(StrEnum):
    DONE = "done"
    REFUSED = "refused"  # the database already holds requests


@dataclass
class DemoResult:
    outcome: DemoOutcome
    requests: int = 0
    by_status: dict[RequestStatus, int] = field(default_factory=dict)
    comments: int = 0
    ratings: int = 0


@dataclass
class _Clock:
    """The moments of one request's story, in order, never in the future."""

    at: datetime
    latest: datetime
    rng: random.Random

    def later(self, low_hours: float, high_hours: float) -> datetime:
        step = timedelta(hours=self.rng.uniform(low_hours, high_hours))
        self.at = min(self.at + step, self.latest)
        self.latest += timedelta(seconds=1)  # strictly increasing, even when clamped
        return self.at


@dataclass
class _Seeder:
    session: AsyncSession
    notifier: Notifier
    people: dict[str, User]
    categories: dict[str, int]
    now: datetime
    rng: random.Random
    result: DemoResult = field(default_factory=lambda: DemoResult(DemoOutcome.DONE))
    rules: CreationRules = _RULES

    async def act(
        self,
        request_id: int,
        action: Action,
        who: User | None,
        at: datetime,
        *,
        reason: str | None = None,
        assignee: User | None = None,
    ) -> None:
        result = await transitions.perform(
            self.session,
            self.notifier,
            request_id=request_id,
            action=action,
            user=who,
            reason=reason,
            assignee_id=assignee.id if assignee else None,
            now=at,
        )
        if not result.ok:
            raise RuntimeError(f"demo: {action} on #{request_id} refused: {result.outcome}")

    async def comment(self, request_id: int, who: User, text: str, at: datetime) -> None:
        result = await add_comment(
            self.session, self.notifier, request_id=request_id, user=who, text=text
        )
        if result.outcome is not CommentOutcome.DONE or result.comment_id is None:
            raise RuntimeError(f"demo: comment on #{request_id} refused: {result.outcome}")
        async with self.session.begin():
            await self.session.execute(
                update(Comment).where(Comment.id == result.comment_id).values(created_at=at)
            )
        self.result.comments += 1

    async def one(self, index: int, target: RequestStatus) -> None:
        rng, people = self.rng, self.people
        code = rng.choice(list(PROBLEMS))
        description, fixer_key = rng.choice(PROBLEMS[code])
        author = people[AUTHOR_KEYS[index % len(AUTHOR_KEYS)]]
        executor = people[fixer_key if rng.random() < 0.8 else rng.choice(EXECUTOR_KEYS)]
        deputy = people["deputy"]
        low, high = AGE_DAYS[target]
        created = self.now - timedelta(days=rng.uniform(low, high))
        clock = _Clock(created, self.now - timedelta(minutes=REQUESTS - index), rng)
        priority = rng.choices(
            [Priority.LOW, Priority.NORMAL, Priority.HIGH, Priority.URGENT], [2, 6, 3, 1]
        )[0]
        draft = Draft(
            category_id=self.categories.get(code) or next(iter(self.categories.values())),
            location=rng.choice(ROOMS),
            description=description,
            priority=priority,
        )
        created_result = await create_request(
            self.session,
            self.notifier,
            user=author,
            draft=draft,
            token=f"demo-{index}",
            rules=self.rules,
            now=created,
        )
        if created_result.outcome is not CreateOutcome.CREATED or created_result.view is None:
            raise RuntimeError(f"demo: request {index} not created: {created_result.outcome}")
        rid = created_result.view.id
        if rng.random() < 0.25:
            await self.comment(rid, author, rng.choice(COMMENTS_BY_AUTHOR), clock.later(0.2, 2))

        if target is S.NEW:
            return
        if target is S.REJECTED:
            await self.act(
                rid, Action.REJECT, deputy, clock.later(1, 8), reason=_pick(rng, REJECT_REASONS)
            )
            return
        if target is S.CANCELLED and rng.random() < 0.5:
            await self.act(rid, Action.CANCEL, author, clock.later(0.5, 6))
            return
        # Somebody takes it on: the executor themself, or the deputy assigns it.
        if rng.random() < 0.55:
            await self.act(rid, Action.TAKE, executor, clock.later(0.3, 6))
        else:
            await self.act(rid, Action.ASSIGN, deputy, clock.later(0.3, 6), assignee=executor)
        if rng.random() < 0.4:
            await self.comment(rid, executor, rng.choice(COMMENTS_BY_STAFF), clock.later(0.2, 3))
        if target is S.IN_PROGRESS:
            return
        if target is S.CANCELLED:
            await self.act(rid, Action.CANCEL, author, clock.later(1, 24))
            return
        if target is S.ON_HOLD or rng.random() < 0.2:
            reason = _pick(rng, HOLD_REASONS)
            await self.act(rid, Action.HOLD, executor, clock.later(1, 12), reason=reason)
            if target is S.ON_HOLD:
                return
            await self.act(rid, Action.RESUME, executor, clock.later(12, 48))
        await self.comment(rid, executor, rng.choice(RESULTS), clock.later(1, 30))
        await self.act(rid, Action.FINISH, executor, clock.later(0, 0.1))
        if target is S.DONE:
            return
        if rng.random() < 0.15:  # not fixed after all: back to work, then fixed for good
            await self.act(rid, Action.REOPEN, author, clock.later(2, 20), reason=REOPEN_REASONS[0])
            await self.act(rid, Action.FINISH, executor, clock.later(3, 24))
        week_later = clock.at + timedelta(days=7, hours=rng.uniform(0, 12))
        if week_later < self.now - timedelta(hours=1) and rng.random() < 0.3:
            # Nobody confirmed within a week: the scheduler's auto-close did it.
            clock.at = week_later
            await self.act(rid, Action.AUTO_CLOSE, None, week_later)
            return
        await self.act(rid, Action.CONFIRM, author, clock.later(0.5, 20))
        if rng.random() < 0.8:
            stars = rng.choices([5, 4, 3, 2], [6, 3, 1, 0.3])[0]
            if await rate(self.session, rid, author, stars) is RateOutcome.DONE:
                self.result.ratings += 1
            if rng.random() < 0.4:
                await rate_comment(self.session, rid, author, rng.choice(RATING_COMMENTS))


def _pick(rng: random.Random, options: tuple[str, ...]) -> str:
    return rng.choice(options)


async def fill_demo_school(
    session_pool: async_sessionmaker[AsyncSession],
    notifier: Notifier,
    *,
    sla_hours: dict[str, int] | None = None,
    now: datetime | None = None,
    seed: int = 2026,
) -> DemoResult:
    """Seed the demo school; REFUSED (and nothing written) when requests exist."""
    now = now or utcnow()
    rng = random.Random(seed)  # noqa: S311 - a reproducible demo school, not a secret
    async with session_pool() as session:
        async with session.begin():
            if await session.scalar(select(func.count()).select_from(Request)):
                return DemoResult(DemoOutcome.REFUSED)
            people = await _add_people(session)
            rows = await session.execute(select(Category.code, Category.id).order_by(Category.id))
            categories = {code: cid for code, cid in rows.all() if code is not None}
            if not categories:
                categories = {"other": (await session.scalar(select(Category.id))) or 0}
        seeder = _Seeder(session, notifier, people, categories, now, rng)
        if sla_hours:
            seeder.rules = CreationRules(sla_hours=sla_hours, limit=10_000, window=timedelta(1))
        order = list(STATUSES)
        rng.shuffle(order)
        for index, target in enumerate(order):
            await seeder.one(index, target)
        async with session.begin():
            await _finish(session, people)
            counts = await session.execute(
                select(Request.status, func.count()).group_by(Request.status)
            )
            seeder.result.by_status = {RequestStatus(s): n for s, n in counts.all()}
    seeder.result.requests = sum(seeder.result.by_status.values())
    log.info("demo_school_seeded", requests=seeder.result.requests)
    return seeder.result


async def _add_people(session: AsyncSession) -> dict[str, User]:
    people: dict[str, User] = {}
    for number, (key, full_name, role) in enumerate(PEOPLE, start=1):
        user = User(
            telegram_id=DEMO_ID_BASE + number,
            username=None,
            full_name=full_name,
            language="ru",
            role=role,
            bot_blocked=True,  # no Telegram chat behind them: never messaged
        )
        session.add(user)
        people[key] = user
    await session.flush()
    return people


async def _finish(session: AsyncSession, people: dict[str, User]) -> None:
    """Nobody hears about demo requests; the deputy hands the admin role to the real one."""
    demo_chats = [u.telegram_id for u in people.values()]
    await session.execute(
        delete(OutboxMessage).where(
            or_(OutboxMessage.request_id.is_not(None), OutboxMessage.chat_id.in_(demo_chats))
        )
    )
    await session.execute(update(User).where(User.id == people["deputy"].id).values(role=Role.USER))
