"""The /planned wizard's typed steps: what each accepts, what it refuses (with which text),
and where an accepted answer moves the wizard. A refused answer leaves it where it was."""

from __future__ import annotations

from datetime import date, time
from typing import Any

import pytest

from bot.planned_wizard import Step, Wizard, text_answer
from bot.settings import Settings
from models.schedule import Pause

SETTINGS = Settings(_env_file=None, bot_token="1:x")  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("step", "text", "field", "value", "next_step"),
    [
        (
            Step.TITLE,
            "  Проверка   огнетушителей ",
            "title",
            "Проверка огнетушителей",
            Step.CATEGORY,
        ),
        (Step.PLACES, "каб. 12\n\n  спортзал ", "places", ["каб. 12", "спортзал"], Step.CHECKLIST),
        (Step.CHECKLIST, "Пломба\nДавление", "checklist", ["Пломба", "Давление"], Step.ASSIGNEE),
        (Step.MONTH_DAY, "28", "month_day", 28, Step.INTERVAL),
        (Step.MONTH_DAY, " Последний ", "month_day", -1, Step.INTERVAL),
        (Step.INTERVAL, " 366 ", "interval", 366, Step.START),
        (Step.START, "01.09.2027", "start", date(2027, 9, 1), Step.TIME),
        (Step.TIME, "7.05", "at", time(7, 5), Step.PAUSES),
        (Step.PAUSES, "", "pauses", [], Step.SUMMARY),
        (
            Step.PAUSES,
            "23.04.2027 – 30.04.2027",
            "pauses",
            [Pause(start=date(2027, 4, 23), end=date(2027, 4, 30))],
            Step.SUMMARY,
        ),
    ],
)
def test_an_accepted_answer_fills_its_field_and_moves_on(
    step: Step, text: str, field: str, value: Any, next_step: Step
) -> None:
    wizard = Wizard(step=step)
    assert text_answer(wizard, text, SETTINGS) is None
    assert getattr(wizard, field) == value
    assert (wizard.step, wizard.history) == (next_step, [step])


@pytest.mark.parametrize(
    ("step", "text", "error"),
    [
        (Step.TITLE, "   ", "planned-bad-title"),
        (Step.TITLE, "x" * 101, "planned-bad-title"),
        (Step.PLACES, "\n \n", "planned-bad-places"),
        (Step.PLACES, "\n".join(f"каб. {n}" for n in range(11)), "planned-bad-places"),
        (Step.PLACES, "y" * 101, "planned-bad-places"),
        (Step.CHECKLIST, "", "planned-bad-checklist"),
        (Step.CHECKLIST, "\n".join(f"пункт {n}" for n in range(31)), "planned-bad-checklist"),
        (Step.CHECKLIST, "z" * 201, "planned-bad-checklist"),
        (Step.MONTH_DAY, "29", "planned-bad-month-day"),
        (Step.MONTH_DAY, "0", "planned-bad-month-day"),
        (Step.MONTH_DAY, "-2", "planned-bad-month-day"),
        (Step.INTERVAL, "0", "planned-bad-number"),
        (Step.INTERVAL, "367", "planned-bad-number"),
        (Step.INTERVAL, "раз", "planned-bad-number"),
        (Step.START, "31.02.2027", "planned-bad-date"),
        (Step.TIME, "24:00", "planned-bad-time"),
        (Step.TIME, "7:60", "planned-bad-time"),
        (Step.TIME, "утром", "planned-bad-time"),
        (Step.PAUSES, "30.04.2027 - 23.04.2027", "planned-bad-pauses"),
        (Step.CATEGORY, "Сантехника", "planned-use-buttons"),
        (Step.SUMMARY, "да", "planned-use-buttons"),
    ],
)
def test_a_refused_answer_names_its_error_and_changes_nothing(
    step: Step, text: str, error: str
) -> None:
    wizard = Wizard(step=step)
    before = wizard.model_dump()
    assert text_answer(wizard, text, SETTINGS) == error
    assert wizard.model_dump() == before
