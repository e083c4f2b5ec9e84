"""What the requester reads: the draft summary, the list of their requests, their card.

Pure functions; every user-supplied value is escaped by the Translator.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from aiogram.fsm.state import State
from aiogram.types import InlineKeyboardMarkup

from models.enums import Priority, RequestStatus
from models.views import CategoryChoice, ListItem, PlaceRequestRow
from utils.cards import STATUS_MARK, priority_label, render_card, status_label
from utils.dialogs import DraftForm, NewRequest
from utils.i18n import Markup, Translator
from utils.keyboards.requester import (
    author_card_keyboard,
    back_keyboard,
    categories_keyboard,
    me_too_keyboard,
    photos_keyboard,
    place_choice_keyboard,
    priority_keyboard,
    summary_keyboard,
)
from utils.render import TEXT_LIMIT, Section, fit_sections
from utils.validation import LIMITS, MAX_PHOTOS

if TYPE_CHECKING:
    from bot.services.requests import AuthorCard, MyRequestsPage

COMMENT_PREVIEW = 300
CURRENT_PREVIEW = 300  # a long description, as "Now: ..." above its step
Screen = tuple[str, InlineKeyboardMarkup]


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


def input_hint(t: Translator, field: str, problem: str, **values: object) -> str:
    """The hint for a value that failed its check, with the field's limits."""
    return t(f"req-hint-{field}-{problem}", **LIMITS[field], **values)


def draft_step_screen(
    t: Translator,
    step: State,
    form: DraftForm,
    *,
    categories: Sequence[CategoryChoice] = (),
    sla_hours: Mapping[str, int],
) -> Screen:
    """The text and buttons of a dialog step, with what is entered so far."""
    if step == NewRequest.category:
        current = form.category_name(t.language) if form.category_id else None
        return _with_current(t, [t("draft-step-category")], current), categories_keyboard(
            t, tuple(categories)
        )
    if step == NewRequest.location:
        if form.suggestions and form.typed:
            text = t("draft-place-suggest", text=form.typed)
            labels = [c.label for c in form.suggestions]
            return text, place_choice_keyboard(t, labels, form.typed)
        parts = [t("draft-step-location")]
        if form.offered:
            parts.append(t("draft-step-location-recent"))
        return _with_current(t, parts, form.location), back_keyboard(t, form.offered)
    if step == NewRequest.description:
        current = shorten(form.description, CURRENT_PREVIEW) if form.description else None
        text = t("draft-step-description", **LIMITS["description"])
        return _with_current(t, [text], current), back_keyboard(t)
    if step == NewRequest.photos:
        parts = [t("draft-step-photos", max=MAX_PHOTOS)]
        if form.files:
            parts.append(t("draft-step-photos-count", count=len(form.files), max=MAX_PHOTOS))
        return "\n\n".join(parts), photos_keyboard(t, len(form.files))
    if step == NewRequest.priority:
        current = t(f"priority-{form.priority}") if form.priority else None
        return _with_current(t, [t("draft-step-priority")], current), priority_keyboard(t)
    return _summary_screen(t, form, sla_hours)


def me_too_screen(
    t: Translator, place: str, rows: Sequence[PlaceRequestRow], *, scanned: bool
) -> Screen:
    """The open requests of the place, before a new one: "Me too" instead of a duplicate."""
    lines = [t("draft-me-too-title", place=place)]
    for row in rows:
        lines.append(
            t(
                "draft-me-too-line",
                number=row.id,
                status=Markup(status_label(t, row.status)),
                category=row.category(t.language),
                description=shorten(" ".join(row.description.split()), 70),
                followers=row.followers,
            )
        )
    lines.append(t("draft-me-too-ask"))
    if scanned:
        lines.append(t("draft-place-from-link", place=place))
    return "\n\n".join(lines), me_too_keyboard(t, [row.id for row in rows])


def _with_current(t: Translator, parts: list[str], current: str | None) -> str:
    if current:
        parts.append(t("draft-current", value=current))
    return "\n\n".join(parts)


def _summary_screen(t: Translator, form: DraftForm, sla_hours: Mapping[str, int]) -> Screen:
    assert form.priority is not None  # the dialog shows the summary only when it is complete
    text = draft_summary(
        t,
        category=form.category_name(t.language),
        location=form.location or "",
        description=form.description or "",
        files=len(form.files),
        priority=form.priority,
        sla_hours=sla_hours[form.priority.value],
    )
    return text, summary_keyboard(t, form.token)


def author_card_screen(t: Translator, card: AuthorCard, *, tz: ZoneInfo, now: datetime) -> Screen:
    """The author's card with the buttons of what they may do now."""
    text = author_card_text(t, card, tz=tz, now=now)
    markup = author_card_keyboard(
        t,
        card.view.id,
        card.actions,
        photos=card.view.photo_count,
        can_comment=card.can_comment,
        can_rate=card.can_rate,
    )
    return text, markup


def action_denied_text(t: Translator, outcome: str, status: RequestStatus | None) -> str:
    """Why the author's button did nothing (`outcome`: a transitions.Outcome value)."""
    return t(
        f"my-action-denied-{outcome}", status=Markup(status_label(t, status)) if status else ""
    )


def followed_text(t: Translator, items: Sequence[ListItem]) -> str:
    """The requests of others this person follows ("me too")."""
    if not items:
        return t("my-followed-empty")
    lines = [t("my-followed-title"), ""]
    lines.extend(
        t(
            "my-followed-line",
            mark=Markup(STATUS_MARK[i.status]),
            number=i.id,
            status=Markup(status_label(t, i.status)),
            category=i.category(t.language),
            location=i.location,
        )
        for i in items
    )
    return "\n".join(lines)


def list_text(t: Translator, page: MyRequestsPage, now: datetime) -> str:
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


def _hidden(t: Translator, key: str, count: int) -> str:
    return t(key, count=count)


def author_card_text(t: Translator, card: AuthorCard, *, tz: ZoneInfo, now: datetime) -> str:
    """The full card for its author: fields, status, assignee, due date, history, comments.

    Within one message (utils.render): the oldest history, then the older comments, give
    way first, each with a count of what is hidden.
    """
    history = [
        t(
            "my-card-history-line",
            at=t.datetime(h.at, tz),
            status=Markup(status_label(t, h.status)),
            actor=Markup(t("my-card-history-actor", name=h.actor) if h.actor else ""),
        )
        + (" " + t("my-card-history-reason", reason=shorten(h.reason, 200)) if h.reason else "")
        for h in card.history
    ]
    comments = [
        t(
            "my-card-comment-line",
            at=t.datetime(c.at, tz),
            author=t("my-card-you") if c.mine else (c.author or "—"),
            text=shorten(c.text, COMMENT_PREVIEW) or "📎",
        )
        for c in card.comments
    ]
    sections = [
        Section(lines, hidden=functools.partial(_hidden, t, key), title=title, keep=2)
        for lines, title, key in (
            (history, t("my-card-history-title"), "card-history-hidden"),
            (comments, t("my-card-comments-title"), "card-comments-hidden"),
        )
        if lines
    ]
    return fit_sections(render_card(t, card.view, tz=tz, now=now), sections, TEXT_LIMIT)
