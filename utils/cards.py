"""Rendering a request as text: the card, a list line, status and priority labels.

Pure functions over `RequestView`; every user-supplied value is escaped by the Translator.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from models.enums import Priority, RequestStatus
from models.sla import is_overdue
from models.views import RequestView
from utils.i18n import Markup, Translator

STATUS_MARK: dict[RequestStatus, str] = {
    RequestStatus.NEW: "🆕",
    RequestStatus.IN_PROGRESS: "🔧",
    RequestStatus.ON_HOLD: "⏸",
    RequestStatus.DONE: "✅",
    RequestStatus.CLOSED: "🔒",
    RequestStatus.REJECTED: "⛔",
    RequestStatus.CANCELLED: "✖",
}
PRIORITY_MARK: dict[Priority, str] = {
    Priority.LOW: "🟢",
    Priority.NORMAL: "🟡",
    Priority.HIGH: "🟠",
    Priority.URGENT: "🔴",
}
OVERDUE_MARK = "⚠"


def status_label(t: Translator, status: RequestStatus) -> str:
    return f"{STATUS_MARK[status]} {t(f'status-{status}')}"


def priority_label(t: Translator, priority: Priority) -> str:
    return f"{PRIORITY_MARK[priority]} {t(f'priority-{priority}')}"


def render_card(
    t: Translator, view: RequestView, *, tz: ZoneInfo, now: datetime, for_staff: bool = False
) -> str:
    """The request card: heading, fields, status, assignee, deadline."""
    overdue = is_overdue(view.due_at, view.status, now)
    lines = [
        t(
            "card-title",
            number=view.id,
            urgent=Markup("🔴 " if view.priority is Priority.URGENT else ""),
            overdue=Markup(f" {OVERDUE_MARK}" if overdue else ""),
        ),
        t("card-category", category=view.category(t.language)),
        t("card-location", location=view.location),
        t("card-description", description=view.description),
        t("card-priority", priority=Markup(priority_label(t, view.priority))),
        t("card-status", status=Markup(status_label(t, view.status))),
    ]
    if for_staff:
        lines.append(t("card-author", author=view.author.display))
    lines.append(
        t("card-assignee", assignee=view.assignee.display if view.assignee else t("card-nobody"))
    )
    lines.append(t("card-created", created=t.datetime(view.created_at, tz)))
    if view.due_at is not None:
        key = "card-due-overdue" if overdue else "card-due"
        lines.append(t(key, due=t.datetime(view.due_at, tz)))
    if view.photo_count:
        lines.append(t("card-photos", count=view.photo_count))
    if view.rating:
        lines.append(t("card-rating", stars=Markup("⭐" * view.rating)))
        if view.rating_comment:
            lines.append(t("card-rating-comment", text=view.rating_comment))
    if for_staff and view.follower_count:
        lines.append(t("card-followers", count=view.follower_count))
    return "\n".join(lines)
