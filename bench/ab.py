"""`make bench-ab`: CPU per update of two versions, measured side by side, with its error.

A whole `make bench` run varies by 15–30 % on a shared 2-core machine, which hides any
change smaller than that. Here two worker processes — one per version (a git revision,
checked out into a temporary worktree, or the working tree itself) — run the same
mixed workload on their own database and Redis, and the coordinator has them work in
turns: many short segments of N updates each, every segment followed by the drain of the
notifications it queued, the order within each pair of segments drawn at random. Both
see the same machine at nearly the same moments, so a noisy neighbour slows both; what
is compared is each pair's ratio, and the report gives its mean with a 95 % bootstrap
confidence interval.

Each worker uses *its own* version's code (`bot`, `bench.run`'s driver, the scripts)
and this file's worker loop, so any two commits since the benchmark existed compare.

    python -m bench.ab --base main             # main vs the working tree
    python -m bench.ab --base v0.1.0 --head main --segments 40
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE = "postgresql+asyncpg://postgres@127.0.0.1:5432/zavhoz_ab_{variant}"
DEFAULT_REDIS = "redis://127.0.0.1:6379/{db}"
REDIS_DBS = {"a": 12, "b": 13}


# --------------------------------------------------------------------------- worker
async def _worker(args: argparse.Namespace) -> None:
    """Runs inside one version's tree: builds the app as `bench.run` does, then serves
    segments requested on stdin, answering each with its CPU time on stdout."""
    from sqlalchemy import select, update

    from bench.database import recreate
    from bench.instrument import Counters, InProcessSession
    from bench.run import Driver, Phase, outbox_drained, population
    from bench.workload import Role, Scripts, Stats
    from bot.app import create_app, freeze_startup_objects
    from bot.logging import configure_logging
    from bot.metrics import TelegramErrorCounter
    from bot.settings import Settings
    from models import Category, User
    from models import Role as UserRole
    from tests.updates import message

    await recreate(args.database_url)
    users = population(args.requesters, 5, 3)
    settings = Settings(
        _env_file=None,
        bot_token="123456:BENCHMARK-TOKEN-not-a-real-one",
        database_url=args.database_url,
        redis_url=args.redis_url,
        admin_ids=frozenset(u.person.id for u in users if u.role is Role.ADMIN),
        auto_migrate=False,
        metrics_port=0,
        digest_time=None,
        log_level="WARNING",
        log_format="json",
        outbox_rate_per_second=1000,
        outbox_private_rate_per_second=100,
        comment_coalesce_seconds=0,  # as bench.run: each segment's drain delivers comments
    )
    configure_logging(settings.log_level, settings.log_format)
    app = await create_app(settings)
    session = InProcessSession(Counters())
    for middleware in app.bot.session.middleware:  # e.g. the limits of the version's Bot
        session.middleware(middleware)
    session.middleware(TelegramErrorCounter(app.metrics))
    app.bot.session = session
    assert app.redis is not None
    await app.redis.flushdb()
    app.sender_task = asyncio.create_task(app.sender.run(), name="outbox-sender")
    try:
        async with app.session_pool() as db:
            categories = list(await db.scalars(select(Category.id).where(~Category.is_hidden)))
        scripts = Scripts(session.chats, Stats(), random.Random(args.seed), categories)
        driver = Driver(app.dispatcher, app.bot, users, scripts, max_active=args.active)
        for user in users:
            await app.dispatcher.feed_update(app.bot, message(user.person, "/start"))
        executors = [u.person.id for u in users if u.role is Role.EXECUTOR]
        async with app.session_pool.begin() as db:
            await db.execute(
                update(User).where(User.telegram_id.in_(executors)).values(role=UserRole.EXECUTOR)
            )
        await driver.closed_loop(Phase("warm-up"), args.concurrency, args.warmup)
        await outbox_drained(app)
        freeze_startup_objects()
        _reply({"ready": True})
        while line := await asyncio.to_thread(sys.stdin.readline):
            count = int(json.loads(line)["updates"])
            phase = Phase("segment")
            cpu, wall = time.process_time(), time.perf_counter()
            await _count_loop(driver, phase, args.concurrency, count)
            undelivered = await outbox_drained(app)
            _reply(
                {
                    "updates": phase.updates,
                    "errors": phase.errors,
                    "cpu_s": time.process_time() - cpu,
                    "wall_s": time.perf_counter() - wall,
                    "undelivered": undelivered,
                }
            )
    finally:
        await app.close(sender_grace=5)


async def _count_loop(driver: Any, phase: Any, concurrency: int, count: int) -> None:
    """The closed loop of `bench.run`, ending after `count` updates instead of a time.

    A worker with nobody free sleeps until the next person is ready instead of polling:
    polling burns CPU in proportion to wall time, so a loaded machine (a longer segment)
    would read as a slower version.
    """
    left = count

    def next_ready() -> float:
        waiting = [u.ready_at for pool in (driver.staff, driver.active) for u in pool if not u.busy]
        return min(waiting, default=time.perf_counter() + 0.02)

    async def worker() -> None:
        nonlocal left
        while left > 0:
            now = time.perf_counter()
            user = driver._take(now)
            if user is None:
                await asyncio.sleep(min(0.02, max(0.001, next_ready() - now)))
                continue
            left -= 1
            await driver._one(user, phase, time.perf_counter())

    await asyncio.gather(*(worker() for _ in range(concurrency)))


_OUT: TextIO = sys.stdout


def _version_event_loop() -> Any:
    """The event loop the version's own processes run on (bot.event_loop, uvloop since
    it exists), else asyncio's: the loop is part of what is compared."""
    try:
        from bot.event_loop import run_event_loop
    except ImportError:
        return asyncio.run
    return run_event_loop


