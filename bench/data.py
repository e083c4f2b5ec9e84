"""`make bench-data`: the admin queues, search and the export on a school's years of data.

Seeds 1,000,000 requests and 50,000 users (bench.seed; skipped when the database already
holds those counts, unless --reseed), then measures through the project's own service
functions, each call in a fresh session as a handler gets one:

- every admin queue, first page and a deep page (the keyset cursor followed --deep pages),
  with category / priority / assignee filters; each view counts its queue for the title;
- the panel's button counts;
- search by #number and by words (common, rare, none), first and a deep page;
- an author's "My requests";
- the web panel's list and request pages, through the app its production factory
  builds (httpx over ASGI, in process: the server's time, with a logged-in admin);
- a ~100,000-row .xlsx export, in a fresh subprocess, for its time and RSS growth.

Then EXPLAIN (FORMAT JSON) of every statement those calls sent: a Seq Scan on requests is
printed as a warning and kept in the JSON. Targets: 20 ms p95 per view, export 20 s,
RSS growth 100 MB; a panel page 50 ms p95. The JSON (bench/results/data.json) lets two
runs be compared.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bench import seed as seeding
from bench.database import asyncpg_dsn
from bench.instrument import peak_rss_mb
from bench.report import Report, summary_ms
from bot.services import requests as requests_service
from bot.services import triage
from bot.services.export import build_export
from database import migrate
from database.engine import create_engine, create_session_pool
from database.repositories import users as users_repo
from models import Priority, utcnow
from models.queues import UNASSIGNED, Queue, QueueFilter
from models.reports import ExportPeriod
from utils.i18n import Catalogue

RESULTS = Path(__file__).parent / "results" / "data.json"
TARGET_MS = 20.0
TARGET_PANEL_MS = 50.0
TARGET_EXPORT_S = 20.0
TARGET_RSS_MB = 100.0
TZ = ZoneInfo("Europe/Moscow")
SEED_SPACING = timedelta(seconds=90)  # bench.seed files request g at now - g * 90 s

Call = Callable[[AsyncSession], Awaitable[object]]


# ------------------------------------------------------------------------------ seeding
async def _counts(url: str) -> tuple[int, int] | None:
    """(users, requests) in the bench database, or None when it is missing or unmigrated."""
    try:
        conn = await asyncpg.connect(asyncpg_dsn(url))
    except asyncpg.InvalidCatalogNameError:
        return None
    try:
        users = await conn.fetchval("SELECT count(*) FROM users")
        requests = await conn.fetchval("SELECT count(*) FROM requests")
    except asyncpg.UndefinedTableError:
        return None
    finally:
        await conn.close()
    return int(users), int(requests)


async def ensure_seeded(url: str, *, requests: int, users: int, reseed: bool) -> None:
    found = None if reseed else await _counts(url)
    if found == (users, requests):
        # Kept data; a newer migration (an index) still has to be applied to it.
        await asyncio.to_thread(migrate.upgrade, url)
        print(f"kept {users:,} users and {requests:,} requests (--reseed to start over)")
        return
    await seeding.seed(url, requests, users)


# ---------------------------------------------------------------------------- measuring
@dataclass
class Recorder:
    """Every SQL statement sent while `on` (with its parameters), for EXPLAIN."""

    on: bool = False
    label: str = ""
    statements: dict[tuple[str, str], Any] = field(default_factory=dict)

    def attach(self, engine: AsyncEngine) -> None:
        @event.listens_for(engine.sync_engine, "before_cursor_execute")
        def _record(_conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
            if self.on and statement.lstrip().upper().startswith("SELECT"):
                self.statements.setdefault((self.label, statement), params)


@dataclass
class Bench:
    pool: async_sessionmaker[AsyncSession]
    recorder: Recorder
    repeat: int
    report: Report
    timings: dict[str, dict[str, float]] = field(default_factory=dict)

    async def once(self, call: Call) -> object:
        async with self.pool() as session:
            return await call(session)

    async def measure(self, name: str, call: Call) -> None:
        self.recorder.label = name
        self.recorder.on = True
        await self.once(call)  # warm-up, and the statements for EXPLAIN
        self.recorder.on = False
        took = []
        for _ in range(self.repeat):
            started = time.perf_counter()
            await self.once(call)
            took.append(time.perf_counter() - started)
        stats = summary_ms(took)
        self.timings[name] = {k: round(v, 3) for k, v in stats.items()}
        self.report.add(f"{name} p95", stats["p95"], "ms", at_most=TARGET_MS)


async def deep_cursor(bench: Bench, flt: QueueFilter, pages: int) -> tuple[int, int]:
    """Follow the queue's "more" button `pages` times; (cursor, pages actually followed)."""
    after = 0
    for depth in range(pages):
        view = await bench.once(partial(triage.queue, flt=flt, after_id=after))
        assert isinstance(view, triage.QueueView)
        if not view.page.has_more:
            return after, depth
        after = view.page.last_id
    return after, pages


