"""Planned maintenance through the real dispatcher, on PostgreSQL and Redis: an admin
creates a job with the wizard, the scheduler creates each occurrence once (two schedulers,
downtime), the executor ticks the checklist and finishes, pause / resume / delete keep the
requests already made, and forged or concurrent presses lose nothing."""

from __future__ import annotations

import asyncio
import html
from collections.abc import Awaitable
from datetime import UTC, date, datetime, time, timedelta
from io import BytesIO
from pathlib import Path
from typing import Any

from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.scheduler import Scheduler
from bot.services import checklist
from bot.services import places as places_service
from bot.services import planned as service
from bot.services.export import ExportPeriod, build_export
from bot.services.places import PlaceFields
from bot.services.stats import collect
from database import migrate
from database.engine import create_engine, create_session_pool
from models import (
    Action,
    ChecklistItem,
    ItemState,
    PlannedJob,
    PlannedStatus,
    Priority,
    Request,
    RequestStatus,
    Role,
    User,
)
from models.schedule import Freq, Schedule
from tests.conftest import ADMIN, EXECUTOR, TEACHER, Harness, make_settings
from tests.staff import add_person, add_request, button_data, button_texts, history, on_card
from tests.updates import Person, message, press
from utils.callbacks import FinishSubmitCb, RequestActionCb
from utils.callbacks_planned import (
    ChecklistCb,
    ChecklistItemCb,
    ItemAction,
    JobAction,
    PlannedJobCb,
    PlannedListCb,
    PlannedNavCb,
    PlannedPickCb,
    WizardField,
    WizardNav,
)
from utils.i18n import Catalogue, Translator
from utils.reports import render_stats

NOW = datetime(2026, 3, 18, 6, 0, tzinfo=UTC)  # 09:00 in Moscow (the default TIMEZONE)
DUE = datetime(2026, 3, 18, 7, 0, tzinfo=UTC)  # 10:00 in Moscow
EXECUTOR2 = Person(id=900_012, first_name="Сергей", last_name="Слесарев", username="plumber")
ITEMS = ["Давление в норме", "Пломба на месте", "Бирка с датой"]


def text_of(t: Translator, key: str, **kwargs: Any) -> str:
    return html.unescape(t(key, **kwargs))


async def people(harness: Harness) -> tuple[User, User]:
    admin = await add_person(harness.session_pool, ADMIN, Role.ADMIN)
    executor = await add_person(harness.session_pool, EXECUTOR, Role.EXECUTOR)
    return admin, executor


async def make_job(
    harness: Harness,
    admin: User,
    assignee: User | None,
    *,
    places: tuple[str, ...] = ("каб. 12",),
    schedule: Schedule | None = None,
) -> int:
    schedule = schedule or Schedule(freq=Freq.DAILY, start=date(2026, 3, 18), at=time(10, 0))
    async with harness.session_pool() as session:
        result = await service.create_job(
            session,
            user=admin,
            draft=service.JobDraft(
                title="Проверка огнетушителей",
                category_id=1,
                places=list(places),
                checklist=ITEMS,
                assignee_id=assignee.id if assignee else None,
                priority=Priority.NORMAL,
                schedule=schedule,
            ),
            tz=harness.settings.tz,
            now=NOW,
        )
    assert result.ok and result.job is not None
    return result.job.id


def scheduler(harness: Harness) -> Scheduler:
    return Scheduler(harness.session_pool, harness.catalogue, harness.settings)


async def planned_requests(pool: async_sessionmaker[AsyncSession]) -> list[Request]:
    async with pool() as session:
        rows = await session.scalars(
            select(Request).where(Request.planned_job_id.is_not(None)).order_by(Request.id)
        )
        return list(rows)


async def items_of(pool: async_sessionmaker[AsyncSession], request_id: int) -> list[ChecklistItem]:
    async with pool() as session:
        rows = await session.scalars(
            select(ChecklistItem)
            .where(ChecklistItem.request_id == request_id)
            .order_by(ChecklistItem.position)
        )
        return list(rows)


async def job_row(pool: async_sessionmaker[AsyncSession], job_id: int) -> PlannedJob:
    async with pool() as session:
        job = await session.get(PlannedJob, job_id)
    assert job is not None
    return job


