"""Regression tests of the hardening audit (issue 13) that run through the dispatcher:
big Telegram ids in the user search, forged button data, chart labels with `$`."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import structlog
from aiogram.methods import AnswerCallbackQuery, SendMessage
from aiogram.types import InlineKeyboardMarkup

from bot.services.charts import ChartTexts, render_chart
from models import Role
from models.reports import CategoryCount, Percentiles, Stats, WeekCount
from tests.conftest import ADMIN, EXECUTOR, TEACHER, Harness
from tests.staff import add_person, add_request, button_data, on_card
from tests.updates import Person, message, press
from utils.callbacks import UserSearchCb

# Accounts created in recent years have ids above 2**31 (the int32 limit).
NEW_ACCOUNT = Person(id=7_000_000_000, first_name="Новенький", username="newbie")
HUGE = "99999999999999999999"


def card_ids(markup: object) -> list[int]:
    assert isinstance(markup, InlineKeyboardMarkup)
    return [int(d.split(":")[1]) for d in button_data(markup) if d.startswith("auc:")]


async def search_users(harness: Harness, query: str) -> SendMessage:
    await harness.feed(press(ADMIN, UserSearchCb()))
    harness.pop(AnswerCallbackQuery)
    harness.pop(SendMessage)
    await harness.feed(message(ADMIN, query))
    return harness.pop(SendMessage)


async def test_user_search_finds_a_ten_digit_telegram_id(harness: Harness) -> None:
    await add_person(harness.session_pool, ADMIN, Role.ADMIN)
    newbie = await add_person(harness.session_pool, NEW_ACCOUNT)

    found = await search_users(harness, str(NEW_ACCOUNT.id))

    assert card_ids(found.reply_markup) == [newbie.id]


async def test_user_search_by_an_absurd_number_finds_nobody(harness: Harness) -> None:
    await add_person(harness.session_pool, ADMIN, Role.ADMIN)

    found = await search_users(harness, HUGE)

    assert found.text.endswith(harness.catalogue.get("ru", "users-empty"))


FORGED = [
    f"ra:take:{HUGE}",
    "ra:take:-7",
    f"ro:{HUGE}",
    f"auc:{HUGE}",
    "auc:-1",
    f"ast:1:{HUGE}",
    f"aur:{HUGE}:executor",
    f"asp:1:{HUGE}",
    f"aq:new:{HUGE}::0:0",
    f"aq:new:0::0:{HUGE}",
    "aq:new:0::-9:0",
    f"acc:{HUGE}",
    f"myo:{HUGE}",
    f"myl:0:{HUGE}:1",
    f"myr:1:{HUGE}",
    "myr:1:-1",
    "myr:1:6",
    f"nrc:{HUGE}",
    f"sph:{HUGE}",
    f"scd:{HUGE}",
    f"asn:{HUGE}",
    f"aup:{HUGE}:0",
]


@pytest.mark.parametrize("data", FORGED)
async def test_forged_button_numbers_are_an_outdated_button(harness: Harness, data: str) -> None:
    await add_person(harness.session_pool, ADMIN, Role.ADMIN)
    executor = await add_person(harness.session_pool, EXECUTOR, Role.EXECUTOR)
    await add_request(harness.session_pool, executor)

    with structlog.testing.capture_logs() as logs:
        await harness.feed(press(ADMIN, data, on_card(ADMIN, 77)))

    answer = harness.pop(AnswerCallbackQuery)
    assert answer.text == harness.catalogue.get("ru", "button-outdated")
    assert answer.show_alert
    assert not [e for e in logs if e["log_level"] in ("error", "critical")], logs


async def test_forged_numbers_from_a_requester_are_outdated_too(harness: Harness) -> None:
    await add_person(harness.session_pool, TEACHER)

    await harness.feed(press(TEACHER, f"myc:{HUGE}"))

    answer = harness.pop(AnswerCallbackQuery)
    assert answer.text == harness.catalogue.get("ru", "button-outdated")


def test_chart_renders_category_names_with_dollar_signs() -> None:
    texts = ChartTexts("$Неделя$", "$a$", "$b$", "Очередь $", "$$")
    stats = Stats(
        now=datetime(2026, 3, 2, tzinfo=UTC),
        by_status={},
        created_7=0,
        created_30=0,
        done_7=0,
        done_30=0,
        overdue=0,
        rating_avg=None,
        rating_count=0,
        first_response=Percentiles(0, None, None),
        to_done=Percentiles(0, None, None),
        backlog_by_category=[
            CategoryCount("$x^2$ и $$", "$x^2$ and $$", 3),
            CategoryCount("\\frac{", "$", 1),
        ],
        backlog_by_location=[],
        executors=[],
        weeks=[WeekCount(date(2026, 2, 23), 1, 0)],
    )

    png = render_chart(stats, texts, "ru")

    assert png.startswith(b"\x89PNG")