async def deep_search_cursor(bench: Bench, text: str, pages: int) -> tuple[int, int]:
    after = 0
    for depth in range(pages):
        found = await bench.once(partial(triage.search, text=text, after_id=after))
        assert isinstance(found, triage.SearchResult)
        if found.page is None or not found.page.has_more:
            return after, depth
        after = found.page.last_id
    return after, pages


QUEUE_NAMES = {
    Queue.NEW: "New",
    Queue.IN_PROGRESS: "In progress",
    Queue.ON_HOLD: "On hold",
    Queue.DONE: "Done",
    Queue.OVERDUE: "Overdue",
    Queue.ALL: "All",
}


def filtered_views(assignee: int) -> Iterator[tuple[str, QueueFilter]]:
    for queue, name in QUEUE_NAMES.items():
        yield f"{name}", QueueFilter(queue=queue)
    yield "New, category", QueueFilter(queue=Queue.NEW, category_id=3)
    yield "In progress, urgent", QueueFilter(queue=Queue.IN_PROGRESS, priority=Priority.URGENT)
    yield "In progress, assignee", QueueFilter(queue=Queue.IN_PROGRESS, assignee=assignee)
    yield "Overdue, category", QueueFilter(queue=Queue.OVERDUE, category_id=5)
    yield "Overdue, assignee", QueueFilter(queue=Queue.OVERDUE, assignee=assignee)
    yield "All, category", QueueFilter(queue=Queue.ALL, category_id=3)
    yield "All, urgent", QueueFilter(queue=Queue.ALL, priority=Priority.URGENT)
    yield "All, assignee", QueueFilter(queue=Queue.ALL, assignee=assignee)
    yield "All, unassigned", QueueFilter(queue=Queue.ALL, assignee=UNASSIGNED)
    # The seed gives assignee 7 normal-priority requests only: the first finds some,
    # the second none (the worst case for a keyset walk: nothing stops it early).
    yield (
        "All, cat+normal+assignee",
        QueueFilter(queue=Queue.ALL, category_id=2, priority=Priority.NORMAL, assignee=assignee),
    )
    yield (
        "All, no match (3 filters)",
        QueueFilter(queue=Queue.ALL, category_id=2, priority=Priority.URGENT, assignee=assignee),
    )


async def measure_views(bench: Bench, *, deep: int, requests: int) -> dict[str, Any]:
    details: dict[str, Any] = {}
    await bench.measure("panel counts", lambda s: triage.panel_counts(s))
    assignee = 7
    for name, flt in filtered_views(assignee):
        await bench.measure(f"queue {name}", partial(triage.queue, flt=flt))
        cursor, depth = await deep_cursor(bench, flt, deep)
        if depth:
            details[f"queue {name} deep"] = {"pages": depth, "cursor": cursor}
            await bench.measure(
                f"queue {name} page {depth + 1}",
                partial(triage.queue, flt=flt, after_id=cursor),
            )

    number = f"#{requests // 2}"
    searches = {
        f"search {number}": number,
        "search common word": "кран",
        "search two common words": "течёт кран",
        "search rare word": str(requests - 12_345),
        # Request g's description starts with the (g % 8)-th phrase; 1 is "розетка".
        "search common + rare": f"розетка {requests // 3 // 8 * 8 + 1}",
        "search no match": "жираф",
        "search place": "каб 150",
    }
    for name, text in searches.items():
        await bench.measure(name, partial(triage.search, text=text))
    cursor, depth = await deep_search_cursor(bench, "кран", deep)
    if depth:
        details["search deep"] = {"pages": depth, "cursor": cursor}
        await bench.measure(
            f"search common word page {depth + 1}",
            partial(triage.search, text="кран", after_id=cursor),
        )
    return details


async def measure_my_requests(bench: Bench, engine: AsyncEngine) -> dict[str, Any]:
    async with engine.connect() as conn:  # the heaviest author (set-up, not measured)
        row = (
            await conn.exec_driver_sql(
                "SELECT author_id, count(*) FROM requests GROUP BY author_id "
                "ORDER BY count(*) DESC, author_id LIMIT 1"
            )
        ).one()
    author_id, count = (int(value) for value in row)
    async with bench.pool() as session:
        user = await users_repo.by_id(session, author_id)
    assert user is not None
    await bench.measure(
        "my requests (first page)", lambda s: requests_service.list_my_requests(s, user)
    )
    first = await bench.once(lambda s: requests_service.list_my_requests(s, user))
    assert isinstance(first, requests_service.MyRequestsPage)
    if first.has_older:
        cursor = first.items[-1].id
        await bench.measure(
            "my requests (page 2)",
            lambda s: requests_service.list_my_requests(s, user, cursor=cursor, page=2),
        )
    return {"author_id": author_id, "requests": count}


