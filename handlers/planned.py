"""Planned maintenance in the chat: `/planned` (admins: the job list, the creation wizard,
pause, resume, delete) and the checklist of a planned request (its executor and admins).

The wizard's state is one typed model (`Wizard`), loaded once and saved once per update;
every step has Back and Cancel. Every press is checked again on the server (the service
asks models/planned.py); a stale or forged button gets an alert and changes nothing.
"""

from __future__ import annotations

import html
import re
from datetime import date, datetime, time
from enum import StrEnum

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from pydantic import BaseModel, Field, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.filters import FreeInput, is_admin, is_staff
from bot.sender import is_not_modified
from bot.services import planned as service
from bot.services.notifications import Notifier
from bot.services.planned import ItemOutcome, ItemResult, JobOutcome, JobResult
from bot.settings import Settings
from models import ItemState, Priority, User, utcnow
from models.planned import ITEM_MAX, ITEMS_MAX, PLACE_MAX, PLACES_MAX, TITLE_MAX
from models.schedule import Freq, Pause, Schedule
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
from utils.i18n import Markup, Translator
from utils.keyboards.planned import (
    KINDS,
    assignee_keyboard,
    category_keyboard,
    checklist_keyboard,
    delete_confirm_keyboard,
    interval_buttons,
    job_keyboard,
    jobs_keyboard,
    kind_keyboard,
    nav_keyboard,
    nth_keyboard,
    priority_keyboard,
    skip_button,
    summary_keyboard,
    today_button,
    weekday_keyboard,
    weekdays_keyboard,
)
from utils.planned_cards import describe_schedule, job_card, jobs_text, render_checklist

PAUSES_MAX = 10
DATE = "%d.%m.%Y"
_TIME = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")
_RANGE = re.compile(r"^\s*(\d{1,2}\.\d{1,2}\.\d{4})\s*[-–—]\s*(\d{1,2}\.\d{1,2}\.\d{4})\s*$")


class PlannedForm(StatesGroup):
    wizard = State()
    fail_note = State()


class Step(StrEnum):
    TITLE = "title"
    CATEGORY = "category"
    PLACES = "places"
    CHECKLIST = "checklist"
    ASSIGNEE = "assignee"
    PRIORITY = "priority"
    KIND = "kind"
    WEEKDAYS = "weekdays"
    NTH = "nth"
    WEEKDAY = "weekday"
    MONTH_DAY = "month_day"
    INTERVAL = "interval"
    START = "start"
    TIME = "time"
    PAUSES = "pauses"
    SUMMARY = "summary"


class Wizard(BaseModel):
    """The wizard's state: where it is, how it got there, what was entered."""

    step: Step = Step.TITLE
    history: list[Step] = Field(default_factory=list)
    title: str = ""
    category_id: int | None = None
    places: list[str] = Field(default_factory=list)
    checklist: list[str] = Field(default_factory=list)
    assignee_id: int | None = None
    priority: Priority = Priority.NORMAL
    kind: str = "daily"
    weekdays: list[int] = Field(default_factory=list)
    nth: int | None = None
    weekday: int | None = None
    month_day: int | None = None
    interval: int = 1
    start: date | None = None
    at: time | None = None
    pauses: list[Pause] = Field(default_factory=list)

    def go(self, step: Step) -> None:
        self.history.append(self.step)
        self.step = step

    def back(self) -> bool:
        if not self.history:
            return False
        self.step = self.history.pop()
        return True

    def after_kind(self) -> Step:
        return {
            "daily": Step.INTERVAL,
            "weekly": Step.WEEKDAYS,
            "month_day": Step.MONTH_DAY,
            "nth_weekday": Step.NTH,
        }[self.kind]

    def schedule(self) -> Schedule | None:
        if self.start is None or self.at is None:
            return None
        freq = {"daily": Freq.DAILY, "weekly": Freq.WEEKLY}.get(self.kind, Freq.MONTHLY)
        try:
            return Schedule(
                freq=freq,
                interval=self.interval,
                weekdays=tuple(self.weekdays) if self.kind == "weekly" else (),
                month_day=self.month_day if self.kind == "month_day" else None,
                nth=self.nth if self.kind == "nth_weekday" else None,
                weekday=self.weekday if self.kind == "nth_weekday" else None,
                start=self.start,
                at=self.at,
                pauses=tuple(self.pauses),
            )
        except ValidationError:
            return None


