"""/export: the menu, the .xlsx opened with openpyxl (every column's value and cell type,
the summary sheet), periods and status filters, and the file never touching the cwd."""

from __future__ import annotations

import asyncio
import io
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageText,
    SendChatAction,
    SendDocument,
    SendMessage,
)
from aiogram.types import BufferedInputFile, InlineKeyboardMarkup
from openpyxl import load_workbook
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services import export as export_service
from bot.services import places as places_service
from bot.services.export import build_export
from bot.services.places import PlaceFields
from models import Priority, RequestStatus, utcnow
from models.reports import ExportPeriod, period_bounds
from tests.conftest import ADMIN, TEACHER, Harness
from tests.reports_data import add_extras, add_request, assigned_request, seed_people
from tests.updates import message, press
from utils.callbacks import ExportCb
from utils.i18n import Catalogue

TZ = ZoneInfo("Europe/Moscow")
MSK = timedelta(hours=3)


def buttons(markup: object) -> list[tuple[str, str | None]]:
    assert isinstance(markup, InlineKeyboardMarkup)
    return [(b.text, b.callback_data) for row in markup.inline_keyboard for b in row]


def local(ts: datetime) -> datetime:
    """What Excel must show: wall-clock time in TIMEZONE, without tzinfo."""
    return (ts + MSK).replace(tzinfo=None)


async def run_export(harness: Harness, period: str, status: str) -> None:
    await harness.feed(message(ADMIN, "/export"))
    menu = harness.pop(SendMessage)
    assert "Выгрузка в Excel" in menu.text
    assert buttons(menu.reply_markup) == [
        ("Этот месяц", "xp:month::0"),
        ("Прошлый месяц", "xp:prev::0"),
        ("Последние 90 дней", "xp:90d::0"),
        ("Всё время", "xp:all::0"),
        ("✖ Отмена", "xp:::1"),
    ]
    await harness.feed(press(ADMIN, ExportCb(period=period)))
    harness.pop(AnswerCallbackQuery)
    statuses = harness.pop(EditMessageText)
    labels = [text for text, _ in buttons(statuses.reply_markup)]
    assert labels[0] == "Все статусы" and labels[-1] == "◀ Назад" and "✅ Выполнена" in labels
    await harness.feed(press(ADMIN, ExportCb(period=period, status=status)))
    harness.pop(AnswerCallbackQuery)
    assert harness.pop(EditMessageText).text.startswith("⏳ Готовлю файл")
    action = harness.pop(SendChatAction)
    assert (action.chat_id, action.action) == (ADMIN.id, "upload_document")


