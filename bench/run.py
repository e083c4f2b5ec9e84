"""`make bench`: the mixed workload of a school day through the production dispatcher.

The process is built like `python -m bot` builds it (`bot.app.create_app`: settings,
engine, Redis, the dispatcher with every middleware, the outbox sender), against real
PostgreSQL and Redis; only the Bot API answers in-process. 500 requesters, 5 executors
and 3 admins follow the scripts of `bench.workload`, at most two updates a second each
(a person's pace, and the flood control's), so the load is many people, not one robot.

Phases (after registering everyone and a warm-up):
1. throughput: as many updates as the dispatcher takes, `--concurrency` at a time;
2. latency: an open loop offering `--rate` updates a second, each update's latency
   counted from the moment it was due (so a late start is not hidden).

Prints a table, writes JSON (`--json`) so two runs can be compared.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from aiogram import Bot, Dispatcher
from aiogram.types import Update
from sqlalchemy import func, select, update

from bench.database import recreate
from bench.instrument import Counters, InProcessSession, count_redis, count_sql, peak_rss_mb
from bench.report import Report, summary_ms
from bench.workload import Role, Scripts, Stats, VirtualUser
from bot.app import App, create_app, freeze_startup_objects
from bot.event_loop import run_event_loop
from bot.logging import configure_logging
from bot.metrics import TelegramErrorCounter
from bot.settings import Settings
from models import Category, OutboxMessage, OutboxStatus, Request, User
from models import Role as UserRole
from tests.updates import Person, message

DEFAULT_DATABASE_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/zavhoz_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/14"
PACE = 0.5  # seconds between one person's updates: two a second, the flood limit

REQUESTER_BASE, EXECUTOR_BASE, ADMIN_BASE = 10_000_000, 20_000_000, 30_000_000


@dataclass
class Phase:
    name: str
    updates: int = 0
    errors: int = 0
    wall_s: float = 0.0  # the updates' own time
    cpu_s: float = 0.0  # the process's CPU meanwhile (the outbox sender's included)
    drain_s: float = 0.0  # then: until their notifications were all delivered
    drain_cpu_s: float = 0.0
    latencies: list[float] = field(default_factory=list)
    by_script: dict[str, list[float]] = field(default_factory=dict)
    counts: tuple[int, int, int, int] = (0, 0, 0, 0)  # sql, transactions, redis, api
    idle_misses: int = 0  # ticks of the open loop with nobody free to act
    undelivered: int = 0  # notifications still queued when the drain gave up


class Driver:
    """Hands the people's next updates to the dispatcher and times them."""

    def __init__(
        self,
        dp: Dispatcher,
        bot: Bot,
        users: list[VirtualUser],
        scripts: Scripts,
        max_active: int,
    ) -> None:
        self.dp, self.bot, self.scripts = dp, bot, scripts
        self.staff = deque(u for u in users if u.role is not Role.REQUESTER)
        # Teachers come and go: at most `max_active` are in the middle of something (and
        # act again at a person's pace until their script ends); the rest wait their turn.
        self.max_active = max_active
        self.active: deque[VirtualUser] = deque()
        self.idle = deque(u for u in users if u.role is Role.REQUESTER)

    def _take(self, now: float) -> VirtualUser | None:
        """A free person: staff first (they work at a person's full pace), then the
        teachers in the middle of something, then a new teacher if there is room."""
        for pool in (self.staff, self.active):
            for _ in range(len(pool)):
                user = pool.popleft()
                pool.append(user)
                if not user.busy and user.ready_at <= now:
                    user.busy = True
                    return user
        if len(self.active) < self.max_active and self.idle:
            user = self.idle.popleft()
            self.active.append(user)
            user.busy = True
            return user
        return None

    def _next_update(self, user: VirtualUser) -> Update:
        if user.pending is not None:
            return user.pending
        for _ in range(3):
            user.script_name, user.script = self.scripts.next_script(user)
            found = next(user.script, None)
            if found is not None:
                return found
        return message(user.person, "/start")  # three scripts missed at once: look around

    async def _one(self, user: VirtualUser, phase: Phase, due: float) -> None:
        # What polling receives: JSON, parsed into an Update mounted on the Bot.
        raw = self._next_update(user).model_dump(mode="json", exclude_none=True)
        try:
            update = Update.model_validate(raw, context={"bot": self.bot})
            await self.dp.feed_update(self.bot, update)
        except Exception:
            phase.errors += 1
        finished = time.perf_counter()
        latency = finished - due
        phase.updates += 1
        phase.latencies.append(latency)
        phase.by_script.setdefault(user.script_name, []).append(latency)
        # The person reads the answer and decides what to do next (the script resumes now,
        # after the update was handled); a finished teacher makes room for another.
        user.pending = next(user.script, None) if user.script is not None else None
        if user.pending is None:
            user.script = None
            if user.role is Role.REQUESTER:
                self.active.remove(user)
                self.idle.append(user)
        user.ready_at = finished + PACE
        user.busy = False

    async def closed_loop(self, phase: Phase, concurrency: int, seconds: float) -> None:
        deadline = time.perf_counter() + seconds

        async def worker() -> None:
            while (now := time.perf_counter()) < deadline:
                user = self._take(now)
                if user is None:
                    await asyncio.sleep(0.002)
                    continue
                await self._one(user, phase, time.perf_counter())

        await asyncio.gather(*(worker() for _ in range(concurrency)))

    async def open_loop(self, phase: Phase, rate: float, seconds: float) -> None:
        start = time.perf_counter()
        tasks: set[asyncio.Task[None]] = set()
        for i in range(int(rate * seconds)):
            due = start + i / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            user = self._take(time.perf_counter())
            if user is None:
                phase.idle_misses += 1
                continue
            task = asyncio.create_task(self._one(user, phase, due))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        await asyncio.gather(*tasks)