async def _load(state: FSMContext) -> Wizard | None:
    if await state.get_state() != PlannedForm.wizard.state:
        return None
    try:
        return Wizard.model_validate(await state.get_data())
    except ValidationError:
        return None


async def _save(state: FSMContext, wizard: Wizard) -> None:
    await state.set_data(wizard.model_dump(mode="json"))


# ------------------------------------------------------------------------ helpers
async def _alert(query: CallbackQuery, text: str) -> None:
    await query.answer(html.unescape(text)[:200], show_alert=True)


async def _edit(
    bot: Bot, chat_id: int, message_id: int, text: str, markup: InlineKeyboardMarkup | None
) -> None:
    try:
        await bot.edit_message_text(
            chat_id=chat_id, message_id=message_id, text=text, reply_markup=markup
        )
    except TelegramBadRequest as exc:
        if not is_not_modified(exc):
            raise


async def _show(
    event: Message | CallbackQuery, bot: Bot, text: str, markup: InlineKeyboardMarkup | None
) -> None:
    """A button press edits its message in place; a typed answer gets a new message."""
    if isinstance(event, CallbackQuery):
        if isinstance(event.message, Message):
            await _edit(bot, event.message.chat.id, event.message.message_id, text, markup)
        return
    await event.answer(text, reply_markup=markup)


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def _parse_date(text: str) -> date | None:
    try:
        return datetime.strptime(text.strip(), DATE).date()
    except ValueError:
        return None


# -------------------------------------------------------------------- the wizard
async def _step_view(
    t: Translator, wizard: Wizard, session: AsyncSession, settings: Settings
) -> tuple[str, InlineKeyboardMarkup]:
    step = wizard.step
    if step is Step.TITLE:
        return t("planned-ask-title", limit=TITLE_MAX), nav_keyboard(t, back=False)
    if step is Step.CATEGORY:
        categories, _ = await service.wizard_choices(session)
        options = [(c.id, c.name(t.language)) for c in categories]
        return t("planned-ask-category"), category_keyboard(t, options)
    if step is Step.PLACES:
        return t("planned-ask-places", limit=PLACE_MAX, max=PLACES_MAX), nav_keyboard(t)
    if step is Step.CHECKLIST:
        return t("planned-ask-checklist", limit=ITEM_MAX, max=ITEMS_MAX), nav_keyboard(t)
    if step is Step.ASSIGNEE:
        _, people = await service.wizard_choices(session)
        return t("planned-ask-assignee"), assignee_keyboard(
            t, [(p.id, p.full_name) for p in people]
        )
    if step is Step.PRIORITY:
        return t("planned-ask-priority"), priority_keyboard(t)
    if step is Step.KIND:
        return t("planned-ask-kind"), kind_keyboard(t)
    if step is Step.WEEKDAYS:
        return t("planned-ask-weekdays"), weekdays_keyboard(t, wizard.weekdays)
    if step is Step.NTH:
        return t("planned-ask-nth"), nth_keyboard(t)
    if step is Step.WEEKDAY:
        return t("planned-ask-weekday"), weekday_keyboard(t)
    if step is Step.MONTH_DAY:
        return t("planned-ask-month-day"), nav_keyboard(t)
    if step is Step.INTERVAL:
        unit = {"daily": "days", "weekly": "weeks"}.get(wizard.kind, "months")
        return t(f"planned-ask-interval-{unit}"), nav_keyboard(
            t, extra=interval_buttons(t, (1, 2, 3))
        )
    if step is Step.START:
        return t("planned-ask-start"), nav_keyboard(t, extra=[today_button(t)])
    if step is Step.TIME:
        return t("planned-ask-time"), nav_keyboard(t)
    if step is Step.PAUSES:
        return t("planned-ask-pauses", max=PAUSES_MAX), nav_keyboard(
            t, extra=[skip_button(t, "planned-no-pauses")]
        )
    return _summary(t, wizard, settings), summary_keyboard(t)


def _summary(t: Translator, wizard: Wizard, settings: Settings) -> str:
    schedule = wizard.schedule()
    lines = [
        t("planned-summary-title", title=wizard.title),
        t("planned-card-places", places=", ".join(wizard.places)),
        t("planned-card-items", count=len(wizard.checklist)),
        t("planned-card-priority", priority=t(f"priority-{wizard.priority}")),
    ]
    if schedule is not None:
        lines.append(Markup(describe_schedule(t, schedule)))
        upcoming = schedule.upcoming(utcnow(), settings.tz, 3)
        dates = ", ".join(t.datetime(d, settings.tz) for d in upcoming) or "—"
        lines.append(t("planned-summary-next", dates=dates))
    return "\n".join(lines)