async def test_export_workbook_every_column_and_the_summary(
    harness: Harness, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)  # nothing may be written into the working directory
    people = await seed_people(harness.session_pool)
    created = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    closed = await assigned_request(
        harness.session_pool,
        people,
        created,
        status=RequestStatus.CLOSED,
        category_id=2,
        location="каб. 12",
        description='=HYPERLINK("http://evil")\x07 течёт',
        priority=Priority.HIGH,
        first_response_at=created + timedelta(hours=1),
        done_at=created + timedelta(hours=5, minutes=30),
        closed_at=created + timedelta(days=1, hours=8, minutes=30),
        rating=4,
    )
    await add_extras(
        harness.session_pool,
        closed.id,
        photos=2,
        comments=3,
        deleted_comments=1,
        author_id=people.teacher.id,
    )
    async with harness.session_pool() as session:
        gym = (await places_service.add_place(session, PlaceFields("Спортзал", "Главный"))).place
    assert gym is not None
    fresh = await add_request(
        harness.session_pool,
        author_id=people.other.id,
        category_id=1,
        place_id=gym.id,
        location="Спортзал",
        description="Не горит свет",
        created_at=datetime(2026, 3, 10, 12, 0, tzinfo=UTC),
    )
    late = await add_request(
        harness.session_pool,
        author_id=people.teacher.id,
        category_id=2,
        location="каб. 3",
        description="Засор",
        priority=Priority.URGENT,
        status=RequestStatus.DONE,
        assignee_id=people.admin.id,
        created_at=datetime(2026, 3, 11, 6, 0, tzinfo=UTC),
        first_response_at=datetime(2026, 3, 11, 6, 10, tzinfo=UTC),
        done_at=datetime(2026, 3, 11, 12, 0, tzinfo=UTC),  # due at 10:00: done late
    )

    await run_export(harness, "all", "any")
    sent = harness.pop(SendDocument)
    assert sent.chat_id == ADMIN.id
    assert isinstance(sent.document, BufferedInputFile)
    today = utcnow().astimezone(TZ).date()
    assert sent.document.filename == f"zavhoz-requests-{today:%Y-%m-%d}.xlsx"
    assert sent.caption == "📤 Заявок: 3 · Всё время · Все статусы"
    assert await asyncio.to_thread(os.listdir, tmp_path) == []

    wb = load_workbook(io.BytesIO(sent.document.data))
    assert wb.sheetnames == ["Заявки", "Сводка"]
    ws = wb["Заявки"]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:U4"
    assert ws.column_dimensions["G"].width == 50
    header = [c.value for c in ws[1]]
    assert header == [
        "№", "Создана", "Автор", "Телефон автора", "Категория", "Место", "Описание",
        "Срочность", "Статус", "Исполнитель", "Срок", "Первый ответ", "Выполнена",
        "Закрыта", "Часов до выполнения", "Просрочена", "Оценка", "Фото", "Комментарии",
        "Вид", "Корпус",
    ]  # fmt: skip
    assert all(c.font.b for c in ws[1])

    row = list(ws[2])
    expected: list[tuple[object, str]] = [
        (closed.id, "n"),
        (local(created), "d"),
        ("Мария Учителева (@teacher)", "s"),
        ("+79001234567", "s"),
        ("Сантехника", "s"),
        ("каб. 12", "s"),
        ('=HYPERLINK("http://evil") течёт', "s"),  # text, never a formula; \x07 dropped
        ("Высокая", "s"),
        ("Закрыта", "s"),
        ("Ivan (@fixer)", "s"),
        (local(created + timedelta(hours=24)), "d"),
        (local(created + timedelta(hours=1)), "d"),
        (local(created + timedelta(hours=5, minutes=30)), "d"),
        (local(created + timedelta(days=1, hours=8, minutes=30)), "d"),
        (5.5, "n"),
        (False, "b"),
        (4, "n"),
        (2, "n"),  # photos: the document does not count
        (3, "n"),  # comments: the deleted one does not count
        ("По заявке", "s"),  # reported, not planned maintenance
        (None, "n"),  # free text, no catalogued place: no building
    ]
    assert [(c.value, c.data_type) for c in row] == expected
    assert isinstance(row[0].value, int) and isinstance(row[14].value, float)
    assert row[1].is_date and row[1].number_format == "DD.MM.YYYY HH:MM"
    assert row[1].value.tzinfo is None

    new_row = [c.value for c in ws[3]]
    assert new_row[0] == fresh.id
    assert new_row[2] == "Oleg" and new_row[3] is None  # no username, no phone
    assert new_row[8] == "Новая" and new_row[9] is None
    assert new_row[11:15] == [None, None, None, None]
    assert new_row[15] is True  # open and past its deadline now
    assert new_row[16] is None and new_row[17:] == [0, 0, "По заявке", "Главный"]

    late_row = [c.value for c in ws[4]]
    assert late_row[0] == late.id and late_row[8] == "Выполнена"
    assert late_row[9] == "Анна Админова (@caretaker)" and late_row[14] == 6.0
    assert late_row[15] is True  # finished after the deadline

    summary = wb["Сводка"]
    assert [[c.value for c in r] for r in summary.iter_rows()] == [
        ["Категория", "Новая", "В работе", "Приостановлена", "Выполнена", "Закрыта",
         "Отклонена", "Отменена", "Итого"],
        ["Сантехника", 0, 0, 0, 1, 1, 0, 0, 2],
        ["Электрика", 1, 0, 0, 0, 0, 0, 0, 1],
        ["Итого", 1, 0, 0, 1, 1, 0, 0, 3],
    ]  # fmt: skip
    assert all(c.data_type == "n" for r in summary.iter_rows(min_row=2) for c in r[1:])


NOW = datetime(2026, 3, 18, 9, 30, tzinfo=UTC)  # 12:30 in Moscow


def test_period_bounds_are_local_months() -> None:
    assert period_bounds(ExportPeriod.THIS_MONTH, NOW, TZ) == (
        datetime(2026, 3, 1, tzinfo=TZ),
        None,
    )
    assert period_bounds(ExportPeriod.LAST_MONTH, NOW, TZ) == (
        datetime(2026, 2, 1, tzinfo=TZ),
        datetime(2026, 3, 1, tzinfo=TZ),
    )
    january = datetime(2026, 1, 5, tzinfo=UTC)
    assert period_bounds(ExportPeriod.LAST_MONTH, january, TZ)[0] == datetime(
        2025, 12, 1, tzinfo=TZ
    )
    assert period_bounds(ExportPeriod.LAST_90_DAYS, NOW, TZ) == (NOW - timedelta(days=90), None)
    assert period_bounds(ExportPeriod.ALL_TIME, NOW, TZ) == (None, None)


