"""CallbackData of planned maintenance (the /planned wizard and list, the checklists).

Kept next to utils/callbacks.py (prefixes unique across both: a test checks it). Ids are
bounded to PostgreSQL's integer, so a forged huge number is refused by the filter, not
by the database. Handlers re-check on the server that the user may do this now.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from aiogram.filters.callback_data import CallbackData
from pydantic import Field

from models.planned import ItemState

DbId = Annotated[int, Field(ge=0, le=2**31 - 1)]
SmallValue = Annotated[int, Field(ge=-1, le=1000)]


class WizardNav(StrEnum):
    BACK = "back"
    CANCEL = "cancel"
    SKIP = "skip"  # an optional step (pauses) or "the admins' queue"
    DONE = "done"  # weekdays chosen
    TODAY = "today"  # start date: today
    SAVE = "save"


class WizardField(StrEnum):
    CATEGORY = "category"
    ASSIGNEE = "assignee"
    PRIORITY = "priority"
    KIND = "kind"  # which kind of schedule
    WEEKDAY = "weekday"  # toggled in the weekly step, chosen in the n-th weekday step
    NTH = "nth"
    INTERVAL = "interval"


class PlannedNavCb(CallbackData, prefix="pln"):
    action: WizardNav


class PlannedPickCb(CallbackData, prefix="plp"):
    field: WizardField
    value: SmallValue = 0
    id: DbId = 0  # category or user id


class JobAction(StrEnum):
    OPEN = "open"
    PAUSE = "pause"
    RESUME = "resume"
    DELETE = "delete"  # asks to confirm
    DELETE_CONFIRM = "delete_yes"
    LIST = "list"  # back to the list


class PlannedJobCb(CallbackData, prefix="plj"):
    action: JobAction
    id: DbId = 0


class PlannedListCb(CallbackData, prefix="pll"):
    """A page of the job list, after job `after` (keyset); NEW opens the wizard."""

    after: DbId = 0
    new: bool = False


class ItemAction(StrEnum):
    SET = "set"  # to `state`, from `seen`
    FAIL = "fail"  # asks for the note
    FOLLOWUP = "followup"  # file a repair request for a failed item


class ChecklistItemCb(CallbackData, prefix="chi"):
    action: ItemAction
    id: DbId
    seen: ItemState  # the state the user saw: the compare-and-set expects it
    to: ItemState = ItemState.DONE


class ChecklistCb(CallbackData, prefix="chk"):
    """Show (send or refresh) the checklist of request `id`."""

    id: DbId
    refresh: bool = False