async def job_state(
    pool: async_sessionmaker[AsyncSession], job_id: int
) -> tuple[PlannedStatus, datetime | None]:
    """The job's status and the moment its next occurrence is due."""
    row = await job_row(pool, job_id)
    return row.status, row.next_run_at


async def set_item(
    pool: async_sessionmaker[AsyncSession],
    item_id: int,
    user: User,
    *,
    expected: ItemState = ItemState.OPEN,
    state: ItemState = ItemState.DONE,
    note: str | None = None,
) -> checklist.ItemResult:
    """One checklist change in its own session (by default: an open item ticked)."""
    async with pool() as session:
        return await checklist.set_item(
            session, item_id=item_id, expected=expected, state=state, user=user, note=note
        )


class Wizard:
    """The admin's planned-work wizard on one card: a button pressed, a line typed."""

    def __init__(self, harness: Harness) -> None:
        self.harness = harness
        self.card = on_card(ADMIN, 100)

    async def press(self, data: Any) -> EditMessageText:
        await self.harness.feed(press(ADMIN, data, self.card))
        self.harness.pop(AnswerCallbackQuery)
        return self.harness.pop(EditMessageText)

    async def type(self, text: str) -> SendMessage:
        await self.harness.feed(message(ADMIN, text))
        return self.harness.pop(SendMessage)


async def occur(harness: Harness, admin: User, executor: User | None) -> tuple[int, int]:
    """A job due at DUE, the scheduler's tick then, the executor's two messages read."""
    job_id = await make_job(harness, admin, executor)
    assert (await scheduler(harness).tick(DUE)).planned == 1
    [request] = await planned_requests(harness.session_pool)
    await harness.deliver_outbox()
    harness.pop_all()
    return job_id, request.id


# ------------------------------------------------------------------- the wizard
async def test_admin_creates_a_daily_job_with_the_wizard(harness: Harness) -> None:
    t = harness.catalogue.translator("ru")
    _, executor = await people(harness)
    await harness.feed(message(ADMIN, "/planned"))
    listing = harness.pop(SendMessage)
    assert listing.text == t("planned-list-empty")
    assert button_texts(listing.reply_markup) == [t("planned-list-new")]
    step = Wizard(harness).press

    asked = await step(PlannedListCb(new=True))
    assert asked.text == t("planned-ask-title", limit=100)
    await harness.feed(message(ADMIN, "Проверка огнетушителей"))
    assert harness.pop(SendMessage).text == t("planned-ask-category")
    assert (await step(PlannedPickCb(field=WizardField.CATEGORY, id=1))).text.startswith(
        t("planned-ask-places", limit=100, max=10)[:20]
    )
    await harness.feed(message(ADMIN, "каб. 12\n  спортзал  \n"))
    assert harness.pop(SendMessage).text == t("planned-ask-checklist", limit=200, max=30)
    await harness.feed(message(ADMIN, "\n".join(ITEMS)))
    who = harness.pop(SendMessage)
    assert who.text == t("planned-ask-assignee")
    assert button_texts(who.reply_markup)[:3] == [
        t("planned-admins-queue"),
        "Иван Мастеров",  # executors first, then admins
        "Анна Админова",
    ]
    await step(PlannedPickCb(field=WizardField.ASSIGNEE, value=1, id=executor.id))
    await step(PlannedPickCb(field=WizardField.PRIORITY, value=2))  # high
    interval = await step(PlannedPickCb(field=WizardField.KIND, value=0))  # every N days
    assert interval.text == t("planned-ask-interval-days")
    # Back returns to the kind of schedule, and the choice can be made again.
    assert (await step(PlannedNavCb(action=WizardNav.BACK))).text == t("planned-ask-kind")
    await step(PlannedPickCb(field=WizardField.KIND, value=0))
    await step(PlannedPickCb(field=WizardField.INTERVAL, value=1))
    assert (await step(PlannedNavCb(action=WizardNav.TODAY))).text == t("planned-ask-time")
    await harness.feed(message(ADMIN, "25:00"))
    assert harness.pop(SendMessage).text == t("planned-bad-time", limit=100, max=10)
    await harness.feed(message(ADMIN, "23:59"))
    assert harness.pop(SendMessage).text == t("planned-ask-pauses", max=10)
    summary = await step(PlannedNavCb(action=WizardNav.SKIP))
    assert "Проверка огнетушителей" in summary.text and "каб. 12, спортзал" in summary.text
    saved = await step(PlannedNavCb(action=WizardNav.SAVE))

    async with harness.session_pool() as session:
        job = await session.scalar(select(PlannedJob))
    assert job is not None
    assert (job.title, job.places, job.checklist) == (
        "Проверка огнетушителей",
        ["каб. 12", "спортзал"],
        ITEMS,
    )
    assert (job.assignee_id, job.priority, job.status) == (
        executor.id,
        Priority.HIGH,
        PlannedStatus.ACTIVE,
    )
    assert job.schedule["freq"] == "daily" and job.schedule["at"] == "23:59:00"
    assert job.next_run_at is not None
    assert job.next_run_at.astimezone(harness.settings.tz).time() == time(23, 59)
    assert saved.text == t(
        "planned-created", number=job.id, next=t.datetime(job.next_run_at, harness.settings.tz)
    )
    assert (
        await harness.dp.fsm.get_context(
            bot=harness.bot, chat_id=ADMIN.id, user_id=ADMIN.id
        ).get_state()
        is None
    )


