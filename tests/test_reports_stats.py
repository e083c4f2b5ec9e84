"""/stats: the numbers against a seeded data set whose answers are computed here, in plain
Python; the text an admin reads; the chart arrives as a PNG photo."""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiogram.methods import SendMessage, SendPhoto
from aiogram.types import BufferedInputFile
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.stats import collect
from models import OPEN_STATUSES, Request, RequestStatus, User, utcnow
from models.reports import Stats
from tests.conftest import ADMIN, TEACHER, Harness
from tests.reports_data import seed_people, seed_random_requests
from tests.updates import message
from utils.i18n import Catalogue
from utils.reports import format_hours

TZ = ZoneInfo("Europe/Moscow")
NOW = datetime(2026, 3, 18, 9, 30, tzinfo=UTC)
CATEGORY_RU = {
    1: "Электрика",
    2: "Сантехника",
    3: "Отопление",
    4: "Окна и двери",
    5: "Мебель",
    6: "IT и оргтехника",
    7: "Уборка",
    8: "Другое",
}


def expected_stats(
    rows: list[dict[str, Any]], names: dict[int, str], now: datetime
) -> dict[str, Any]:
    """Every number of /stats, straight from the seeded rows."""
    is_open = [r for r in rows if r["status"] in OPEN_STATUSES]
    overdue = [r for r in is_open if r["due_at"] < now]

    def hours(deltas: list[timedelta]) -> tuple[int, float | None, float | None]:
        values = sorted(d.total_seconds() / 3600 for d in deltas)
        if len(values) < 2:
            return len(values), (values[0] if values else None), (values[0] if values else None)
        p90 = statistics.quantiles(values, n=10, method="inclusive")[8]
        return len(values), statistics.median(values), p90

    since = now - timedelta(days=30)
    first = [
        r["first_response_at"] - r["created_at"]
        for r in rows
        if r["first_response_at"] and r["first_response_at"] >= since
    ]
    done = [r["done_at"] - r["created_at"] for r in rows if r["done_at"] and r["done_at"] >= since]

    today = now.astimezone(TZ).date()
    monday = today - timedelta(days=today.weekday())
    mondays = [monday - timedelta(weeks=11 - i) for i in range(12)]

    def week_of(ts: datetime) -> Any:
        d = ts.astimezone(TZ).date()
        return d - timedelta(days=d.weekday())

    created_weeks = Counter(week_of(r["created_at"]) for r in rows)
    done_weeks = Counter(week_of(r["done_at"]) for r in rows if r["done_at"])

    by_category = Counter(names[r["category_id"]] for r in is_open)
    by_location = Counter(r["location"] for r in is_open)
    executors: dict[int, list[int]] = {}
    for r in rows:
        if r["assignee_id"] is None:
            continue
        line = executors.setdefault(r["assignee_id"], [0, 0, 0])
        line[0] += r["status"] in OPEN_STATUSES
        line[1] += r["status"] in (RequestStatus.DONE, RequestStatus.CLOSED)
        line[2] += r in overdue
    ratings = [r["rating"] for r in rows if r["rating"] is not None]
    return {
        "by_status": {s: sum(r["status"] is s for r in rows) for s in RequestStatus},
        "created_7": sum(r["created_at"] >= now - timedelta(days=7) for r in rows),
        "created_30": sum(r["created_at"] >= now - timedelta(days=30) for r in rows),
        "done_7": sum(bool(r["done_at"]) and r["done_at"] >= now - timedelta(days=7) for r in rows),
        "done_30": sum(
            bool(r["done_at"]) and r["done_at"] >= now - timedelta(days=30) for r in rows
        ),
        "overdue": len(overdue),
        "rating_avg": sum(ratings) / len(ratings) if ratings else None,
        "rating_count": len(ratings),
        "first": hours(first),
        "done": hours(done),
        "weeks": [(m, created_weeks[m], done_weeks[m]) for m in mondays],
        "by_category": sorted(by_category.items(), key=lambda kv: (-kv[1], kv[0]))[:10],
        "by_location": sorted(by_location.items(), key=lambda kv: (-kv[1], kv[0]))[:10],
        "executors": executors,
    }