async def measure_panel(bench: Bench, engine: AsyncEngine, *, requests: int) -> dict[str, Any]:
    """The panel's pages as an admin opens them: queues, filters, search, a deep page and
    a request page, each the whole request through the FastAPI app."""
    import httpx
    from aiogram import Bot

    from bot.services import panel_auth
    from bot.settings import Settings
    from panel.app import create_panel_app
    from panel.web import COOKIE

    async with engine.connect() as conn:  # the first admin of the seed (set-up)
        admin_id = (
            await conn.exec_driver_sql(
                "SELECT id FROM users WHERE role = 'admin' AND NOT is_blocked ORDER BY id LIMIT 1"
            )
        ).scalar_one()
    async with bench.pool() as session:
        admin = await users_repo.by_id(session, int(admin_id))
    assert admin is not None
    async with bench.pool() as session:
        token = await panel_auth.issue_login_token(session, user=admin)
        assert token is not None
        started = await panel_auth.start_session(session, login_token=token)
        assert started is not None
    settings = Settings(_env_file=None, bot_token="123456:BENCHMARK-TOKEN-not-a-real-one")
    bot = Bot(settings.bot_token.get_secret_value())
    app = create_panel_app(settings, bench.pool, bot, Catalogue("ru"))
    pages = {
        "panel queue New": "/queue?queue=new",
        "panel queue Overdue": "/queue?queue=late",
        "panel queue All, category": "/queue?queue=all&category=3",
        "panel queue All, place": "/queue?queue=all&place=150",
        "panel queue All, oldest first": "/queue?queue=all&sort=old",
        "panel search common word": "/queue?q=кран",
        f"panel request #{requests // 2}": f"/requests/{requests // 2}",
    }
    details: dict[str, Any] = {"admin_id": int(admin_id)}
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(
            transport=transport, base_url="http://bench", cookies={COOKIE: started.token}
        ) as http:
            # A deep page of All: follow "Next" --deep times (set-up, not measured).
            path = "/queue?queue=all"
            for _ in range(10):
                page = await http.get(path)
                found = re.search(r'href="(/queue\?[^"]*after=\d+)" rel="next"', page.text)
                if found is None:
                    break
                path = found.group(1).replace("&amp;", "&")
            pages["panel queue All page 11"] = path
            for name, path in pages.items():
                bench.recorder.label = name
                bench.recorder.on = True
                warm = await http.get(path)
                bench.recorder.on = False
                assert warm.status_code == 200, (path, warm.status_code)
                took = []
                for _ in range(bench.repeat):
                    began = time.perf_counter()
                    response = await http.get(path)
                    took.append(time.perf_counter() - began)
                    assert response.status_code == 200
                stats = summary_ms(took)
                bench.timings[name] = {k: round(v, 3) for k, v in stats.items()}
                bench.report.add(f"{name} p95", stats["p95"], "ms", at_most=TARGET_PANEL_MS)
            details["pages"] = pages
    finally:
        await bot.session.close()
    return details


# ------------------------------------------------------------------------------ EXPLAIN
def _walk(plan: dict[str, Any], limited: bool = False) -> Iterator[tuple[dict[str, Any], bool]]:
    """Every node, and whether a Limit above it stops it early."""
    yield plan, limited
    limited = limited or plan["Node Type"] == "Limit"
    for child in plan.get("Plans", []):
        yield from _walk(child, limited)


async def explain_all(engine: AsyncEngine, recorder: Recorder) -> list[dict[str, Any]]:
    found = []
    async with engine.connect() as conn:
        raw = await conn.get_raw_connection()
        driver: asyncpg.Connection = raw.driver_connection
        for (label, statement), params in recorder.statements.items():
            plan = await driver.fetchval(f"EXPLAIN (FORMAT JSON) {statement}", *(params or ()))
            # SQLAlchemy's asyncpg set-up decodes json already; plain asyncpg does not.
            root = (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]
            nodes = list(_walk(root))
            scans = [(n, lim) for n, lim in nodes if n["Node Type"] == "Seq Scan"]
            seq = sorted({n.get("Relation Name", "") for n, _ in scans} - {""})
            unbounded = sorted({n.get("Relation Name", "") for n, lim in scans if not lim} - {""})
            indexes = sorted({n["Index Name"] for n, _ in nodes if "Index Name" in n})
            found.append(
                {
                    "label": label,
                    "statement": " ".join(statement.split())[:300],
                    "cost": root.get("Total Cost"),
                    "seq_scans": seq,
                    "seq_scans_without_limit": unbounded,
                    "indexes": indexes,
                }
            )
    return found


