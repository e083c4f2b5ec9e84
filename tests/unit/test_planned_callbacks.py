"""Planned-maintenance callback data: prefixes unique across both modules, the longest
packs fit Telegram's 64 bytes, and ids outside PostgreSQL's integer are refused."""

from __future__ import annotations

import pytest
from aiogram.filters.callback_data import CallbackData
from pydantic import ValidationError

from models.planned import ItemState
from utils import callbacks, callbacks_planned
from utils.callbacks_planned import (
    ChecklistCb,
    ChecklistItemCb,
    ItemAction,
    JobAction,
    PlannedJobCb,
    PlannedListCb,
    PlannedPickCb,
    WizardField,
)

BIG = 2**31 - 1


def classes(module: object) -> list[type[CallbackData]]:
    return [
        c
        for c in vars(module).values()
        if isinstance(c, type) and issubclass(c, CallbackData) and c is not CallbackData
    ]


def test_prefixes_are_unique_across_both_modules() -> None:
    prefixes = [c.__prefix__ for c in classes(callbacks) + classes(callbacks_planned)]
    assert len(prefixes) == len(set(prefixes)), prefixes


def test_longest_callbacks_fit() -> None:
    longest = [
        ChecklistItemCb(
            action=ItemAction.FOLLOWUP, id=BIG, seen=ItemState.FAILED, to=ItemState.FAILED
        ),
        PlannedJobCb(action=JobAction.DELETE_CONFIRM, id=BIG),
        PlannedPickCb(field=WizardField.ASSIGNEE, value=1000, id=BIG),
        PlannedListCb(after=BIG, new=True),
        ChecklistCb(id=BIG, refresh=True),
    ]
    for data in longest:
        assert len(data.pack().encode()) <= 64, data


@pytest.mark.parametrize("packed", ["chi:set:2147483648:open:done", "chi:set:-1:open:done"])
def test_ids_out_of_bounds_are_refused(packed: str) -> None:
    with pytest.raises(ValidationError):
        ChecklistItemCb.unpack(packed)