async def test_cancel_leaves_nothing_and_a_stale_wizard_button_is_refused(
    harness: Harness,
) -> None:
    t = harness.catalogue.translator("ru")
    await people(harness)
    card = on_card(ADMIN, 100)
    await harness.feed(press(ADMIN, PlannedListCb(new=True), card))
    harness.pop(AnswerCallbackQuery)
    harness.pop(EditMessageText)
    await harness.feed(press(ADMIN, PlannedNavCb(action=WizardNav.CANCEL), card))
    harness.pop(AnswerCallbackQuery)
    assert harness.pop(EditMessageText).text == t("planned-cancelled")
    await harness.feed(press(ADMIN, PlannedPickCb(field=WizardField.CATEGORY, id=1), card))
    assert harness.pop(AnswerCallbackQuery).show_alert
    async with harness.session_pool() as session:
        assert await session.scalar(select(func.count(PlannedJob.id))) == 0


# ---------------------------------------------------------------- the occurrences
async def test_the_due_time_creates_one_request_even_with_two_schedulers(
    harness: Harness,
) -> None:
    t = harness.catalogue.translator("ru")
    admin, executor = await people(harness)
    async with harness.session_pool() as session:  # the job's place is a catalogued room
        room = (await places_service.add_place(session, PlaceFields("Каб. 12"))).place
    assert room is not None
    job_id = await make_job(harness, admin, executor)
    first, second = scheduler(harness), scheduler(harness)
    assert (await first.tick(DUE - timedelta(minutes=1))).planned == 0

    results = await asyncio.gather(first.tick(DUE), second.tick(DUE))
    assert sorted(r.planned for r in results) == [0, 1]
    [request] = await planned_requests(harness.session_pool)
    assert (request.planned_job_id, request.status, request.assignee_id) == (
        job_id,
        RequestStatus.IN_PROGRESS,
        executor.id,
    )
    assert (request.location, request.description) == ("каб. 12", "Проверка огнетушителей")
    assert request.place_id == room.id
    assert request.created_at == DUE
    assert request.due_at == DUE + timedelta(hours=harness.settings.sla_hours()["normal"])
    assert [i.text for i in await items_of(harness.session_pool, request.id)] == ITEMS
    assert (await job_row(harness.session_pool, job_id)).next_run_at == DUE + timedelta(days=1)
    assert [h[:2] for h in await history(harness.session_pool, request.id)] == [
        (None, RequestStatus.NEW),
        (RequestStatus.NEW, RequestStatus.IN_PROGRESS),
    ]

    # The executor receives the card (🗓, with a checklist button) and the checklist.
    await harness.deliver_outbox()
    card = harness.pop(SendMessage)
    assert card.chat_id == EXECUTOR.id
    assert card.text.startswith(text_of(t, "planned-notify-assigned", number=request.id))
    assert "🗓" in card.text
    assert t("checklist-open") in button_texts(card.reply_markup)
    checklist = harness.pop(SendMessage)
    assert checklist.chat_id == EXECUTOR.id
    assert text_of(t, "checklist-progress", done=0, total=3) in checklist.text
    assert [f"☐ {n}. {text}" for n, text in enumerate(ITEMS, 1)] == [
        b for b in button_texts(checklist.reply_markup) if b.startswith("☐")
    ]
    # A later tick the same day creates nothing more.
    assert (await first.tick(DUE + timedelta(hours=2))).planned == 0