async def test_periods_and_status_filter_select_the_right_rows(
    db: async_sessionmaker[AsyncSession], catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export_service, "BATCH", 2)  # several batches through the thread
    people = await seed_people(db)
    moments = {
        "last_month_end": datetime(2026, 2, 28, 20, 59, tzinfo=UTC),  # 23:59 MSK, 28 Feb
        "this_month_start": datetime(2026, 2, 28, 21, 0, tzinfo=UTC),  # 00:00 MSK, 1 Mar
        "last_month_start": datetime(2026, 1, 31, 21, 0, tzinfo=UTC),  # 00:00 MSK, 1 Feb
        "january": datetime(2026, 1, 31, 20, 59, tzinfo=UTC),  # 23:59 MSK, 31 Jan
        "december": datetime(2025, 12, 1, tzinfo=UTC),  # more than 90 days ago
    }
    ids = {}
    for name, ts in moments.items():
        done = name == "this_month_start"
        req = await add_request(
            db,
            author_id=people.teacher.id,
            created_at=ts,
            status=RequestStatus.DONE if done else RequestStatus.NEW,
            done_at=ts + timedelta(hours=2) if done else None,
        )
        ids[name] = req.id
    t = catalogue.translator("ru")

    async def numbers(period: ExportPeriod, status: RequestStatus | None = None) -> list[int]:
        async with db() as session:
            file = await build_export(session, t, period=period, status=status, now=NOW, tz=TZ)
        assert file.filename == "zavhoz-requests-2026-03-18.xlsx"
        ws = load_workbook(io.BytesIO(file.data))["Заявки"]
        found = [r[0] for r in ws.iter_rows(min_row=2, values_only=True)]
        assert file.rows == len(found)
        return found

    assert await numbers(ExportPeriod.THIS_MONTH) == [ids["this_month_start"]]
    assert await numbers(ExportPeriod.LAST_MONTH) == sorted(
        [ids["last_month_end"], ids["last_month_start"]]
    )
    assert await numbers(ExportPeriod.LAST_90_DAYS) == sorted(
        ids[n] for n in ("last_month_end", "this_month_start", "last_month_start", "january")
    )
    assert await numbers(ExportPeriod.ALL_TIME) == sorted(ids.values())
    assert await numbers(ExportPeriod.ALL_TIME, RequestStatus.DONE) == [ids["this_month_start"]]
    assert await numbers(ExportPeriod.THIS_MONTH, RequestStatus.NEW) == []


async def test_nothing_to_export_says_so_with_a_way_back(harness: Harness) -> None:
    await seed_people(harness.session_pool)
    await run_export(harness, "month", "rejected")
    empty = harness.pop(SendMessage)
    assert empty.text == "За этот период заявок с таким статусом нет."
    assert buttons(empty.reply_markup) == [("◀ Назад", "xp:::0")]


async def test_back_cancel_and_forged_buttons(harness: Harness) -> None:
    await seed_people(harness.session_pool)
    await harness.feed(press(ADMIN, ExportCb(period="all")))
    harness.pop(AnswerCallbackQuery)
    harness.pop(EditMessageText)
    await harness.feed(press(ADMIN, ExportCb()))  # Back
    harness.pop(AnswerCallbackQuery)
    assert "За какой период?" in harness.pop(EditMessageText).text
    await harness.feed(press(ADMIN, ExportCb(cancel=True)))
    harness.pop(AnswerCallbackQuery)
    assert harness.pop(EditMessageText).text == "Выгрузка отменена."

    await harness.feed(press(ADMIN, ExportCb(period="decade", status="any")))
    alert = harness.pop(AnswerCallbackQuery)
    assert alert.show_alert and "устарела" in (alert.text or "")
    await harness.feed(press(ADMIN, ExportCb(period="all", status="lost")))
    assert harness.pop(AnswerCallbackQuery).show_alert

    await harness.feed(press(TEACHER, ExportCb(period="all", status="any")))
    refused = harness.pop(AnswerCallbackQuery)
    assert refused.show_alert and "только сотрудникам" in (refused.text or "")
    harness.expect_nothing()  # no file for a requester