# ------------------------------------------------------------------------------- export
async def export_once(url: str, rows: int) -> dict[str, Any]:
    """The export of a period holding about `rows` requests; run in a fresh process."""
    engine = create_engine(url)
    pool = create_session_pool(engine)
    t = Catalogue("ru").translator("ru")
    # LAST_90_DAYS reaches back 90 days before `now`; moving `now` back makes the period
    # (and everything newer, as the period has no upper bound) hold about `rows` requests.
    shift = SEED_SPACING * rows - timedelta(days=90)
    now = utcnow() - max(shift, timedelta(0))
    async with pool() as session:  # connect and warm up before the baseline
        await users_repo.by_id(session, 1)
    before = peak_rss_mb()
    started = time.perf_counter()
    async with pool() as session:
        file = await build_export(
            session, t, period=ExportPeriod.LAST_90_DAYS, status=None, now=now, tz=TZ
        )
    took = time.perf_counter() - started
    after = peak_rss_mb()
    await engine.dispose()
    return {
        "rows": file.rows,
        "seconds": round(took, 3),
        "bytes": len(file.data),
        "peak_rss_before_mb": round(before, 1),
        "peak_rss_after_mb": round(after, 1),
        "rss_growth_mb": round(after - before, 1),
    }


def run_export_subprocess(url: str, rows: int) -> dict[str, Any]:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.data",
            "--export-only",
            "--export-rows",
            str(rows),
            "--database-url",
            url,
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


# --------------------------------------------------------------------------------- main
async def run(args: argparse.Namespace) -> Report:
    await ensure_seeded(
        args.database_url, requests=args.requests, users=args.users, reseed=args.reseed
    )
    report = Report(
        f"Data scale: {args.requests:,} requests, {args.users:,} users (p95 of {args.repeat} calls)"
    )
    engine = create_engine(args.database_url)
    recorder = Recorder()
    recorder.attach(engine)
    bench = Bench(create_session_pool(engine), recorder, args.repeat, report)
    try:
        details = await measure_views(bench, deep=args.deep, requests=args.requests)
        details["my requests"] = await measure_my_requests(bench, engine)
        details["panel"] = await measure_panel(bench, engine, requests=args.requests)
        plans = await explain_all(engine, recorder)
    finally:
        await engine.dispose()
    report.details.update(
        database=make_url(args.database_url).render_as_string(hide_password=True),
        requests=args.requests,
        users=args.users,
        repeat=args.repeat,
        deep_pages=args.deep,
        views=details,
        timings_ms=bench.timings,
        explain=plans,
    )
    seq = [p for p in plans if "requests" in p["seq_scans"]]
    report.details["seq_scans_on_requests"] = len(seq)
    if args.export_rows:
        export = await asyncio.to_thread(run_export_subprocess, args.database_url, args.export_rows)
        report.details["export"] = export
        report.add(
            f"export {export['rows']:,} rows", export["seconds"], "s", at_most=TARGET_EXPORT_S
        )
        report.add("export RSS growth", export["rss_growth_mb"], "MB", at_most=TARGET_RSS_MB)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=50_000)
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_DATABASE_URL", seeding.DEFAULT_URL)
    )
    parser.add_argument("--reseed", action="store_true", help="drop and seed again")
    parser.add_argument("--repeat", type=int, default=40, help="calls per figure")
    parser.add_argument("--deep", type=int, default=50, help="pages followed for a deep page")
    parser.add_argument("--export-rows", type=int, default=100_000, help="0: no export")
    parser.add_argument("--json", type=Path, default=RESULTS)
    parser.add_argument("--export-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.export_only:
        print(json.dumps(asyncio.run(export_once(args.database_url, args.export_rows))))
        return
    report = asyncio.run(run(args))
    print(report.table())
    seq = [p for p in report.details["explain"] if "requests" in p["seq_scans"]]
    for plan in seq:
        bounded = "requests" not in plan["seq_scans_without_limit"]
        print(
            f"WARNING: Seq Scan on requests{' (stopped by a LIMIT)' if bounded else ''} "
            f"in {plan['label']}: {plan['statement'][:100]}"
        )
    report.write_json(args.json)
    print(f"written {args.json}")


if __name__ == "__main__":
    main()