async def test_after_downtime_only_the_latest_missed_occurrence_is_created(
    harness: Harness,
) -> None:
    admin, _ = await people(harness)
    job_id = await make_job(harness, admin, None, places=("каб. 12", "каб. 14"))
    back = DUE + timedelta(days=3, hours=1)  # down from Wednesday to Saturday
    assert (await scheduler(harness).tick(back)).planned == 2  # one per place
    requests = await planned_requests(harness.session_pool)
    assert [(r.location, r.status, r.assignee_id) for r in requests] == [
        ("каб. 12", RequestStatus.NEW, None),
        ("каб. 14", RequestStatus.NEW, None),
    ]
    latest = DUE + timedelta(days=3)
    assert {r.due_at for r in requests} == {
        latest + timedelta(hours=harness.settings.sla_hours()["normal"])
    }
    assert (await job_row(harness.session_pool, job_id)).next_run_at == latest + timedelta(days=1)
    # The admins' queue: the admin receives each card with the triage buttons.
    await harness.deliver_outbox()
    sent = [harness.pop(SendMessage) for _ in range(2)]
    assert {m.chat_id for m in sent} == {ADMIN.id}


# ------------------------------------------------------------------ the checklist
async def test_ticking_every_item_then_done_closes_the_request(harness: Harness) -> None:
    t = harness.catalogue.translator("ru")
    admin, executor = await people(harness)
    _, rid = await occur(harness, admin, executor)
    card = on_card(EXECUTOR, 300)

    # Done is refused while items are open, before any dialog starts.
    await harness.feed(press(EXECUTOR, RequestActionCb(action=Action.FINISH, id=rid), card))
    refused = harness.pop(AnswerCallbackQuery)
    assert refused.show_alert and refused.text == text_of(t, "planned-finish-checklist-open")

    for n, item in enumerate(await items_of(harness.session_pool, rid), 1):
        tick = ChecklistItemCb(action=ItemAction.SET, id=item.id, seen=ItemState.OPEN)
        await harness.feed(press(EXECUTOR, tick, card))
        assert not harness.pop(AnswerCallbackQuery).show_alert
        redrawn = harness.pop(EditMessageText)
        assert text_of(t, "checklist-progress", done=n, total=3) in redrawn.text
    assert {i.state for i in await items_of(harness.session_pool, rid)} == {ItemState.DONE}
    assert {i.checked_by_id for i in await items_of(harness.session_pool, rid)} == {executor.id}

    await harness.feed(press(EXECUTOR, RequestActionCb(action=Action.FINISH, id=rid), card))
    harness.pop(AnswerCallbackQuery)
    harness.pop(SendMessage)  # the finish prompt (photos, a comment)
    await harness.feed(press(EXECUTOR, FinishSubmitCb(id=rid), card))
    harness.pop(AnswerCallbackQuery)
    harness.pop(EditMessageText)
    async with harness.session_pool() as session:
        request = await session.get(Request, rid)
    assert request is not None and request.status is RequestStatus.DONE
    await harness.deliver_outbox()
    harness.pop_all()