def _reply(data: dict[str, Any]) -> None:
    _OUT.write(json.dumps(data) + "\n")
    _OUT.flush()


# ---------------------------------------------------------------------- coordinator
@dataclass
class Variant:
    name: str  # "a" or "b"
    label: str  # the revision, or "working tree"
    tree: Path
    process: subprocess.Popen[str] | None = None
    per_update_ms: list[float] = field(default_factory=list)

    def run(self, updates: int) -> float:
        assert self.process is not None and self.process.stdin and self.process.stdout
        self.process.stdin.write(json.dumps({"updates": updates}) + "\n")
        self.process.stdin.flush()
        answer = json.loads(self.process.stdout.readline())
        if answer["errors"] or answer["undelivered"]:
            raise SystemExit(f"{self.label}: a segment had errors or undelivered notifications")
        ms = answer["cpu_s"] / max(1, answer["updates"]) * 1000
        self.per_update_ms.append(ms)
        return float(ms)


def _checkout(revision: str, stack: contextlib.ExitStack) -> Path:
    """A temporary worktree of `revision` (removed at the end)."""
    path = Path(tempfile.mkdtemp(prefix="zavhoz-ab-"))
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", "-f", str(path), revision],
        check=True,
        capture_output=True,
    )
    stack.callback(
        subprocess.run,
        ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(path)],
        check=False,
        capture_output=True,
    )
    return path


def _start(variant: Variant, args: argparse.Namespace) -> None:
    # The worker loop is this file's; everything it imports comes from the variant's tree.
    code = (
        "import runpy, sys; sys.path.insert(0, sys.argv[1]); "
        "sys.argv = [sys.argv[2], *sys.argv[3:]]; runpy.run_path(sys.argv[0], run_name='__main__')"
    )
    command = [
        sys.executable,
        "-c",
        code,
        str(variant.tree),
        str(Path(__file__).resolve()),
        "worker",
        "--database-url",
        DEFAULT_DATABASE.format(variant=variant.name),
        "--redis-url",
        DEFAULT_REDIS.format(db=REDIS_DBS[variant.name]),
        "--requesters",
        str(args.requesters),
        "--concurrency",
        str(args.concurrency),
        "--warmup",
        str(args.warmup),
        "--seed",
        str(args.seed),
    ]
    env = {**os.environ, "PYTHONPATH": str(variant.tree)}
    logs = open(os.environ.get("BENCH_LOG", os.devnull), "a")  # noqa: SIM115 - lives with the process
    variant.process = subprocess.Popen(
        command,
        cwd=variant.tree,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=logs,
        text=True,
    )