async def _render(
    event: Message | CallbackQuery,
    bot: Bot,
    t: Translator,
    wizard: Wizard,
    state: FSMContext,
    session: AsyncSession,
    settings: Settings,
) -> None:
    await _save(state, wizard)
    text, markup = await _step_view(t, wizard, session, settings)
    await _show(event, bot, text, markup)


def _text_answer(wizard: Wizard, text: str, settings: Settings) -> str | None:
    """Apply a typed answer to the current step; the error's catalogue key, or None."""
    step = wizard.step
    if step is Step.TITLE:
        title = " ".join(text.split())
        if not title or len(title) > TITLE_MAX:
            return "planned-bad-title"
        wizard.title = title
        wizard.go(Step.CATEGORY)
    elif step is Step.PLACES:
        places = _lines(text)
        if not places or len(places) > PLACES_MAX or any(len(p) > PLACE_MAX for p in places):
            return "planned-bad-places"
        wizard.places = places
        wizard.go(Step.CHECKLIST)
    elif step is Step.CHECKLIST:
        items = _lines(text)
        if not items or len(items) > ITEMS_MAX or any(len(i) > ITEM_MAX for i in items):
            return "planned-bad-checklist"
        wizard.checklist = items
        wizard.go(Step.ASSIGNEE)
    elif step is Step.MONTH_DAY:
        value = text.strip().lower()
        day = -1 if value in ("-1", "last", "последний", "посл") else _int(value)
        if day is None or not (day == -1 or 1 <= day <= 28):
            return "planned-bad-month-day"
        wizard.month_day = day
        wizard.go(Step.INTERVAL)
    elif step is Step.INTERVAL:
        n = _int(text.strip())
        if n is None or not 1 <= n <= 366:
            return "planned-bad-number"
        wizard.interval = n
        wizard.go(Step.START)
    elif step is Step.START:
        start = _parse_date(text)
        if start is None:
            return "planned-bad-date"
        wizard.start = start
        wizard.go(Step.TIME)
    elif step is Step.TIME:
        match = _TIME.match(text)
        if match is None or int(match[1]) > 23 or int(match[2]) > 59:
            return "planned-bad-time"
        wizard.at = time(int(match[1]), int(match[2]))
        wizard.go(Step.PAUSES)
    elif step is Step.PAUSES:
        pauses = _pauses(text)
        if pauses is None:
            return "planned-bad-pauses"
        wizard.pauses = pauses
        wizard.go(Step.SUMMARY)
    else:
        return "planned-use-buttons"
    return None