async def test_a_failed_item_needs_a_note_and_files_one_repair_request(harness: Harness) -> None:
    t = harness.catalogue.translator("ru")
    admin, executor = await people(harness)
    _, rid = await occur(harness, admin, executor)
    first, *rest = await items_of(harness.session_pool, rid)
    card = on_card(EXECUTOR, 300)

    fail = ChecklistItemCb(action=ItemAction.FAIL, id=first.id, seen=ItemState.OPEN)
    await harness.feed(press(EXECUTOR, fail, card))
    harness.pop(AnswerCallbackQuery)
    assert harness.pop(SendMessage).text == t(
        "checklist-ask-note", text=first.text, limit=checklist.NOTE_MAX
    )
    await harness.feed(message(EXECUTOR, "Стрелка в красной зоне"))
    assert harness.pop(SendMessage).text == t("checklist-note-saved")
    redrawn = harness.pop(EditMessageText)
    assert redrawn.message_id == 300 and "Стрелка в красной зоне" in redrawn.text
    repair = [d for d in button_data(redrawn.reply_markup) if d.startswith("chi:followup")]
    assert len(repair) == 1

    for _ in range(2):  # a second tap finds the same request
        await harness.feed(press(EXECUTOR, repair[0], card))
        harness.pop(AnswerCallbackQuery)
        harness.pop(EditMessageText)
    async with harness.session_pool() as session:
        followups = list(
            await session.scalars(select(Request).where(Request.planned_job_id.is_(None)))
        )
    assert len(followups) == 1
    followup = followups[0]
    assert (followup.location, followup.author_id, followup.status) == (
        "каб. 12",
        executor.id,
        RequestStatus.NEW,
    )
    assert "Стрелка в красной зоне" in followup.description and first.text in followup.description
    assert (await items_of(harness.session_pool, rid))[0].followup_request_id == followup.id
    # The admins hear of the repair request.
    await harness.deliver_outbox()
    told = harness.pop(SendMessage)
    assert told.chat_id == ADMIN.id
    assert told.text.startswith(text_of(t, "planned-notify-followup", number=followup.id))
    # A failed item with its note counts as settled: with the rest ticked, Done is allowed.
    for item in rest:
        assert (await set_item(harness.session_pool, item.id, executor)).ok
    await harness.feed(press(EXECUTOR, RequestActionCb(action=Action.FINISH, id=rid), card))
    harness.pop(AnswerCallbackQuery)
    assert harness.pop(SendMessage).chat_id == EXECUTOR.id  # the finish prompt


async def test_forged_checklist_presses_change_nothing(harness: Harness) -> None:
    t = harness.catalogue.translator("ru")
    admin, executor = await people(harness)
    await add_person(harness.session_pool, EXECUTOR2, Role.EXECUTOR)
    teacher = await add_person(harness.session_pool, TEACHER)
    _, rid = await occur(harness, admin, executor)
    item = (await items_of(harness.session_pool, rid))[0]
    tick = ChecklistItemCb(action=ItemAction.SET, id=item.id, seen=ItemState.OPEN)

    await harness.feed(press(EXECUTOR2, tick, on_card(EXECUTOR2, 1)))  # not theirs
    alert = harness.pop(AnswerCallbackQuery)
    assert alert.show_alert and alert.text == text_of(t, "checklist-not-found")
    await harness.feed(press(TEACHER, tick, on_card(TEACHER, 1)))  # not staff at all
    assert harness.pop(AnswerCallbackQuery).text == text_of(t, "button-outdated")
    await harness.feed(press(EXECUTOR2, ChecklistCb(id=rid), on_card(EXECUTOR2, 1)))
    assert harness.pop(AnswerCallbackQuery).show_alert
    forged = ChecklistItemCb(action=ItemAction.SET, id=2**31 - 1, seen=ItemState.OPEN)
    await harness.feed(press(EXECUTOR, forged, on_card(EXECUTOR, 1)))
    assert harness.pop(AnswerCallbackQuery).text == text_of(t, "checklist-not-found")
    await harness.feed(press(EXECUTOR, "chi:set:99999999999:open:done", on_card(EXECUTOR, 1)))
    assert harness.pop(AnswerCallbackQuery).show_alert  # out of bounds: nobody's button
    assert {i.state for i in await items_of(harness.session_pool, rid)} == {ItemState.OPEN}
    assert teacher.role is Role.USER