async def measure(
    phase: Phase,
    counters: Counters,
    run: Callable[[], Awaitable[None]],
    settle: Callable[[], Awaitable[int]],
) -> None:
    before = counters.snapshot()
    cpu, wall = time.process_time(), time.perf_counter()
    await run()
    phase.wall_s = time.perf_counter() - wall
    phase.cpu_s = time.process_time() - cpu
    # The notifications these updates queued are part of their cost: the statements and
    # API calls are counted until the outbox is empty, the CPU too (separately).
    cpu, wall = time.process_time(), time.perf_counter()
    phase.undelivered = await settle()
    phase.drain_s = time.perf_counter() - wall
    phase.drain_cpu_s = time.process_time() - cpu
    sql, transactions, redis, api = (
        a - b for a, b in zip(counters.snapshot(), before, strict=True)
    )
    phase.counts = (sql, transactions, redis, api)


def population(requesters: int, executors: int, admins: int) -> list[VirtualUser]:
    def person(base: int, i: int, name: str) -> Person:
        return Person(id=base + i, first_name=f"{name}{i}", username=f"{name.lower()}{i}")

    return [
        *(VirtualUser(person(ADMIN_BASE, i, "Admin"), Role.ADMIN) for i in range(admins)),
        *(VirtualUser(person(EXECUTOR_BASE, i, "Fixer"), Role.EXECUTOR) for i in range(executors)),
        *(
            VirtualUser(person(REQUESTER_BASE, i, "Teacher"), Role.REQUESTER)
            for i in range(requesters)
        ),
    ]


async def outbox_drained(app: App, within: float = 60.0) -> int:
    """Wait (bounded) until the sender has delivered what the phase enqueued; the number
    of notifications still pending (0 unless the sender fell behind)."""
    deadline = time.perf_counter() + within
    while True:
        async with app.session_pool() as session:
            pending = await session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.status == OutboxStatus.PENDING)
            )
        if not pending or time.perf_counter() >= deadline:
            return pending or 0
        app.sender.wake()
        await asyncio.sleep(0.2)


