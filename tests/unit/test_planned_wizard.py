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


# The answers each typed step refuses, and the text that says why.
REFUSED: dict[Step, tuple[str, list[str]]] = {
    Step.TITLE: ("planned-bad-title", ["   ", "x" * 101]),
    Step.PLACES: ("planned-bad-places", ["\n \n", "\n".join("к" * 11), "y" * 101]),
    Step.CHECKLIST: ("planned-bad-checklist", ["", "\n".join("п" * 31), "z" * 201]),
    Step.MONTH_DAY: ("planned-bad-month-day", ["29", "0", "-2"]),
    Step.INTERVAL: ("planned-bad-number", ["0", "367", "раз"]),
    Step.START: ("planned-bad-date", ["31.02.2027"]),
    Step.TIME: ("planned-bad-time", ["24:00", "7:60", "утром"]),
    Step.PAUSES: ("planned-bad-pauses", ["30.04.2027 - 23.04.2027"]),
    Step.CATEGORY: ("planned-use-buttons", ["Сантехника"]),
    Step.SUMMARY: ("planned-use-buttons", ["да"]),
}


@pytest.mark.parametrize(
    ("step", "text", "error"),
    [(step, text, error) for step, (error, texts) in REFUSED.items() for text in texts],
)
def test_a_refused_answer_names_its_error_and_changes_nothing(
    step: Step, text: str, error: str
) -> None:
    wizard = Wizard(step=step)
    before = wizard.model_dump()
    assert text_answer(wizard, text, SETTINGS) == error
    assert wizard.model_dump() == before