async def test_concurrent_ticks_lose_nothing(harness: Harness) -> None:
    pool = harness.session_pool
    admin, executor = await people(harness)
    _, rid = await occur(harness, admin, executor)
    items = await items_of(harness.session_pool, rid)

    # Different items at once: every tick is kept.
    results = await asyncio.gather(*(set_item(pool, i.id, executor) for i in items))
    assert all(r.ok for r in results)
    assert {i.state for i in await items_of(harness.session_pool, rid)} == {ItemState.DONE}

    # The same item at once, expecting "done" -> "open": one wins, the other sees it now.
    def untick(user: User) -> Awaitable[checklist.ItemResult]:
        return set_item(pool, items[0].id, user, expected=ItemState.DONE, state=ItemState.OPEN)

    both = await asyncio.gather(untick(executor), untick(admin))
    assert sorted(r.outcome for r in both) == [
        checklist.ItemOutcome.DONE,
        checklist.ItemOutcome.STALE,
    ]
    states = [i.state for i in await items_of(harness.session_pool, rid)]
    assert states == [ItemState.OPEN, ItemState.DONE, ItemState.DONE]


# -------------------------------------------------------------------- the jobs
async def test_the_list_shows_the_next_date_and_pause_resume_delete(harness: Harness) -> None:
    t = harness.catalogue.translator("ru")
    tz = harness.settings.tz
    admin, executor = await people(harness)
    job_id, rid = await occur(harness, admin, executor)
    next_run = DUE + timedelta(days=1)

    await harness.feed(message(ADMIN, "/planned"))
    listing = harness.pop(SendMessage)
    assert t.datetime(next_run, tz) in listing.text
    card = on_card(ADMIN, 200)

    async def job(action: JobAction) -> EditMessageText:
        await harness.feed(press(ADMIN, PlannedJobCb(action=action, id=job_id), card))
        harness.pop(AnswerCallbackQuery)
        return harness.pop(EditMessageText)

    opened = await job(JobAction.OPEN)
    assert text_of(t, "planned-card-next", next=t.datetime(next_run, tz)) in opened.text
    assert t("planned-pause") in button_texts(opened.reply_markup)

    paused = await job(JobAction.PAUSE)
    assert t("planned-resume") in button_texts(paused.reply_markup)
    assert await job_state(harness.session_pool, job_id) == (PlannedStatus.PAUSED, None)
    assert (await scheduler(harness).tick(next_run + timedelta(days=5))).planned == 0

    resumed = await job(JobAction.RESUME)
    assert t("planned-pause") in button_texts(resumed.reply_markup)
    row = await job_row(harness.session_pool, job_id)
    assert row.status is PlannedStatus.ACTIVE and row.next_run_at is not None

    asked = await job(JobAction.DELETE)
    assert asked.text == t("planned-delete-ask", number=job_id, title="Проверка огнетушителей")
    await harness.feed(press(ADMIN, PlannedJobCb(action=JobAction.DELETE_CONFIRM, id=job_id), card))
    harness.pop(AnswerCallbackQuery)
    assert harness.pop(EditMessageText).text == t("planned-list-empty")
    row = await job_row(harness.session_pool, job_id)
    assert row.status is PlannedStatus.DELETED and row.deleted_at is not None
    # The request it created, its checklist and its history stay.
    [request] = await planned_requests(harness.session_pool)
    assert (request.id, request.planned_job_id) == (rid, job_id)
    assert len(await items_of(harness.session_pool, rid)) == 3
    assert len(await history(harness.session_pool, rid)) == 2
    assert (await scheduler(harness).tick(next_run + timedelta(days=10))).planned == 0


async def test_non_admins_cannot_touch_jobs(harness: Harness) -> None:
    t = harness.catalogue.translator("ru")
    admin, executor = await people(harness)
    job_id = await make_job(harness, admin, executor)
    for forged in (
        PlannedJobCb(action=JobAction.PAUSE, id=job_id),
        PlannedJobCb(action=JobAction.DELETE_CONFIRM, id=job_id),
        PlannedListCb(new=True),
    ):
        await harness.feed(press(EXECUTOR, forged, on_card(EXECUTOR, 1)))
        answer = harness.pop(AnswerCallbackQuery)
        assert answer.show_alert and answer.text == text_of(t, "button-outdated")
    await harness.feed(message(EXECUTOR, "/planned"))
    assert harness.pop(SendMessage).text == t("fallback-hint")
    assert await job_state(harness.session_pool, job_id) == (PlannedStatus.ACTIVE, DUE)
    # The service refuses on its own too (the web panel or a CLI would call it).
    async with harness.session_pool() as session:
        result = await service.delete_job(session, user=executor, job_id=job_id)
    assert result.outcome is service.JobOutcome.FORBIDDEN