async def bench(args: argparse.Namespace) -> Report:
    await recreate(args.database_url)
    users = population(args.requesters, args.executors, args.admins)
    settings = Settings(
        _env_file=None,
        bot_token="123456:BENCHMARK-TOKEN-not-a-real-one",
        database_url=args.database_url,
        redis_url=args.redis_url,
        admin_ids=frozenset(u.person.id for u in users if u.role is Role.ADMIN),
        auto_migrate=False,
        metrics_port=0,
        panel_port=0,
        digest_time=None,
        log_level=args.log_level,
        log_format="json",
        # The sender delivers in-process; Telegram's own limits would only queue them.
        outbox_rate_per_second=1000,
        outbox_private_rate_per_second=100,
        # Comments are told at once, so each phase's drain delivers them too.
        comment_coalesce_seconds=0,
    )
    configure_logging(settings.log_level, settings.log_format)

    counters = Counters()
    app = await create_app(settings)
    session = InProcessSession(counters)
    for middleware in app.bot.session.middleware:  # the production Bot's (Telegram's limits)
        session.middleware(middleware)
    session.middleware(TelegramErrorCounter(app.metrics))
    app.bot.session = session
    count_sql(app.engine, counters)
    count_redis(counters)
    assert app.redis is not None
    await app.redis.flushdb()
    app.sender_task = asyncio.create_task(app.sender.run(), name="outbox-sender")
    freeze_startup_objects()  # as `python -m bot` does once it has started

    try:
        async with app.session_pool() as db:
            categories = list(await db.scalars(select(Category.id).where(~Category.is_hidden)))
        rng = random.Random(args.seed)
        stats = Stats()
        driver = Driver(
            app.dispatcher,
            app.bot,
            users,
            Scripts(session.chats, stats, rng, categories),
            max_active=args.active,
        )

        for user in users:  # everyone says /start once: registered, menu shown
            await app.dispatcher.feed_update(app.bot, message(user.person, "/start"))
        async with app.session_pool.begin() as db:
            await db.execute(
                update(User)
                .where(
                    User.telegram_id.in_([u.person.id for u in users if u.role is Role.EXECUTOR])
                )
                .values(role=UserRole.EXECUTOR)
            )
        warm = Phase("warm-up")
        await driver.closed_loop(warm, args.concurrency, args.warmup)
        await outbox_drained(app)

        stats.scripts.clear()
        stats.misses.clear()
        rss_before = peak_rss_mb()
        throughput, latency = Phase("throughput"), Phase("latency")
        await measure(
            throughput,
            counters,
            lambda: driver.closed_loop(throughput, args.concurrency, args.seconds),
            lambda: outbox_drained(app),
        )
        await measure(
            latency,
            counters,
            lambda: driver.open_loop(latency, args.rate, args.seconds),
            lambda: outbox_drained(app),
        )
        # Lighter loads, to show where the latency target holds (not in the averages).
        lighter: list[tuple[float, Phase]] = []
        for rate in args.lighter:
            phase = Phase(f"latency at {rate:g}/s")
            await driver.open_loop(phase, rate, args.seconds / 2)
            await outbox_drained(app)
            lighter.append((rate, phase))
        async with app.session_pool() as db:
            requests_made = await db.scalar(select(func.count()).select_from(Request))
        errors = (
            sum(  # what the error handler caught and apologised for, and what escaped
                sample.value
                for metric in app.metrics.errors_total.collect()
                for sample in metric.samples
                if sample.name.endswith("_total")
            )
            + throughput.errors
            + latency.errors
        )
    finally:
        await app.close(sender_grace=5)

    return report(
        args,
        Results(
            throughput, latency, lighter, stats, rss_before, requests_made or 0, errors, counters
        ),
    )


@dataclass
class Results:
    throughput: Phase
    latency: Phase
    lighter: list[tuple[float, Phase]]
    stats: Stats
    rss_before: float
    requests_made: int
    errors: float
    counters: Counters


