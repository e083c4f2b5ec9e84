"""Texts of the staff side: the full card, list lines, queues, tasks, users, categories.

Pure functions; every user-supplied value goes through the Translator, which escapes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from models.enums import Priority, RequestStatus
from models.queues import UNASSIGNED, Queue
from models.sla import is_overdue
from models.views import CommentRow, HistoryRow, RequestRow, StaffCard, UserRow
from utils.cards import (
    OVERDUE_MARK,
    PLANNED_MARK,
    PRIORITY_MARK,
    STATUS_MARK,
    priority_label,
    render_card,
)
from utils.i18n import Markup, Translator
from utils.keyboards.staff import ROLE_MARK, queue_count
from utils.render import TEXT_LIMIT, Section, clip, fit_sections

COMMENT_SHOWN_MAX = 300
DESCRIPTION_IN_LINE = 60


def history_line(t: Translator, row: HistoryRow, tz: ZoneInfo) -> str:
    to = Markup(f"{STATUS_MARK[row.to_status]} {t(f'status-{row.to_status}')}")
    line = t(
        "history-line",
        at=t.datetime(row.at, tz),
        status=to,
        actor=row.actor_name or t("actor-system"),
    )
    if row.reason:
        line += " " + t("history-reason", reason=clip(row.reason, COMMENT_SHOWN_MAX))
    return line


def comment_line(t: Translator, row: CommentRow, tz: ZoneInfo) -> str:
    at = t.datetime(row.created_at, tz)
    author = row.author_name or t("actor-system")
    if row.deleted:
        return t("comment-deleted", at=at, author=author)
    if row.is_internal:
        key = "comment-internal"
    elif row.is_result:
        key = "comment-result"
    else:
        key = "comment-public"
    text = clip(row.text, COMMENT_SHOWN_MAX) if row.text else ""
    line = t(key, at=at, author=author, text=text)
    if row.files:
        line += " " + t("comment-files", count=row.files)
    return line


def render_full_card(t: Translator, card: StaffCard, *, tz: ZoneInfo, now: datetime) -> str:
    """The card, its history in order, and the comments (internal notes marked).

    Fits one message (utils.render): when too long, the oldest history lines give way
    first (the newest, with the current hold reason, stay), then the older comments,
    each with a count of what is hidden; markup is never cut.
    """
    head = render_card(t, card.view, tz=tz, now=now, for_staff=True)
    history = Section(
        [history_line(t, h, tz) for h in card.history] or [t("card-history-empty")],
        hidden=lambda n: t("card-history-hidden", count=n),
        title=t("card-history-title"),
        keep=2,
    )
    sections = [history]
    if card.comments:
        sections.append(
            Section(
                [comment_line(t, c, tz) for c in card.comments],
                hidden=lambda n: t("card-comments-hidden", count=n),
                title=t("card-comments-title"),
            )
        )
    return fit_sections(head, sections, TEXT_LIMIT)


def request_line(t: Translator, row: RequestRow, *, now: datetime) -> str:
    marks = STATUS_MARK[row.status]
    if row.priority in (Priority.URGENT, Priority.HIGH):
        marks += PRIORITY_MARK[row.priority]
    if is_overdue(row.due_at, row.status, now):
        marks += OVERDUE_MARK
    if row.planned_job_id is not None:
        marks += PLANNED_MARK
    if row.follower_count:
        marks += f" 👥{row.follower_count}"
    return t(
        "list-line",
        marks=Markup(marks),
        number=row.id,
        category=row.category(t.language),
        location=clip(row.location, 40),
        description=clip(row.description, DESCRIPTION_IN_LINE),
        assignee=row.assignee_name or "—",
    )


def button_rows(rows: Sequence[RequestRow]) -> list[tuple[int, str, str]]:
    return [(r.id, STATUS_MARK[r.status], r.location) for r in rows]


def queue_text(
    t: Translator,
    queue: Queue,
    rows: Sequence[RequestRow],
    *,
    total: int,
    now: datetime,
    category: str | None,
    priority: Priority | None,
    assignee: int,
    assignee_name: str | None,
) -> str:
    lines = [t("queue-title", queue=Markup(t(f"queue-name-{queue}")), count=queue_count(t, total))]
    filters = []
    if category:
        filters.append(t("filter-shown-category", name=category))
    if priority is not None:
        filters.append(t("filter-shown-priority", priority=Markup(priority_label(t, priority))))
    if assignee == UNASSIGNED:
        filters.append(t("filter-shown-nobody"))
    elif assignee_name:
        filters.append(t("filter-shown-assignee", name=assignee_name))
    if filters:
        lines.append(" · ".join(filters))
    lines.append("")
    lines.extend(request_line(t, r, now=now) for r in rows)
    if not rows:
        lines.append(t("queue-empty"))
    return "\n".join(lines)


TASK_GROUPS = (RequestStatus.IN_PROGRESS, RequestStatus.ON_HOLD, RequestStatus.DONE)


def tasks_text(t: Translator, rows: Sequence[RequestRow], *, now: datetime) -> str:
    if not rows:
        return t("tasks-empty")
    parts = [t("tasks-title", count=len(rows))]
    for status in TASK_GROUPS:
        group = [r for r in rows if r.status is status]
        if group:
            lines = [t(f"tasks-group-{status}", count=len(group))]
            lines.extend(request_line(t, r, now=now) for r in group)
            parts.append("\n".join(lines))
    return "\n\n".join(parts)


def user_line(t: Translator, row: UserRow) -> str:
    return t(
        "users-line",
        mark=Markup("⛔" if row.is_blocked else ROLE_MARK[row.role]),
        name=row.full_name or str(row.telegram_id),
        username=f"@{row.username}" if row.username else "",
        role=Markup(t(f"role-{row.role}")),
        requests=row.requests,
        tasks=row.open_tasks,
    )


def user_card_text(t: Translator, row: UserRow, *, protected: bool) -> str:
    lines = [
        t(
            "users-card",
            name=row.full_name or str(row.telegram_id),
            username=f"@{row.username}" if row.username else "—",
            telegram_id=str(row.telegram_id),
            role=Markup(f"{ROLE_MARK[row.role]} {t(f'role-{row.role}')}"),
            requests=row.requests,
            tasks=row.open_tasks,
        )
    ]
    if row.is_blocked:
        lines.append(t("users-card-blocked"))
    if protected:
        lines.append(t("users-card-protected"))
    return "\n".join(lines)