# --------------------------------------------------- the digest, /stats, the export
async def test_the_digest_lists_todays_planned_work(harness: Harness) -> None:
    t = harness.catalogue.translator("ru")
    tz = harness.settings.tz
    admin, executor = await people(harness)
    await make_job(harness, admin, executor)  # due at 10:00
    afternoon = Schedule(freq=Freq.DAILY, start=date(2026, 3, 18), at=time(15, 0))
    await make_job(harness, admin, None, schedule=afternoon)
    with_digest = harness.settings.model_copy(update={"digest_time": time(10, 30)})
    ticker = Scheduler(harness.session_pool, harness.catalogue, with_digest)

    result = await ticker.tick(DUE + timedelta(minutes=30))
    assert (result.planned, result.digest) == (1, True)
    await harness.deliver_outbox()
    sent = harness.pop_all()
    [digest] = [m for m in sent if isinstance(m, SendMessage) and "Сводка" in m.text]
    assert digest.chat_id == ADMIN.id
    tail = digest.text.split(t("planned-digest-heading"), 1)[1]
    [rid] = [r.id for r in await planned_requests(harness.session_pool)]
    assert text_of(
        t, "planned-digest-created", number=rid, title="Проверка огнетушителей", place="каб. 12"
    ) in html.unescape(tail)
    at = t.datetime(datetime(2026, 3, 18, 12, 0, tzinfo=UTC), tz)  # 15:00 in Moscow
    assert text_of(t, "planned-digest-upcoming", title="Проверка огнетушителей", at=at) in (
        html.unescape(tail)
    )


async def test_stats_and_the_export_separate_planned_from_reported_work(
    harness: Harness,
) -> None:
    t = harness.catalogue.translator("ru")
    tz = harness.settings.tz
    admin, executor = await people(harness)
    teacher = await add_person(harness.session_pool, TEACHER)
    _, planned_id = await occur(harness, admin, executor)
    reported_id = await add_request(harness.session_pool, teacher, created_at=DUE)
    later = DUE + timedelta(hours=1)

    async with harness.session_pool() as session:
        stats = await collect(session, now=later, tz=tz)
    assert (stats.created_30, stats.planned_30, stats.planned_open) == (2, 1, 1)
    assert t("stats-planned", d30=1, reported=1, open=1) in render_stats(t, stats, tz)

    async with harness.session_pool() as session:
        file = await build_export(
            session, t, period=ExportPeriod.ALL_TIME, status=None, now=later, tz=tz
        )
    rows = list(load_workbook(BytesIO(file.data))[t("export-sheet-requests")].values)
    kind = rows[0].index(t("export-col-kind"))
    kinds = {row[0]: row[kind] for row in rows[1:]}
    assert kinds == {planned_id: t("export-kind-planned"), reported_id: t("export-kind-reported")}


async def test_tasks_list_marks_planned_work_and_the_card_opens_the_checklist(
    harness: Harness,
) -> None:
    t = harness.catalogue.translator("ru")
    admin, executor = await people(harness)
    _, rid = await occur(harness, admin, executor)
    await harness.feed(message(EXECUTOR, "/tasks"))
    tasks = harness.pop(SendMessage)
    [line] = [s for s in tasks.text.splitlines() if f"#{rid}" in s]
    assert "🗓" in line

    await harness.feed(press(EXECUTOR, ChecklistCb(id=rid), on_card(EXECUTOR, 400)))
    harness.pop(AnswerCallbackQuery)
    checklist = harness.pop(SendMessage)
    assert text_of(t, "checklist-progress", done=0, total=3) in checklist.text
    assert t("action-finish") in button_texts(checklist.reply_markup)


# ------------------------------------------------- deadlines and the embedded default
async def test_an_overdue_planned_request_is_reminded_like_any_other(harness: Harness) -> None:
    t = harness.catalogue.translator("ru")
    admin, executor = await people(harness)
    _, rid = await occur(harness, admin, executor)
    late = DUE + timedelta(hours=harness.settings.sla_hours()["normal"], minutes=1)
    result = await scheduler(harness).tick(late)
    assert (result.planned, result.reminded) == (1, 1)  # the next day's occurrence, too
    await harness.deliver_outbox()
    sent = [m for m in harness.pop_all() if isinstance(m, SendMessage)]
    due = t.datetime(late - timedelta(minutes=1), harness.settings.tz)
    heading = t("reminder-overdue", number=rid, due=due)
    [reminder] = [m for m in sent if m.text.startswith(heading)]
    assert reminder.chat_id == EXECUTOR.id and "🗓" in reminder.text