def report(args: argparse.Namespace, results: Results) -> Report:
    throughput, latency, stats = results.throughput, results.latency, results.stats
    rep = Report(
        f"ZAVhoz mixed workload — {args.requesters} requesters, {args.executors} executors, "
        f"{args.admins} admins, {os.cpu_count()} CPUs"
    )
    closed = summary_ms(throughput.latencies)
    opened = summary_ms(latency.latencies)
    both = throughput.updates + latency.updates
    counts = [throughput.counts[i] + latency.counts[i] for i in range(4)]
    rep.add("throughput", throughput.updates / throughput.wall_s, "upd/s", at_least=300)
    rep.add("CPU per update", throughput.cpu_s / max(1, throughput.updates) * 1000, "ms")
    rep.add(
        "  + its notifications",
        throughput.drain_cpu_s / max(1, throughput.updates) * 1000,
        "ms",
    )
    rep.add("p50 at full load", closed["p50"], "ms")
    rep.add("p99 at full load", closed["p99"], "ms")
    rep.add("offered load", args.rate, "upd/s")
    rep.add("achieved", latency.updates / args.seconds, "upd/s")
    rep.add(f"p50 at {args.rate:g}/s", opened["p50"], "ms")
    rep.add(f"p95 at {args.rate:g}/s", opened["p95"], "ms")
    rep.add(f"p99 at {args.rate:g}/s", opened["p99"], "ms", at_most=25)
    for rate, phase in results.lighter:
        rep.add(f"p99 at {rate:g}/s", summary_ms(phase.latencies)["p99"], "ms")
    rep.add("SQL statements / update", counts[0] / max(1, both), "", at_most=4)
    rep.add("transactions / update", counts[1] / max(1, both), "")
    rep.add("Redis round trips / update", counts[2] / max(1, both), "", at_most=3)
    rep.add("Bot API calls / update", counts[3] / max(1, both), "")
    rep.add("peak RSS", peak_rss_mb(), "MB", at_most=200)
    rep.add("handler errors", results.errors, "", at_most=0)
    rep.add(
        "notifications undelivered",
        throughput.undelivered + latency.undelivered,
        "",
        at_most=0,
    )
    rep.add("scripts run", sum(stats.scripts.values()), "")
    rep.add("  ended early (no button)", sum(stats.misses.values()), "")
    rep.details = {
        "args": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
        "requests_created": results.requests_made,
        "rss_before_measuring_mb": results.rss_before,
        "phases": {
            p.name: {
                "updates": p.updates,
                "wall_s": p.wall_s,
                "cpu_s": p.cpu_s,
                "drain_s": p.drain_s,
                "drain_cpu_s": p.drain_cpu_s,
                "latency_ms": summary_ms(p.latencies),
                "sql": p.counts[0],
                "transactions": p.counts[1],
                "redis": p.counts[2],
                "api_calls": p.counts[3],
                "idle_misses": p.idle_misses,
                "by_script_ms": {k: summary_ms(v) | {"n": len(v)} for k, v in p.by_script.items()},
            }
            for p in (throughput, latency, *(phase for _, phase in results.lighter))
        },
        "top_statements": results.counters.by_statement.most_common(25),
        "scripts": stats.scripts,
        "misses": stats.misses,
    }
    return rep


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    env = os.environ.get
    # Its own variable: this database is dropped and created anew on every run, so it
    # must never be the one `make bench-data` seeded (BENCH_DATABASE_URL).
    parser.add_argument(
        "--database-url", default=env("BENCH_RUN_DATABASE_URL", DEFAULT_DATABASE_URL)
    )
    parser.add_argument("--redis-url", default=env("BENCH_REDIS_URL", DEFAULT_REDIS_URL))
    parser.add_argument("--requesters", type=int, default=500)
    parser.add_argument("--executors", type=int, default=5)
    parser.add_argument("--admins", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=50, help="updates in flight (phase 1)")
    parser.add_argument("--rate", type=float, default=150, help="offered updates/s (phase 2)")
    parser.add_argument("--seconds", type=float, default=20, help="length of each phase")
    parser.add_argument("--warmup", type=float, default=5)
    parser.add_argument(
        "--lighter",
        type=lambda text: [float(r) for r in text.split(",") if r],
        default=[50.0, 100.0],
        help="lighter offered loads for the latency curve, e.g. 50,100 (half as long each)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--active", type=int, default=200, help="teachers in the middle of something at once"
    )
    parser.add_argument("--log-level", default="INFO")
    parser.add_argument("--json", type=Path, default=Path("bench/results/run.json"))
    args = parser.parse_args()
    # Logs are rendered as in production (JSON lines), but into /dev/null.
    with (
        open(os.environ.get("BENCH_LOG", os.devnull), "w") as logs,
        contextlib.redirect_stderr(logs),
    ):
        rep = run_event_loop(bench(args))
    print(rep.table())
    rep.write_json(args.json)
    print(f"\nJSON: {args.json}")


if __name__ == "__main__":
    main()
