"""Planned work's refusals and rarer paths: the services' own guards (what the web panel or a
CLI would meet, and what a stale button reaches), the checklist's compare-and-set, and the
wizard's weekly step, the job list's second page and a read-only checklist through the
real dispatcher. Binding the staff chat is refused to a non-admin by the service too.

The bed and the helpers are tests/test_planned.py's.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage
from sqlalchemy import func, select, update

from bot.services import checklist
from bot.services import planned as service
from bot.services.onboarding import BindOutcome, bind_staff_chat
from bot.services.staff_chat import StaffChatRoute
from models import (
    Category,
    ChatBinding,
    ItemState,
    PlannedJob,
    PlannedStatus,
    Priority,
    Request,
    User,
)
from models.schedule import Freq, Schedule
from tests.conftest import ADMIN, TEACHER, Harness
from tests.staff import add_person, add_request, button_data, button_texts, on_card
from tests.test_planned import (
    DUE,
    ITEMS,
    NOW,
    Wizard,
    items_of,
    job_state,
    make_job,
    occur,
    people,
    planned_requests,
    scheduler,
    set_item,
    text_of,
)
from tests.updates import message, press
from utils.callbacks_planned import (
    ChecklistCb,
    PlannedListCb,
    PlannedNavCb,
    PlannedPickCb,
    WizardField,
    WizardNav,
)

JobOutcome = service.JobOutcome
Outcome = checklist.ItemOutcome
DAILY = Schedule(freq=Freq.DAILY, start=date(2026, 3, 18), at=time(10, 0))


def draft(**changes: Any) -> service.JobDraft:
    values: dict[str, Any] = {
        "title": "Проверка огнетушителей",
        "category_id": 1,
        "places": ["каб. 12"],
        "checklist": ITEMS,
        "assignee_id": None,
        "priority": Priority.NORMAL,
        "schedule": DAILY,
    }
    values.update(changes)
    return service.JobDraft(**values)


async def job_count(harness: Harness) -> int:
    async with harness.session_pool() as session:
        return int(await session.scalar(select(func.count(PlannedJob.id))) or 0)


async def file_repair(harness: Harness, item_id: int, user: User) -> checklist.ItemResult:
    """The repair request `user` files for a checklist item, as the bot's button does."""
    async with harness.session_pool() as session:
        return await checklist.file_followup(
            session,
            harness.dp["notifier"],
            item_id=item_id,
            user=user,
            description="Заменить",
            sla_hours=harness.settings.sla_hours(),
        )


# ------------------------------------------------------------------- the jobs
async def test_a_job_is_refused_for_a_non_admin_a_hidden_category_or_a_requester(
    harness: Harness,
) -> None:
    admin, executor = await people(harness)
    teacher = await add_person(harness.session_pool, TEACHER)
    async with harness.session_pool() as session, session.begin():
        await session.execute(update(Category).where(Category.id == 2).values(is_hidden=True))
    cases = [
        (executor, draft(), JobOutcome.FORBIDDEN),
        (admin, draft(category_id=2), JobOutcome.BAD_CATEGORY),
        (admin, draft(category_id=2**31 - 1), JobOutcome.BAD_CATEGORY),
        (admin, draft(assignee_id=teacher.id), JobOutcome.BAD_ASSIGNEE),
        (admin, draft(assignee_id=2**31 - 1), JobOutcome.BAD_ASSIGNEE),
    ]
    for user, job, outcome in cases:
        async with harness.session_pool() as session:
            result = await service.create_job(
                session, user=user, draft=job, tz=harness.settings.tz, now=NOW
            )
        assert result.outcome is outcome, (user.role, job)
        assert result.job is None
    assert await job_count(harness) == 0


async def test_a_schedule_that_never_happens_again_saves_no_job(harness: Harness) -> None:
    admin, _ = await people(harness)
    # Every day, but the whole future is a pause.
    never = Schedule.model_validate(
        {
            "freq": "daily",
            "start": "2026-03-18",
            "at": "10:00",
            "pauses": [{"start": "2026-03-18", "end": "9999-12-31"}],
        }
    )
    async with harness.session_pool() as session:
        result = await service.create_job(
            session, user=admin, draft=draft(schedule=never), tz=harness.settings.tz, now=NOW
        )
    assert result.outcome is JobOutcome.NO_OCCURRENCE
    assert await job_count(harness) == 0


