"""What the requester reads: the draft summary, the list of their requests, their card.

Pure functions; every user-supplied value is escaped by the Translator.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from models.enums import Priority
from utils.cards import STATUS_MARK, priority_label, render_card, status_label
from utils.i18n import Markup, Translator

if TYPE_CHECKING:
    from bot.services.requests import AuthorCard, Page

TELEGRAM_TEXT_LIMIT = 4096
COMMENT_PREVIEW = 300


def age(t: Translator, created_at: datetime, now: datetime) -> str:
    """ "5 min", "3 h", "2 d" in the reader's language."""
    minutes = max(0, int((now - created_at).total_seconds() // 60))
    if minutes < 60:
        return t("my-age-minutes", n=minutes)
    if minutes < 24 * 60:
        return t("my-age-hours", n=minutes // 60)
    return t("my-age-days", n=minutes // (24 * 60))


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def draft_summary(
    t: Translator,
    *,
    category: str,
    location: str,
    description: str,
    files: int,
    priority: Priority,
    sla_hours: int,
) -> str:
    lines = [
        t("draft-summary-title"),
        "",
        t("draft-summary-category", category=category),
        t("draft-summary-location", location=location),
        t("draft-summary-description", description=description),
        t("draft-summary-photos", count=files) if files else t("draft-summary-no-photos"),
        t("draft-summary-priority", priority=Markup(priority_label(t, priority))),
        t("draft-summary-due", hours=sla_hours),
    ]
    return "\n".join(lines)


def list_text(t: Translator, page: Page, now: datetime) -> str:
    if not page.items:
        return t("my-empty")
    lines = [t("my-title", total=page.total), ""]
    for item in page.items:
        lines.append(
            t(
                "my-line",
                mark=Markup(STATUS_MARK[item.status]),
                number=item.id,
                category=item.category(t.language),
                location=shorten(item.location, 40),
                age=age(t, item.created_at, now),
            )
        )
    return "\n".join(lines)


def author_card_text(t: Translator, card: AuthorCard, *, tz: ZoneInfo, now: datetime) -> str:
    """The full card for its author: fields, status, assignee, due date, history, comments."""
    parts = [render_card(t, card.view, tz=tz, now=now)]
    if card.history:
        lines = [t("my-card-history-title")]
        for h in card.history[-10:]:
            line = t(
                "my-card-history-line",
                at=t.datetime(h.at, tz),
                status=Markup(status_label(t, h.status)),
                actor=Markup(t("my-card-history-actor", name=h.actor) if h.actor else ""),
            )
            if h.reason:
                line += " " + t("my-card-history-reason", reason=shorten(h.reason, 200))
            lines.append(line)
        parts.append("\n".join(lines))
    if card.comments:
        lines = [t("my-card-comments-title")]
        for c in card.comments:
            lines.append(
                t(
                    "my-card-comment-line",
                    at=t.datetime(c.at, tz),
                    author=t("my-card-you") if c.mine else (c.author or "—"),
                    text=shorten(c.text, COMMENT_PREVIEW) or "📎",
                )
            )
        parts.append("\n".join(lines))
    return fit(parts)


def fit(parts: Sequence[str], limit: int = TELEGRAM_TEXT_LIMIT) -> str:
    """Join the parts, dropping whole trailing parts that would not fit in one message.

    The first part (the card itself) is always kept: its fields are bounded by the
    validation limits, so it fits.
    """
    text = parts[0]
    for part in parts[1:]:
        candidate = f"{text}\n\n{part}"
        if len(candidate) > limit:
            break
        text = candidate
    return text