def assert_matches(stats: Stats, exp: dict[str, Any], user_names: dict[int, str]) -> None:
    assert stats.by_status == exp["by_status"]
    assert stats.total == sum(exp["by_status"].values())
    assert (stats.created_7, stats.created_30, stats.done_7, stats.done_30) == (
        exp["created_7"],
        exp["created_30"],
        exp["done_7"],
        exp["done_30"],
    )
    assert stats.overdue == exp["overdue"]
    assert stats.rating_count == exp["rating_count"]
    assert stats.rating_avg == pytest.approx(exp["rating_avg"])
    for got, (count, median, p90) in (
        (stats.first_response, exp["first"]),
        (stats.to_done, exp["done"]),
    ):
        assert got.count == count
        assert got.median_hours == pytest.approx(median, rel=1e-6)
        assert got.p90_hours == pytest.approx(p90, rel=1e-6)
    assert [(w.start, w.created, w.done) for w in stats.weeks] == exp["weeks"]
    assert [(c.name_ru, c.count) for c in stats.backlog_by_category] == exp["by_category"]
    assert stats.backlog_by_location == exp["by_location"]
    expected_exec = sorted(
        ((user_names[uid], *v) for uid, v in exp["executors"].items()),
        key=lambda line: (-line[1], line[0]),
    )
    assert [(e.name, e.open, e.done, e.overdue) for e in stats.executors] == expected_exec


async def test_stats_numbers_match_an_independent_computation(
    db: async_sessionmaker[AsyncSession],
) -> None:
    people = await seed_people(db)
    rows = await seed_random_requests(db, people, NOW, n=120)
    exp = expected_stats(rows, CATEGORY_RU, NOW)
    # The data set exercises every part: a cut in the top 10, overdue work, ratings.
    assert len({r["location"] for r in rows if r["status"] in OPEN_STATUSES}) > 10
    assert exp["overdue"] > 0 and exp["rating_count"] > 1 and exp["first"][0] > 2
    assert any(w[1] for w in exp["weeks"]) and any(w[2] for w in exp["weeks"])
    user_names = {
        u.id: u.full_name for u in (people.admin, people.executor, *people.extra_executors)
    }
    async with db() as session:
        stats = await collect(session, now=NOW, tz=TZ)
    assert_matches(stats, exp, user_names)


async def test_stats_on_an_empty_database(db: async_sessionmaker[AsyncSession]) -> None:
    async with db() as session:
        stats = await collect(session, now=NOW, tz=TZ)
    assert stats.total == 0 and stats.overdue == 0 and stats.rating_avg is None
    assert stats.first_response.median_hours is None and stats.to_done.p90_hours is None
    assert len(stats.weeks) == 12 and all(w.created == w.done == 0 for w in stats.weeks)
    assert stats.weeks[-1].start.weekday() == 0
    assert stats.backlog_by_category == [] and stats.executors == []