async def test_an_executor_reads_no_job_and_unknown_ids_are_not_found(harness: Harness) -> None:
    admin, executor = await people(harness)
    job_id = await make_job(harness, admin, executor)
    tz = harness.settings.tz
    async with harness.session_pool() as session:
        assert await service.list_jobs(session, user=executor) is None
        assert await service.get_job(session, user=executor, job_id=job_id) is None
        assert await service.job_schedule(session, user=executor, job_id=job_id) is None
        resumed = await service.resume_job(session, user=executor, job_id=job_id, tz=tz)
        assert resumed.outcome is JobOutcome.FORBIDDEN
        assert await service.get_job(session, user=admin, job_id=job_id + 1) is None
        assert await service.job_schedule(session, user=admin, job_id=job_id + 1) is None
        for change in (
            service.pause_job(session, user=admin, job_id=job_id + 1),
            service.resume_job(session, user=admin, job_id=job_id + 1, tz=tz),
            service.delete_job(session, user=admin, job_id=job_id + 1),
        ):
            assert (await change).outcome is JobOutcome.NOT_FOUND
        schedule = await service.job_schedule(session, user=admin, job_id=job_id)
    assert schedule == DAILY
    assert await job_state(harness.session_pool, job_id) == (PlannedStatus.ACTIVE, DUE)


async def test_pausing_twice_or_resuming_an_active_job_changes_nothing(
    harness: Harness,
) -> None:
    admin, executor = await people(harness)
    job_id = await make_job(harness, admin, executor)
    tz = harness.settings.tz
    async with harness.session_pool() as session:
        active = await service.resume_job(session, user=admin, job_id=job_id, tz=tz, now=NOW)
        first = await service.pause_job(session, user=admin, job_id=job_id, now=NOW)
        second = await service.pause_job(session, user=admin, job_id=job_id, now=NOW)
    assert (active.outcome, first.outcome, second.outcome) == (
        JobOutcome.UNCHANGED,
        JobOutcome.DONE,
        JobOutcome.UNCHANGED,
    )
    assert await job_state(harness.session_pool, job_id) == (PlannedStatus.PAUSED, None)


async def test_a_job_whose_stored_schedule_is_unreadable_stays_paused(harness: Harness) -> None:
    """A row edited by hand (or by an older version) does not crash the card or resume."""
    admin, executor = await people(harness)
    job_id = await make_job(harness, admin, executor)
    async with harness.session_pool() as session:
        await service.pause_job(session, user=admin, job_id=job_id, now=NOW)
    async with harness.session_pool() as session, session.begin():
        await session.execute(
            update(PlannedJob).where(PlannedJob.id == job_id).values(schedule={"freq": "hourly"})
        )

    async with harness.session_pool() as session:
        schedule = await service.job_schedule(session, user=admin, job_id=job_id)
        resumed = await service.resume_job(
            session, user=admin, job_id=job_id, tz=harness.settings.tz, now=NOW
        )
    assert schedule is None
    assert resumed.outcome is JobOutcome.NO_OCCURRENCE
    assert await job_state(harness.session_pool, job_id) == (PlannedStatus.PAUSED, None)


async def test_deleting_a_job_keeps_its_open_occurrence_and_stops_new_ones(
    harness: Harness,
) -> None:
    admin, executor = await people(harness)
    job_id, rid = await occur(harness, admin, executor)
    async with harness.session_pool() as session:
        deleted = await service.delete_job(session, user=admin, job_id=job_id, now=NOW)
        again = await service.delete_job(session, user=admin, job_id=job_id, now=NOW)
        listed = await service.list_jobs(session, user=admin)
    assert deleted.ok and again.outcome is JobOutcome.NOT_FOUND
    assert listed is not None and listed.items == []
    [request] = await planned_requests(harness.session_pool)
    assert (request.id, request.planned_job_id) == (rid, job_id)
    # The open occurrence can still be worked: its checklist ticks.
    item = (await items_of(harness.session_pool, rid))[0]
    assert (await set_item(harness.session_pool, item.id, executor)).ok
    assert (await scheduler(harness).tick(DUE + timedelta(days=3))).planned == 0


