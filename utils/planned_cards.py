"""Texts of planned maintenance: a schedule in words, the job list, the checklist.

Pure functions; every user-supplied value goes through the Translator, which escapes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from models.planned import ChecklistItem, ItemState, PlannedStatus
from models.schedule import Freq, Schedule
from models.views import RequestView
from utils.i18n import Markup, Translator
from utils.render import clip

PLANNED_MARK = "🗓"
ITEM_MARK: dict[ItemState, str] = {
    ItemState.OPEN: "☐",
    ItemState.DONE: "✅",
    ItemState.FAILED: "✖",
}
STATUS_MARK: dict[PlannedStatus, str] = {
    PlannedStatus.ACTIVE: "▶",
    PlannedStatus.PAUSED: "⏸",
    PlannedStatus.DELETED: "🗑",
}
MESSAGE_MAX = 4096


class JobLike(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def title(self) -> str: ...
    @property
    def status(self) -> PlannedStatus: ...
    @property
    def next_run_at(self) -> datetime | None: ...
    @property
    def assignee(self) -> str | None: ...
    @property
    def places(self) -> list[str]: ...
    @property
    def items(self) -> int: ...


def weekday_name(t: Translator, day: int) -> str:
    return t(f"planned-weekday-{day}")


def describe_schedule(t: Translator, schedule: Schedule) -> str:
    """ "every 2 weeks on Mon, Thu at 08:30, from 05.01.2026" (and the pauses)."""
    n = schedule.interval
    if schedule.freq is Freq.DAILY:
        rule = t("planned-rule-daily", n=n)
    elif schedule.freq is Freq.WEEKLY:
        days = ", ".join(weekday_name(t, d) for d in sorted(schedule.weekdays)) or weekday_name(
            t, schedule.start.weekday()
        )
        rule = t("planned-rule-weekly", n=n, days=days)
    elif schedule.nth is not None and schedule.weekday is not None:
        rule = t(
            "planned-rule-nth-weekday",
            n=n,
            nth=t(f"planned-nth-{schedule.nth}"),
            day=weekday_name(t, schedule.weekday),
        )
    else:
        day = schedule.month_day if schedule.month_day is not None else schedule.start.day
        rule = t("planned-rule-month-day", n=n, day=day)
    text = t(
        "planned-rule",
        rule=Markup(rule),
        time=schedule.at.strftime("%H:%M"),
        start=schedule.start.strftime("%d.%m.%Y"),
    )
    if schedule.pauses:
        periods = ", ".join(f"{p.start:%d.%m.%Y}–{p.end:%d.%m.%Y}" for p in schedule.pauses)
        text += "\n" + t("planned-rule-pauses", periods=periods)
    return text


def job_line(t: Translator, job: JobLike, tz: ZoneInfo) -> str:
    return t(
        "planned-list-line",
        mark=Markup(STATUS_MARK[job.status]),
        number=job.id,
        title=job.title,
        next=t.datetime(job.next_run_at, tz) if job.status is PlannedStatus.ACTIVE else "—",
    )


def jobs_text(t: Translator, jobs: Sequence[JobLike], tz: ZoneInfo) -> str:
    if not jobs:
        return t("planned-list-empty")
    return "\n".join([t("planned-list-title"), "", *(job_line(t, j, tz) for j in jobs)])


def job_card(
    t: Translator,
    job: JobLike,
    schedule: Schedule | None,
    tz: ZoneInfo,
    upcoming: Sequence[datetime],
) -> str:
    lines = [
        t(
            "planned-card-title",
            mark=Markup(STATUS_MARK[job.status]),
            number=job.id,
            title=job.title,
        ),
        t("planned-card-status", status=t(f"planned-status-{job.status}")),
        t("planned-card-places", places=", ".join(job.places)),
        t("planned-card-items", count=job.items),
        t("planned-card-assignee", assignee=job.assignee or t("planned-admins-queue")),
    ]
    if schedule is not None:
        lines.append(Markup(describe_schedule(t, schedule)))
    if job.status is PlannedStatus.ACTIVE:
        lines.append(t("planned-card-next", next=t.datetime(job.next_run_at, tz)))
        if len(upcoming) > 1:
            then = ", ".join(t.datetime(d, tz) for d in upcoming[1:])
            lines.append(t("planned-card-then", dates=then))
    return "\n".join(lines)


def render_checklist(t: Translator, view: RequestView, items: Sequence[ChecklistItem]) -> str:
    done = sum(1 for i in items if i.state is not ItemState.OPEN)
    lines = [
        t(
            "checklist-title",
            mark=Markup(PLANNED_MARK),
            number=view.id,
            title=clip(view.description, 200),
            place=view.location,
        ),
        t("checklist-progress", done=done, total=len(items)),
        "",
    ]
    for position, item in enumerate(items, start=1):
        line = t("checklist-line", mark=Markup(ITEM_MARK[item.state]), n=position, text=item.text)
        if item.state is ItemState.FAILED and item.note:
            line += " " + t("checklist-note", note=clip(item.note, 300))
        if item.followup_request_id is not None:
            line += " " + t("checklist-followup", number=item.followup_request_id)
        lines.append(line)
    lines += ["", t("checklist-hint")]
    text = "\n".join(lines)
    return text if len(text) <= MESSAGE_MAX else text[: MESSAGE_MAX - 1] + "…"