def _int(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


def _pauses(text: str) -> list[Pause] | None:
    found: list[Pause] = []
    lines = _lines(text)
    if len(lines) > PAUSES_MAX:
        return None
    for line in lines:
        match = _RANGE.match(line)
        start = _parse_date(match[1]) if match else None
        end = _parse_date(match[2]) if match else None
        if start is None or end is None or end < start:
            return None
        found.append(Pause(start=start, end=end))
    return found


async def planned_command(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    user: User,
    t: Translator,
    settings: Settings,
) -> None:
    await state.clear()
    text, markup = await _list_view(t, session, user, settings, after=0)
    await message.answer(text, reply_markup=markup)


async def _list_view(
    t: Translator, session: AsyncSession, user: User, settings: Settings, *, after: int
) -> tuple[str, InlineKeyboardMarkup]:
    page = await service.list_jobs(session, user=user, after_id=after)
    items = page.items if page is not None else []
    next_after = items[-1].id if page is not None and page.has_more and items else None
    return jobs_text(t, items, settings.tz), jobs_keyboard(
        t, [(j.id, j.title, j.status) for j in items], next_after=next_after
    )


async def list_page(
    query: CallbackQuery,
    callback_data: PlannedListCb,
    state: FSMContext,
    session: AsyncSession,
    user: User,
    t: Translator,
    settings: Settings,
    bot: Bot,
) -> None:
    await query.answer()
    if callback_data.new:
        await state.clear()
        await state.set_state(PlannedForm.wizard)
        await _render(query, bot, t, Wizard(), state, session, settings)
        return
    text, markup = await _list_view(t, session, user, settings, after=callback_data.after)
    await _show(query, bot, text, markup)


async def wizard_text(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    t: Translator,
    settings: Settings,
    bot: Bot,
) -> None:
    wizard = await _load(state)
    if wizard is None:
        await state.clear()
        return
    error = _text_answer(wizard, message.text or "", settings)
    if error is not None:
        await message.answer(
            t(error, limit=TITLE_MAX, max=PLACES_MAX),
            reply_markup=nav_keyboard(t, back=bool(wizard.history)),
        )
        return
    await _render(message, bot, t, wizard, state, session, settings)


async def wizard_other(message: Message, t: Translator) -> None:
    await message.answer(t("planned-use-text"), reply_markup=nav_keyboard(t))


async def wizard_pick(
    query: CallbackQuery,
    callback_data: PlannedPickCb,
    state: FSMContext,
    session: AsyncSession,
    t: Translator,
    settings: Settings,
    bot: Bot,
) -> None:
    wizard = await _load(state)
    field, value = callback_data.field, callback_data.value
    expected = {
        WizardField.CATEGORY: Step.CATEGORY,
        WizardField.ASSIGNEE: Step.ASSIGNEE,
        WizardField.PRIORITY: Step.PRIORITY,
        WizardField.KIND: Step.KIND,
        WizardField.NTH: Step.NTH,
        WizardField.INTERVAL: Step.INTERVAL,
    }
    steps = {Step.WEEKDAYS, Step.WEEKDAY} if field is WizardField.WEEKDAY else {expected[field]}
    if wizard is None or wizard.step not in steps:
        await _alert(query, t("button-outdated"))
        return
    await query.answer()
    if field is WizardField.CATEGORY:
        wizard.category_id = callback_data.id
        wizard.go(Step.PLACES)
    elif field is WizardField.ASSIGNEE:
        wizard.assignee_id = callback_data.id if value else None
        wizard.go(Step.PRIORITY)
    elif field is WizardField.PRIORITY:
        priorities = list(Priority)
        if not 0 <= value < len(priorities):
            return
        wizard.priority = priorities[value]
        wizard.go(Step.KIND)
    elif field is WizardField.KIND:
        if not 0 <= value < len(KINDS):
            return
        wizard.kind = KINDS[value]
        wizard.go(wizard.after_kind())
    elif field is WizardField.WEEKDAY and wizard.step is Step.WEEKDAYS:
        if not 0 <= value <= 6:
            return
        chosen = set(wizard.weekdays) ^ {value}
        wizard.weekdays = sorted(chosen)
    elif field is WizardField.WEEKDAY:
        if not 0 <= value <= 6:
            return
        wizard.weekday = value
        wizard.go(Step.INTERVAL)
    elif field is WizardField.NTH:
        if value not in (1, 2, 3, 4, -1):
            return
        wizard.nth = value
        wizard.go(Step.WEEKDAY)
    elif field is WizardField.INTERVAL:
        if not 1 <= value <= 366:
            return
        wizard.interval = value
        wizard.go(Step.START)
    await _render(query, bot, t, wizard, state, session, settings)


async def wizard_nav(
    query: CallbackQuery,
    callback_data: PlannedNavCb,
    state: FSMContext,
    session: AsyncSession,
    user: User,
    t: Translator,
    settings: Settings,
    bot: Bot,
) -> None:
    wizard = await _load(state)
    action = callback_data.action
    if wizard is None:
        await _alert(query, t("button-outdated"))
        return
    if action is WizardNav.CANCEL:
        await state.clear()
        await query.answer()
        await _show(query, bot, t("planned-cancelled"), None)
        return
    if action is WizardNav.BACK:
        if not wizard.back():
            await _alert(query, t("button-outdated"))
            return
    elif action is WizardNav.DONE and wizard.step is Step.WEEKDAYS and wizard.weekdays:
        wizard.go(Step.INTERVAL)
    elif action is WizardNav.TODAY and wizard.step is Step.START:
        wizard.start = utcnow().astimezone(settings.tz).date()
        wizard.go(Step.TIME)
    elif action is WizardNav.SKIP and wizard.step is Step.PAUSES:
        wizard.pauses = []
        wizard.go(Step.SUMMARY)
    elif action is WizardNav.SAVE and wizard.step is Step.SUMMARY:
        await _save_job(query, wizard, state, session, user, t, settings, bot)
        return
    else:
        await _alert(query, t("button-outdated"))
        return
    await query.answer()
    await _render(query, bot, t, wizard, state, session, settings)


async def _save_job(
    query: CallbackQuery,
    wizard: Wizard,
    state: FSMContext,
    session: AsyncSession,
    user: User,
    t: Translator,
    settings: Settings,
    bot: Bot,
) -> None:
    schedule = wizard.schedule()
    if schedule is None or wizard.category_id is None:
        await _alert(query, t("planned-outcome-no_occurrence"))
        return
    result = await service.create_job(
        session,
        user=user,
        draft=service.JobDraft(
            title=wizard.title,
            category_id=wizard.category_id,
            places=wizard.places,
            checklist=wizard.checklist,
            assignee_id=wizard.assignee_id,
            priority=wizard.priority,
            schedule=schedule,
        ),
        tz=settings.tz,
    )
    if not result.ok or result.job is None:
        await _alert(query, t(f"planned-outcome-{result.outcome}"))
        return
    await state.clear()
    await query.answer()
    job = result.job
    await _show(
        query,
        bot,
        t("planned-created", number=job.id, next=t.datetime(job.next_run_at, settings.tz)),
        job_keyboard(t, job.id, job.status),
    )


# ---------------------------------------------------------------------- the jobs
async def job_action(
    query: CallbackQuery,
    callback_data: PlannedJobCb,
    state: FSMContext,
    session: AsyncSession,
    user: User,
    t: Translator,
    settings: Settings,
    bot: Bot,
) -> None:
    action, job_id = callback_data.action, callback_data.id
    if action is JobAction.LIST:
        await query.answer()
        text, markup = await _list_view(t, session, user, settings, after=0)
        await _show(query, bot, text, markup)
        return
    result: JobResult | None = None
    if action is JobAction.PAUSE:
        result = await service.pause_job(session, user=user, job_id=job_id)
    elif action is JobAction.RESUME:
        result = await service.resume_job(session, user=user, job_id=job_id, tz=settings.tz)
    elif action is JobAction.DELETE_CONFIRM:
        result = await service.delete_job(session, user=user, job_id=job_id)
    if result is not None and not result.ok:
        await _alert(query, t(f"planned-outcome-{result.outcome}"))
        return
    if action is JobAction.DELETE_CONFIRM:
        await query.answer(html.unescape(t("planned-deleted", number=job_id))[:200])
        text, markup = await _list_view(t, session, user, settings, after=0)
        await _show(query, bot, text, markup)
        return
    job = await service.get_job(session, user=user, job_id=job_id)
    if job is None:
        await _alert(query, t("planned-outcome-not_found"))
        return
    await query.answer()
    if action is JobAction.DELETE:
        await _show(
            query,
            bot,
            t("planned-delete-ask", number=job.id, title=job.title),
            delete_confirm_keyboard(t, job.id),
        )
        return
    schedule = await service.job_schedule(session, user=user, job_id=job_id)
    upcoming = schedule.upcoming(utcnow(), settings.tz, 3) if schedule else []
    if job.next_run_at is not None and upcoming:
        upcoming[0] = job.next_run_at
    await _show(
        query,
        bot,
        job_card(t, job, schedule, settings.tz, upcoming),
        job_keyboard(t, job.id, job.status),
    )


# ----------------------------------------------------------------- the checklist
def _checklist_view(t: Translator, card: service.ChecklistCard) -> tuple[str, InlineKeyboardMarkup]:
    return render_checklist(t, card.view, card.items), checklist_keyboard(
        t, card.view.id, card.items, editable=card.editable
    )


async def checklist_open(
    query: CallbackQuery,
    callback_data: ChecklistCb,
    session: AsyncSession,
    user: User,
    t: Translator,
    bot: Bot,
) -> None:
    card = await service.checklist(session, request_id=callback_data.id, user=user)
    if card is None or not isinstance(query.message, Message):
        await _alert(query, t("checklist-not-found"))
        return
    await query.answer()
    text, markup = _checklist_view(t, card)
    if callback_data.refresh:
        await _edit(bot, query.message.chat.id, query.message.message_id, text, markup)
    else:
        await query.message.answer(text, reply_markup=markup)


_ITEM_DENIALS = {
    ItemOutcome.NOT_FOUND: "checklist-not-found",
    ItemOutcome.FORBIDDEN: "checklist-forbidden",
    ItemOutcome.STALE: "checklist-stale",
    ItemOutcome.NOTE_REQUIRED: "checklist-note-empty",
    ItemOutcome.NOT_FAILED: "checklist-stale",
}


async def _after_item(
    query: CallbackQuery, result: ItemResult, t: Translator, bot: Bot, toast: str | None = None
) -> None:
    """Refused: an alert; either way the checklist is redrawn as it now is."""
    if result.ok:
        await query.answer(html.unescape(toast)[:200] if toast else None)
    else:
        await _alert(query, t(_ITEM_DENIALS[result.outcome]))
    if result.card is not None and isinstance(query.message, Message):
        text, markup = _checklist_view(t, result.card)
        await _edit(bot, query.message.chat.id, query.message.message_id, text, markup)


async def checklist_item(
    query: CallbackQuery,
    callback_data: ChecklistItemCb,
    state: FSMContext,
    session: AsyncSession,
    user: User,
    t: Translator,
    settings: Settings,
    notifier: Notifier,
    bot: Bot,
) -> None:
    action = callback_data.action
    if action is ItemAction.SET:
        result = await service.set_item(
            session,
            item_id=callback_data.id,
            expected=callback_data.seen,
            state=callback_data.to,
            user=user,
        )
        await _after_item(query, result, t, bot)
        return
    if action is ItemAction.FOLLOWUP:
        card = await service.item_context(session, item_id=callback_data.id, user=user)
        if card is None:
            await _alert(query, t("checklist-not-found"))
            return
        view, item = card
        description = t(
            "planned-followup-description",
            number=view.id,
            title=view.description,
            item=item.text,
            note=item.note or "—",
        )
        result = await service.file_followup(
            session,
            notifier,
            item_id=callback_data.id,
            user=user,
            description=html.unescape(description),
            sla_hours=settings.sla_hours(),
            staff_chat_id=settings.admin_chat_id,
        )
        key = "checklist-followup-created" if result.created else "checklist-followup-exists"
        await _after_item(query, result, t, bot, t(key, number=result.followup_id or 0))
        return
    # FAIL: ask for the note first (the item is checked again when it comes).
    card = await service.item_context(session, item_id=callback_data.id, user=user)
    if card is None or not isinstance(query.message, Message):
        await _alert(query, t("checklist-not-found"))
        return
    view, item = card
    await state.clear()
    await state.set_state(PlannedForm.fail_note)
    await state.set_data(
        {
            "item": callback_data.id,
            "seen": callback_data.seen.value,
            "chat": query.message.chat.id,
            "message": query.message.message_id,
        }
    )
    await query.answer()
    await query.message.answer(t("checklist-ask-note", text=item.text, limit=service.NOTE_MAX))


async def fail_note(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    user: User,
    t: Translator,
    bot: Bot,
) -> None:
    data = await state.get_data()
    note = (message.text or "").strip()
    if not note or len(note) > service.NOTE_MAX:
        await message.answer(t("checklist-note-empty"))
        return
    await state.clear()
    result = await service.set_item(
        session,
        item_id=int(data["item"]),
        expected=ItemState(data["seen"]),
        state=ItemState.FAILED,
        note=note,
        user=user,
    )
    if not result.ok:
        await message.answer(t(_ITEM_DENIALS[result.outcome]))
    else:
        await message.answer(t("checklist-note-saved"))
    if result.card is not None:
        text, markup = _checklist_view(t, result.card)
        await _edit(bot, int(data["chat"]), int(data["message"]), text, markup)


async def fail_note_other(message: Message, t: Translator) -> None:
    await message.answer(t("checklist-note-empty"))


# ------------------------------------------------------------------------ router
def get_router() -> Router:
    router = Router(name="planned")

    admins = Router(name="planned-admins")
    admins.message.filter(is_admin())
    admins.callback_query.filter(is_admin())
    admins.message.register(planned_command, Command("planned"), F.chat.type == "private")
    admins.message.register(wizard_text, PlannedForm.wizard, F.text, FreeInput())
    admins.message.register(wizard_other, PlannedForm.wizard, ~F.text)
    admins.callback_query.register(list_page, PlannedListCb.filter())
    admins.callback_query.register(wizard_pick, PlannedPickCb.filter())
    admins.callback_query.register(wizard_nav, PlannedNavCb.filter())
    admins.callback_query.register(job_action, PlannedJobCb.filter())

    staff = Router(name="planned-staff")
    staff.message.filter(is_staff())
    staff.callback_query.filter(is_staff())
    staff.callback_query.register(checklist_open, ChecklistCb.filter())
    staff.callback_query.register(checklist_item, ChecklistItemCb.filter())
    staff.message.register(fail_note, PlannedForm.fail_note, F.text, FreeInput())
    staff.message.register(fail_note_other, PlannedForm.fail_note, ~F.text)

    router.include_routers(admins, staff)
    return router


__all__ = ["JobOutcome", "PlannedForm", "Wizard", "get_router"]