# -------------------------------------------------------------- the checklist
async def test_failing_an_item_without_a_note_is_refused(harness: Harness) -> None:
    admin, executor = await people(harness)
    _, rid = await occur(harness, admin, executor)
    item = (await items_of(harness.session_pool, rid))[0]

    for note in (None, "", "   "):
        result = await set_item(
            harness.session_pool, item.id, executor, state=ItemState.FAILED, note=note
        )
        assert result.outcome is Outcome.NOTE_REQUIRED, note
    [stored, *_] = await items_of(harness.session_pool, rid)
    assert (stored.state, stored.note) == (ItemState.OPEN, None)


async def test_a_tick_on_an_item_already_ticked_is_stale_and_shows_it_now(
    harness: Harness,
) -> None:
    admin, executor = await people(harness)
    _, rid = await occur(harness, admin, executor)
    item = (await items_of(harness.session_pool, rid))[0]

    first = await set_item(harness.session_pool, item.id, admin)
    second = await set_item(harness.session_pool, item.id, admin)
    assert (first.outcome, second.outcome) == (Outcome.DONE, Outcome.STALE)
    assert second.card is not None
    assert second.card.items[0].state is ItemState.DONE
    [stored, *_] = await items_of(harness.session_pool, rid)
    assert (stored.state, stored.checked_by_id) == (ItemState.DONE, admin.id)


async def test_a_checklist_not_in_work_is_read_only(harness: Harness) -> None:
    """Unassigned, the occurrence waits as NEW in the admins' queue: they see its
    checklist, but nobody ticks or files a repair before someone takes it."""
    admin, _ = await people(harness)
    _, rid = await occur(harness, admin, None)
    item = (await items_of(harness.session_pool, rid))[0]

    async with harness.session_pool() as session:
        card = await checklist.checklist(session, request_id=rid, user=admin)
        context = await checklist.item_context(session, item_id=item.id, user=admin)
    ticked = await set_item(harness.session_pool, item.id, admin)
    filed = await file_repair(harness, item.id, admin)
    assert card is not None and not card.editable
    assert context is None
    assert (ticked.outcome, filed.outcome) == (Outcome.FORBIDDEN, Outcome.FORBIDDEN)
    assert {i.state for i in await items_of(harness.session_pool, rid)} == {ItemState.OPEN}
    assert len(await planned_requests(harness.session_pool)) == 1


async def test_a_repair_is_filed_only_for_a_failed_item(harness: Harness) -> None:
    admin, executor = await people(harness)
    _, rid = await occur(harness, admin, executor)
    item = (await items_of(harness.session_pool, rid))[0]

    filed = await file_repair(harness, item.id, executor)
    assert filed.outcome is Outcome.NOT_FAILED and filed.followup_id is None
    async with harness.session_pool() as session:
        total = await session.scalar(select(func.count(Request.id)))
    assert total == 1  # only the occurrence itself


async def test_a_request_without_a_checklist_has_none(harness: Harness) -> None:
    admin, _ = await people(harness)
    teacher = await add_person(harness.session_pool, TEACHER)
    rid = await add_request(harness.session_pool, teacher)
    async with harness.session_pool() as session:
        assert await checklist.checklist(session, request_id=rid, user=admin) is None


# ------------------------------------------------------- through the dispatcher
async def test_an_admin_opens_a_checklist_not_in_work_without_item_buttons(
    harness: Harness,
) -> None:
    admin, _ = await people(harness)
    _, rid = await occur(harness, admin, None)

    await harness.feed(press(ADMIN, ChecklistCb(id=rid), on_card(ADMIN, 500)))

    t = harness.catalogue.translator("ru")

    harness.pop(AnswerCallbackQuery)
    shown = harness.pop(SendMessage)
    assert text_of(t, "checklist-progress", done=0, total=3) in shown.text
    assert all(item in shown.text for item in ITEMS)
    assert not [d for d in button_data(shown.reply_markup) if d.startswith("chi:")]


