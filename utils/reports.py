"""Rendering reports as text: /stats, the daily digest, a queue preview. Pure functions."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from models.enums import RequestStatus
from models.reports import FEEDBACK_CHARS, DigestCounts, Percentiles, Stats
from utils.cards import status_label
from utils.i18n import Markup, Translator
from utils.render import clip


def format_hours(t: Translator, hours: float | None) -> str:
    """A duration the way people say it: minutes, hours, or days."""
    if hours is None:
        return "—"
    if hours < 1:
        return t("duration-minutes", value=str(round(hours * 60)))
    if hours < 48:
        return t("duration-hours", value=_decimal(t, hours))
    return t("duration-days", value=_decimal(t, hours / 24))


def _decimal(t: Translator, value: float) -> str:
    text = f"{value:.1f}"
    return text.replace(".", ",") if t.language == "ru" else text


def _times_line(t: Translator, key: str, p: Percentiles) -> str:
    return t(
        key,
        median=Markup(format_hours(t, p.median_hours)),
        p90=Markup(format_hours(t, p.p90_hours)),
        count=p.count,
    )


def render_stats(t: Translator, stats: Stats, tz: ZoneInfo) -> str:
    lines = [t("stats-title", date=stats.now.astimezone(tz).strftime("%d.%m.%Y %H:%M")), ""]
    lines.append(t("stats-section-status"))
    for status in RequestStatus:
        lines.append(
            t(
                "stats-count-line",
                name=Markup(status_label(t, status)),
                count=stats.by_status.get(status, 0),
            )
        )
    lines.append(t("stats-total", count=stats.total))
    lines += ["", t("stats-section-flow")]
    lines.append(t("stats-created", d7=stats.created_7, d30=stats.created_30))
    if stats.planned_30 or stats.planned_open:
        lines.append(
            t(
                "stats-planned",
                d30=stats.planned_30,
                reported=stats.created_30 - stats.planned_30,
                open=stats.planned_open,
            )
        )
    lines.append(t("stats-done", d7=stats.done_7, d30=stats.done_30))
    lines.append(t("stats-overdue", count=stats.overdue))
    if stats.rating_avg is None:
        lines.append(t("stats-rating-none"))
    else:
        lines.append(t("stats-rating", avg=_decimal(t, stats.rating_avg), count=stats.rating_count))
    lines += [
        t(
            "stats-feedback-line",
            number=f.request_id,
            stars="⭐" * f.rating,
            text=clip(f.text, FEEDBACK_CHARS),
        )
        for f in stats.feedback
    ]
    lines += ["", t("stats-section-times")]
    lines.append(_times_line(t, "stats-first-response", stats.first_response))
    lines.append(_times_line(t, "stats-to-done", stats.to_done))

    lines += ["", t("stats-section-category")]
    lines += [
        t("stats-count-line", name=c.name(t.language), count=c.count)
        for c in stats.backlog_by_category
    ] or [t("stats-nothing")]
    lines += ["", t("stats-section-location")]
    lines += [
        t("stats-count-line", name=location, count=count)
        for location, count in stats.backlog_by_location
    ] or [t("stats-nothing")]
    if stats.backlog_by_building:
        lines += ["", t("stats-section-building")]
        lines += [
            t("stats-count-line", name=building, count=count)
            for building, count in stats.backlog_by_building
        ]
    lines += ["", t("stats-section-executors")]
    lines += [
        t("stats-executor-line", name=e.name, open=e.open, done=e.done, overdue=e.overdue)
        for e in stats.executors
    ] or [t("stats-nothing")]
    return "\n".join(lines)


def render_digest(t: Translator, counts: DigestCounts, day: date) -> str:
    return "\n".join(
        [
            t("digest-title", date=day.strftime("%d.%m.%Y")),
            "",
            t("digest-new", count=counts.new_since, queue=counts.new),
            t("digest-overdue", count=counts.overdue),
            t("digest-in-progress", count=counts.in_progress),
            t("digest-done", count=counts.done),
        ]
    )
