"""The /planned creation wizard's state and steps (handlers/planned.py drives it).

Not a handler module: one typed model (`Wizard`), loaded once and saved once per update,
what each step shows, and how a typed answer or a pressed option moves it on. Every step
has Back and Cancel; a bad answer leaves the wizard where it was.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum

from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import InlineKeyboardMarkup
from pydantic import BaseModel, Field, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import planned as service
from bot.settings import Settings
from models import Priority, utcnow
from models.planned import ITEM_MAX, ITEMS_MAX, PLACE_MAX, PLACES_MAX, TITLE_MAX
from models.schedule import Freq, Pause, Schedule
from utils.callbacks_planned import WizardField
from utils.i18n import Markup, Translator
from utils.keyboards.planned import (
    KINDS,
    assignee_keyboard,
    category_keyboard,
    interval_buttons,
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
from utils.planned_cards import describe_schedule

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


async def load(state: FSMContext) -> Wizard | None:
    if await state.get_state() != PlannedForm.wizard.state:
        return None
    try:
        return Wizard.model_validate(await state.get_data())
    except ValidationError:
        return None


async def save(state: FSMContext, wizard: Wizard) -> None:
    await state.set_data(wizard.model_dump(mode="json"))


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def _parse_date(text: str) -> date | None:
    try:
        return datetime.strptime(text.strip(), DATE).date()
    except ValueError:
        return None


# -------------------------------------------------------------------- the wizard
async def step_view(
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


def _title(text: str) -> str | None:
    title = " ".join(text.split())
    return title if title and len(title) <= TITLE_MAX else None


def _line_list(most: int, longest: int) -> Callable[[str], list[str] | None]:
    """One entry a line: at least one, at most `most`, each at most `longest` long."""

    def parse(text: str) -> list[str] | None:
        lines = _lines(text)
        if not lines or len(lines) > most or any(len(line) > longest for line in lines):
            return None
        return lines

    return parse


def _month_day(text: str) -> int | None:
    value = text.strip().lower()
    day = -1 if value in ("-1", "last", "последний", "посл") else _int(value)
    return day if day is not None and (day == -1 or 1 <= day <= 28) else None


def _interval(text: str) -> int | None:
    n = _int(text.strip())
    return n if n is not None and 1 <= n <= 366 else None


def _time(text: str) -> time | None:
    match = _TIME.match(text)
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        return None
    return time(int(match[1]), int(match[2]))


@dataclass(frozen=True, slots=True)
class _Typed:
    """A step answered by typing: how the text is read (None: refused), the error's
    catalogue key, the Wizard field the answer fills, and the step that comes next."""

    parse: Callable[[str], object]
    error: str
    field: str
    next: Step


_TYPED = {
    Step.TITLE: _Typed(_title, "planned-bad-title", "title", Step.CATEGORY),
    Step.PLACES: _Typed(
        _line_list(PLACES_MAX, PLACE_MAX), "planned-bad-places", "places", Step.CHECKLIST
    ),
    Step.CHECKLIST: _Typed(
        _line_list(ITEMS_MAX, ITEM_MAX), "planned-bad-checklist", "checklist", Step.ASSIGNEE
    ),
    Step.MONTH_DAY: _Typed(_month_day, "planned-bad-month-day", "month_day", Step.INTERVAL),
    Step.INTERVAL: _Typed(_interval, "planned-bad-number", "interval", Step.START),
    Step.START: _Typed(_parse_date, "planned-bad-date", "start", Step.TIME),
    Step.TIME: _Typed(_time, "planned-bad-time", "at", Step.PAUSES),
    Step.PAUSES: _Typed(_pauses, "planned-bad-pauses", "pauses", Step.SUMMARY),
}


def text_answer(wizard: Wizard, text: str, settings: Settings) -> str | None:
    """Apply a typed answer to the current step; the error's catalogue key, or None."""
    typed = _TYPED.get(wizard.step)
    if typed is None:
        return "planned-use-buttons"
    value = typed.parse(text)
    if value is None:
        return typed.error
    setattr(wizard, typed.field, value)
    wizard.go(typed.next)
    return None


# The step each kind of option belongs to (weekdays: the multi-choice or the single one).
_PICK_STEPS = {
    WizardField.CATEGORY: {Step.CATEGORY},
    WizardField.ASSIGNEE: {Step.ASSIGNEE},
    WizardField.PRIORITY: {Step.PRIORITY},
    WizardField.KIND: {Step.KIND},
    WizardField.NTH: {Step.NTH},
    WizardField.INTERVAL: {Step.INTERVAL},
    WizardField.WEEKDAY: {Step.WEEKDAYS, Step.WEEKDAY},
}


def expects(wizard: Wizard | None, field: WizardField) -> bool:
    """Does the wizard's current step offer this kind of option (a press is not stale)?"""
    return wizard is not None and wizard.step in _PICK_STEPS[field]


def apply_pick(wizard: Wizard, field: WizardField, value: int, item_id: int) -> bool:
    """Apply a pressed option to the current step; False for a value out of range."""
    if field is WizardField.CATEGORY:
        wizard.category_id = item_id
        wizard.go(Step.PLACES)
    elif field is WizardField.ASSIGNEE:
        wizard.assignee_id = item_id if value else None
        wizard.go(Step.PRIORITY)
    elif field is WizardField.PRIORITY:
        priorities = list(Priority)
        if not 0 <= value < len(priorities):
            return False
        wizard.priority = priorities[value]
        wizard.go(Step.KIND)
    elif field is WizardField.KIND:
        if not 0 <= value < len(KINDS):
            return False
        wizard.kind = KINDS[value]
        wizard.go(wizard.after_kind())
    elif field is WizardField.WEEKDAY:
        if not 0 <= value <= 6:
            return False
        if wizard.step is Step.WEEKDAYS:
            wizard.weekdays = sorted(set(wizard.weekdays) ^ {value})
        else:
            wizard.weekday = value
            wizard.go(Step.INTERVAL)
    elif field is WizardField.NTH:
        if value not in (1, 2, 3, 4, -1):
            return False
        wizard.nth = value
        wizard.go(Step.WEEKDAY)
    elif field is WizardField.INTERVAL:
        if not 1 <= value <= 366:
            return False
        wizard.interval = value
        wizard.go(Step.START)
    return True