async def test_the_job_list_pages_by_ten(harness: Harness) -> None:
    t = harness.catalogue.translator("ru")
    admin, executor = await people(harness)
    ids = [await make_job(harness, admin, executor) for _ in range(11)]

    await harness.feed(message(ADMIN, "/planned"))

    listing = harness.pop(SendMessage)
    texts = button_texts(listing.reply_markup)
    assert t("planned-list-more") in texts
    assert sum(f"#{i} " in s for s in texts for i in ids) == 10
    [more] = [
        b.callback_data
        for row in listing.reply_markup.inline_keyboard  # type: ignore[union-attr]
        for b in row
        if b.text == t("planned-list-more")
    ]
    await harness.feed(press(ADMIN, more, on_card(ADMIN, 600)))
    harness.pop(AnswerCallbackQuery)
    second = button_texts(harness.pop(EditMessageText).reply_markup)
    assert [i for i in ids if any(f"#{i} " in s for s in second)] == [ids[-1]]
    assert t("planned-list-more") not in second


async def test_wizard_weekly_on_chosen_days(harness: Harness) -> None:
    t = harness.catalogue.translator("ru")
    await people(harness)
    press_step = Wizard(harness).press

    await press_step(PlannedListCb(new=True))
    await harness.feed(message(ADMIN, "Обход крыши"))
    harness.pop(SendMessage)
    await press_step(PlannedPickCb(field=WizardField.CATEGORY, id=1))
    for text in ("чердак", "Люк закрыт"):
        await harness.feed(message(ADMIN, text))
        harness.pop(SendMessage)
    await press_step(PlannedPickCb(field=WizardField.ASSIGNEE, value=0))
    await press_step(PlannedPickCb(field=WizardField.PRIORITY, value=1))
    days = await press_step(PlannedPickCb(field=WizardField.KIND, value=1))  # weekly
    assert days.text == t("planned-ask-weekdays")
    assert t("planned-weekdays-done") not in button_texts(days.reply_markup)  # none chosen
    monday = await press_step(PlannedPickCb(field=WizardField.WEEKDAY, value=0))
    thursday = await press_step(PlannedPickCb(field=WizardField.WEEKDAY, value=3))
    assert sum(s.startswith("✓ ") for s in button_texts(monday.reply_markup)) == 1
    assert sum(s.startswith("✓ ") for s in button_texts(thursday.reply_markup)) == 2
    assert t("planned-weekdays-done") in button_texts(thursday.reply_markup)
    await press_step(PlannedNavCb(action=WizardNav.DONE))
    await press_step(PlannedPickCb(field=WizardField.INTERVAL, value=1))
    await press_step(PlannedNavCb(action=WizardNav.TODAY))
    await harness.feed(message(ADMIN, "7:30"))
    harness.pop(SendMessage)
    await press_step(PlannedNavCb(action=WizardNav.SKIP))
    await press_step(PlannedNavCb(action=WizardNav.SAVE))

    async with harness.session_pool() as session:
        job = await session.scalar(select(PlannedJob))
    assert job is not None
    assert (job.schedule["freq"], job.schedule["weekdays"]) == ("weekly", [0, 3])
    assert job.schedule["at"] == "07:30:00"


# ------------------------------------------------------------------ onboarding
async def test_only_an_admin_binds_the_staff_chat(harness: Harness) -> None:
    _, executor = await people(harness)
    route = StaffChatRoute()

    async with harness.session_pool() as session:
        result = await bind_staff_chat(
            session, route, user=executor, chat_id=-100_777, thread_id=None, title="Завхозы"
        )

    assert result.outcome is BindOutcome.NOT_ALLOWED and result.chat is None
    assert route.bound is None
    async with harness.session_pool() as session:
        assert await session.scalar(select(func.count()).select_from(ChatBinding)) == 0