def _ready(variant: Variant) -> None:
    assert variant.process is not None and variant.process.stdout
    line = variant.process.stdout.readline()
    if not line:
        raise SystemExit(f"{variant.label}: the worker did not start (see BENCH_LOG)")
    assert json.loads(line).get("ready")


def geometric_mean(ratios: list[float]) -> float:
    """The typical ratio: a segment twice as slow and one twice as fast cancel out."""
    return math.exp(statistics.fmean(math.log(r) for r in ratios))


def bootstrap_ci(
    ratios: list[float], rng: random.Random, rounds: int = 10_000
) -> tuple[float, float]:
    """95 % interval of the geometric mean ratio, by resampling the pairs."""
    n = len(ratios)
    means = sorted(geometric_mean(rng.choices(ratios, k=n)) for _ in range(rounds))
    return means[int(rounds * 0.025)], means[int(rounds * 0.975) - 1]


def compare(args: argparse.Namespace) -> dict[str, Any]:
    rng = random.Random(args.seed)
    with contextlib.ExitStack() as stack:
        trees = {
            "a": _checkout(args.base, stack) if args.base else ROOT,
            "b": _checkout(args.head, stack) if args.head else ROOT,
        }
        a = Variant("a", args.base or "working tree", trees["a"])
        b = Variant("b", args.head or "working tree", trees["b"])
        for variant in (a, b):
            _start(variant, args)
            stack.callback(variant.process.kill)  # type: ignore[union-attr]
        for variant in (a, b):
            _ready(variant)
        ratios = []
        for i in range(args.segments):
            pair = [a, b]
            rng.shuffle(pair)
            result = {v.name: v.run(args.updates) for v in pair}
            ratios.append(result["b"] / result["a"])
            print(
                f"  segment {i + 1:>3}/{args.segments}: A {result['a']:6.2f} ms  "
                f"B {result['b']:6.2f} ms  B/A {ratios[-1]:.3f}",
                file=sys.stderr,
            )
        low, high = bootstrap_ci(ratios, rng)
    mean = geometric_mean(ratios)
    return {
        "a": {"label": a.label, "ms_per_update": statistics.fmean(a.per_update_ms)},
        "b": {"label": b.label, "ms_per_update": statistics.fmean(b.per_update_ms)},
        "segments": args.segments,
        "updates_per_segment": args.updates,
        "change_pct": (mean - 1) * 100,
        "ci95_pct": [(low - 1) * 100, (high - 1) * 100],
        "ratios": ratios,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("mode", nargs="?", default="compare", choices=["compare", "worker"])
    parser.add_argument("--base", default="main", help="revision A ('' = the working tree)")
    parser.add_argument("--head", default="", help="revision B ('' = the working tree)")
    parser.add_argument("--segments", type=int, default=30, help="pairs of segments")
    parser.add_argument("--updates", type=int, default=150, help="updates per segment")
    parser.add_argument("--requesters", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--warmup", type=float, default=5)
    parser.add_argument("--active", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--redis-url", default="")
    parser.add_argument("--json", type=Path, default=Path("bench/results/ab.json"))
    args = parser.parse_args()
    if args.mode == "worker":
        global _OUT
        _OUT = sys.stdout
        with contextlib.redirect_stdout(sys.stderr):  # only replies go to the coordinator
            _version_event_loop()(_worker(args))
        return
    result = compare(args)
    a, b = result["a"], result["b"]
    low, high = result["ci95_pct"]
    print(
        f"A ({a['label']}): {a['ms_per_update']:.2f} ms CPU per update, notifications included\n"
        f"B ({b['label']}): {b['ms_per_update']:.2f} ms\n"
        f"B vs A: {result['change_pct']:+.1f} % (95 % CI {low:+.1f} % … {high:+.1f} %), "
        f"{result['segments']} pairs of {result['updates_per_segment']} updates"
    )
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2))
    print(f"JSON: {args.json}")


if __name__ == "__main__":
    main()