async def test_occurrences_and_ticks_on_the_embedded_sqlite(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/planned.sqlite3"
    await migrate.upgrade_async(url)
    engine = create_engine(url)
    pool = create_session_pool(engine)
    try:
        admin = await add_person(pool, ADMIN, Role.ADMIN)
        executor = await add_person(pool, EXECUTOR, Role.EXECUTOR)
        settings = make_settings(url)
        schedule = Schedule(freq=Freq.DAILY, start=date(2026, 3, 18), at=time(10, 0))
        async with pool() as session:
            created = await service.create_job(
                session,
                user=admin,
                draft=service.JobDraft(
                    "Обход", 1, ["каб. 12"], ITEMS, executor.id, Priority.LOW, schedule
                ),
                tz=settings.tz,
                now=NOW,
            )
        assert created.ok
        ticker = Scheduler(pool, catalogue, settings)
        assert (await ticker.tick(DUE)).planned == 1
        assert (await ticker.tick(DUE)).planned == 0
        [request] = await planned_requests(pool)
        item = (await items_of(pool, request.id))[0]
        assert (await set_item(pool, item.id, executor)).ok
        assert (await items_of(pool, request.id))[0].state is ItemState.DONE
    finally:
        await engine.dispose()


async def test_wizard_monthly_on_the_last_friday_with_school_holidays(harness: Harness) -> None:
    t = harness.catalogue.translator("ru")
    await people(harness)
    wizard = Wizard(harness)
    press_step, type_step = wizard.press, wizard.type

    await press_step(PlannedListCb(new=True))
    await type_step("Аварийное освещение")
    await press_step(PlannedPickCb(field=WizardField.CATEGORY, id=1))
    await type_step("корпус А")
    await type_step("Лампы горят")
    await press_step(PlannedPickCb(field=WizardField.ASSIGNEE, value=0))  # the admins' queue
    await press_step(PlannedPickCb(field=WizardField.PRIORITY, value=1))
    assert (await press_step(PlannedPickCb(field=WizardField.KIND, value=3))).text == t(
        "planned-ask-nth"
    )
    await press_step(PlannedPickCb(field=WizardField.NTH, value=-1))
    await press_step(PlannedPickCb(field=WizardField.WEEKDAY, value=4))
    assert (await type_step("0")).text == t("planned-bad-number", limit=100, max=10)
    await type_step("3")  # every 3 months
    assert (await type_step("31.02.2027")).text == t("planned-bad-date", limit=100, max=10)
    await type_step("01.01.2027")
    await type_step("8.30")
    assert (await type_step("05.04.2027-23.03.2027")).text == t(
        "planned-bad-pauses", limit=100, max=10
    )
    summary = await type_step("23.04.2027-30.04.2027")
    assert "последний Пт" in summary.text and "23.04.2027–30.04.2027" in summary.text
    # 29.01.2027 is the last Friday of January; April's (30.04) is in the holidays.
    assert (
        "29.01.2027 08:30" in summary.text
        and "30.04.2027" not in summary.text.split(t("planned-summary-next", dates=""))[-1]
    )
    await press_step(PlannedNavCb(action=WizardNav.SAVE))
    async with harness.session_pool() as session:
        job = await session.scalar(select(PlannedJob))
    assert job is not None and job.assignee_id is None
    assert job.schedule == {
        "freq": "monthly",
        "interval": 3,
        "weekdays": [],
        "month_day": None,
        "weekday": 4,
        "nth": -1,
        "start": "2027-01-01",
        "at": "08:30:00",
        "pauses": [{"start": "2027-04-23", "end": "2027-04-30"}],
    }
    assert job.next_run_at == datetime(2027, 1, 29, 5, 30, tzinfo=UTC)  # 08:30 in Moscow