async def test_admin_gets_the_numbers_and_a_png_chart(
    harness: Harness, catalogue: Catalogue
) -> None:
    people = await seed_people(harness.session_pool)
    now = utcnow()
    rows = await seed_random_requests(harness.session_pool, people, now, n=60, seed=11)
    exp = expected_stats(rows, CATEGORY_RU, now)

    await harness.feed(message(ADMIN, "/stats"))
    text = harness.pop(SendMessage).text
    t = catalogue.translator("ru")
    by_status = exp["by_status"]
    assert f"🆕 Новая: {by_status[RequestStatus.NEW]}" in text
    assert f"🔒 Закрыта: {by_status[RequestStatus.CLOSED]}" in text
    assert f"Всего: {len(rows)}" in text
    assert f"Создано: {exp['created_7']} за 7 дней · {exp['created_30']} за 30 дней" in text
    assert f"Выполнено: {exp['done_7']} за 7 дней · {exp['done_30']} за 30 дней" in text
    assert f"Просрочено сейчас: {exp['overdue']}" in text
    avg = f"{exp['rating_avg']:.1f}".replace(".", ",")
    assert f"Средняя оценка: {avg} (оценок: {exp['rating_count']})" in text
    count, median, p90 = exp["done"]
    assert (
        f"До выполнения: {format_hours(t, median)} · {format_hours(t, p90)} (заявок: {count})"
        in text
    )
    top_location, top_count = exp["by_location"][0]
    assert f"{top_location}: {top_count}" in text
    assert exp["by_location"][-1][0] in text

    photo = harness.pop(SendPhoto)
    assert photo.chat_id == ADMIN.id
    assert isinstance(photo.photo, BufferedInputFile)
    assert photo.photo.data.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(photo.photo.data) > 10_000  # a real picture, not an empty canvas
    assert photo.caption and "неделям" in photo.caption


async def test_stats_in_english(harness: Harness) -> None:
    await seed_people(harness.session_pool)
    async with harness.session_pool() as session, session.begin():
        await session.execute(
            update(User).where(User.telegram_id == ADMIN.id).values(language="en")
        )
    await harness.feed(message(ADMIN, "/stats"))
    text = harness.pop(SendMessage).text
    assert "Statistics" in text and "No ratings yet" in text and "Total: 0" in text
    caption = harness.pop(SendPhoto).caption
    assert caption == "📈 Created and done per week; open requests by category."


async def test_non_admin_is_refused(harness: Harness) -> None:
    await seed_people(harness.session_pool)
    await harness.feed(message(TEACHER, "/stats"))
    assert (
        harness.pop(SendMessage).text == "Это действие доступно только сотрудникам с нужной ролью."
    )
    await harness.feed(message(TEACHER, "/export"))
    assert "только сотрудникам" in harness.pop(SendMessage).text


async def test_stats_show_the_newest_rating_comments(harness: Harness) -> None:
    """What authors wrote with their stars: the three newest, escaped, long ones cut."""
    people = await seed_people(harness.session_pool)
    now = utcnow()
    rows = await seed_random_requests(harness.session_pool, people, now, n=60, seed=11)
    rated = sorted(
        (r for r in rows if r["rating"] is not None), key=lambda r: r["closed_at"], reverse=True
    )
    assert len(rated) >= 4
    comments = ["Спасибо, быстро!", '<b>Кран</b> & "ок"', "Долго. " * 60, "старый отзыв"]
    async with harness.session_pool() as session, session.begin():
        for row, text in zip(rated, comments, strict=False):
            await session.execute(
                update(Request)
                .where(Request.closed_at == row["closed_at"])
                .values(rating_comment=text)
            )
    await harness.feed(message(ADMIN, "/stats"))
    text = harness.pop(SendMessage).text
    ids = {}
    async with harness.session_pool() as session:
        for row in rated[:3]:
            ids[row["closed_at"]] = await session.scalar(
                select(Request.id).where(Request.closed_at == row["closed_at"])
            )
    first, second, third = (ids[r["closed_at"]] for r in rated[:3])
    stars = ["⭐" * r["rating"] for r in rated[:3]]
    assert f"💬 {stars[0]} #{first}: «Спасибо, быстро!»" in text
    assert f'💬 {stars[1]} #{second}: «&lt;b&gt;Кран&lt;/b&gt; &amp; "ок"»' in text
    long_line = next(line for line in text.splitlines() if f"#{third}:" in line)
    assert long_line.endswith("…»") and len(long_line) < 230
    assert text.index(f"#{first}:") < text.index(f"#{second}:") < text.index(f"#{third}:")
    assert "старый отзыв" not in text
    harness.pop(SendPhoto)
