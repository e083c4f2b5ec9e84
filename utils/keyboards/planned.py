"""Keyboards of planned maintenance. Pure functions returning markup."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from models.enums import Action, Priority
from models.planned import ChecklistItem, ItemState, PlannedStatus
from utils.callbacks import RequestActionCb
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
from utils.i18n import Translator
from utils.planned_cards import ITEM_MARK, STATUS_MARK, weekday_name
from utils.render import clip

KINDS = ("daily", "weekly", "month_day", "nth_weekday")
NTHS = (1, 2, 3, 4, -1)


def _button(text: str, data: object) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data.pack())  # type: ignore[attr-defined]


def _nav_row(t: Translator, *, back: bool = True) -> list[InlineKeyboardButton]:
    row = [_button(t("planned-nav-back"), PlannedNavCb(action=WizardNav.BACK))] if back else []
    row.append(_button(t("planned-nav-cancel"), PlannedNavCb(action=WizardNav.CANCEL)))
    return row


def nav_keyboard(
    t: Translator, *, back: bool = True, extra: Iterable[InlineKeyboardButton] = ()
) -> InlineKeyboardMarkup:
    """Back and Cancel under a free-text step (and the step's own buttons above them)."""
    rows = [[b] for b in extra]
    rows.append(_nav_row(t, back=back))
    return InlineKeyboardMarkup(inline_keyboard=rows)


def skip_button(t: Translator, key: str) -> InlineKeyboardButton:
    return _button(t(key), PlannedNavCb(action=WizardNav.SKIP))


def today_button(t: Translator) -> InlineKeyboardButton:
    return _button(t("planned-start-today"), PlannedNavCb(action=WizardNav.TODAY))


def pick_keyboard(
    t: Translator, field: WizardField, options: Sequence[tuple[str, int, int]], *, columns: int = 2
) -> InlineKeyboardMarkup:
    """Options as (text, value, id), then Back / Cancel."""
    buttons = [
        _button(text, PlannedPickCb(field=field, value=value, id=ident))
        for text, value, ident in options
    ]
    rows = [buttons[i : i + columns] for i in range(0, len(buttons), columns)]
    rows.append(_nav_row(t))
    return InlineKeyboardMarkup(inline_keyboard=rows)


def category_keyboard(t: Translator, categories: Sequence[tuple[int, str]]) -> InlineKeyboardMarkup:
    return pick_keyboard(t, WizardField.CATEGORY, [(name, 0, cid) for cid, name in categories])


def assignee_keyboard(t: Translator, people: Sequence[tuple[int, str]]) -> InlineKeyboardMarkup:
    options = [(t("planned-admins-queue"), 0, 0)] + [(clip(n), 1, uid) for uid, n in people]
    return pick_keyboard(t, WizardField.ASSIGNEE, options)


def priority_keyboard(t: Translator) -> InlineKeyboardMarkup:
    return pick_keyboard(
        t,
        WizardField.PRIORITY,
        [(t(f"priority-{p}"), i, 0) for i, p in enumerate(Priority)],
    )


def kind_keyboard(t: Translator) -> InlineKeyboardMarkup:
    return pick_keyboard(
        t,
        WizardField.KIND,
        [(t(f"planned-kind-{k}"), i, 0) for i, k in enumerate(KINDS)],
        columns=1,
    )


def weekdays_keyboard(t: Translator, chosen: Iterable[int]) -> InlineKeyboardMarkup:
    picked = set(chosen)
    days = [
        _button(
            ("✓ " if d in picked else "") + weekday_name(t, d),
            PlannedPickCb(field=WizardField.WEEKDAY, value=d),
        )
        for d in range(7)
    ]
    rows = [days[:4], days[4:]]
    if picked:
        rows.append([_button(t("planned-weekdays-done"), PlannedNavCb(action=WizardNav.DONE))])
    rows.append(_nav_row(t))
    return InlineKeyboardMarkup(inline_keyboard=rows)


def weekday_keyboard(t: Translator) -> InlineKeyboardMarkup:
    return pick_keyboard(
        t, WizardField.WEEKDAY, [(weekday_name(t, d), d, 0) for d in range(7)], columns=4
    )


def nth_keyboard(t: Translator) -> InlineKeyboardMarkup:
    return pick_keyboard(
        t, WizardField.NTH, [(t(f"planned-nth-{n}"), n, 0) for n in NTHS], columns=3
    )


def interval_buttons(t: Translator, options: Sequence[int]) -> list[InlineKeyboardButton]:
    return [
        _button(
            t("planned-interval-button", n=n), PlannedPickCb(field=WizardField.INTERVAL, value=n)
        )
        for n in options
    ]


def summary_keyboard(t: Translator) -> InlineKeyboardMarkup:
    rows = [[_button(t("planned-save"), PlannedNavCb(action=WizardNav.SAVE))], _nav_row(t)]
    return InlineKeyboardMarkup(inline_keyboard=rows)


# --------------------------------------------------------------------- the job list
def jobs_keyboard(
    t: Translator, jobs: Sequence[tuple[int, str, PlannedStatus]], *, next_after: int | None
) -> InlineKeyboardMarkup:
    rows = [
        [
            _button(
                f"{STATUS_MARK[status]} #{job_id} {clip(title)}",
                PlannedJobCb(action=JobAction.OPEN, id=job_id),
            )
        ]
        for job_id, title, status in jobs
    ]
    if next_after is not None:
        rows.append([_button(t("planned-list-more"), PlannedListCb(after=next_after))])
    rows.append([_button(t("planned-list-new"), PlannedListCb(new=True))])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def job_keyboard(t: Translator, job_id: int, status: PlannedStatus) -> InlineKeyboardMarkup:
    toggle = (
        _button(t("planned-pause"), PlannedJobCb(action=JobAction.PAUSE, id=job_id))
        if status is PlannedStatus.ACTIVE
        else _button(t("planned-resume"), PlannedJobCb(action=JobAction.RESUME, id=job_id))
    )
    rows = [
        [toggle, _button(t("planned-delete"), PlannedJobCb(action=JobAction.DELETE, id=job_id))],
        [_button(t("planned-back-to-list"), PlannedJobCb(action=JobAction.LIST))],
    ]
    return InlineKeyboardMarkup(inline_keyboard=rows)


def delete_confirm_keyboard(t: Translator, job_id: int) -> InlineKeyboardMarkup:
    rows = [
        [
            _button(
                t("planned-delete-yes"), PlannedJobCb(action=JobAction.DELETE_CONFIRM, id=job_id)
            ),
            _button(t("planned-delete-no"), PlannedJobCb(action=JobAction.OPEN, id=job_id)),
        ]
    ]
    return InlineKeyboardMarkup(inline_keyboard=rows)


# -------------------------------------------------------------------- the checklist
def checklist_keyboard(
    t: Translator, request_id: int, items: Sequence[ChecklistItem], *, editable: bool
) -> InlineKeyboardMarkup:
    """One row per item: tick / untick it, mark it failed; a failed one files a repair."""
    rows: list[list[InlineKeyboardButton]] = []
    for position, item in enumerate(items, start=1):
        label = f"{ITEM_MARK[item.state]} {position}. {clip(item.text, 32)}"
        if not editable:
            continue
        if item.state is ItemState.OPEN:
            rows.append(
                [
                    _button(
                        label, ChecklistItemCb(action=ItemAction.SET, id=item.id, seen=item.state)
                    ),
                    _button(
                        "✖", ChecklistItemCb(action=ItemAction.FAIL, id=item.id, seen=item.state)
                    ),
                ]
            )
        elif item.state is ItemState.DONE:
            to = ItemState.OPEN
            rows.append(
                [
                    _button(
                        label,
                        ChecklistItemCb(action=ItemAction.SET, id=item.id, seen=item.state, to=to),
                    )
                ]
            )
        else:
            row = [
                _button(
                    label,
                    ChecklistItemCb(
                        action=ItemAction.SET, id=item.id, seen=item.state, to=ItemState.DONE
                    ),
                )
            ]
            if item.followup_request_id is None:
                row.append(
                    _button(
                        t("checklist-followup-button"),
                        ChecklistItemCb(action=ItemAction.FOLLOWUP, id=item.id, seen=item.state),
                    )
                )
            rows.append(row)
    bottom = [_button(t("checklist-refresh"), ChecklistCb(id=request_id, refresh=True))]
    if editable:
        bottom.append(
            _button(t("action-finish"), RequestActionCb(action=Action.FINISH, id=request_id))
        )
    rows.append(bottom)
    return InlineKeyboardMarkup(inline_keyboard=rows)


def checklist_button(t: Translator, request_id: int) -> InlineKeyboardButton:
    """Under a planned request's card: open its checklist."""
    return _button(t("checklist-open"), ChecklistCb(id=request_id))
