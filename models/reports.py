"""What the reports show (/stats, the daily digest, the export's choices) and their pure
arithmetic. The queries that fill them are in database/repositories/{stats,digest,export}.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from models.enums import RequestStatus
from models.names import Named

# /stats draws this many weeks of created vs done.
WEEKS = 12
# /stats shows the newest rating comments, this many, each cut to FEEDBACK_CHARS.
FEEDBACK_SHOWN = 3
FEEDBACK_CHARS = 200


@dataclass(frozen=True, slots=True)
class Percentiles:
    count: int
    median_hours: float | None
    p90_hours: float | None


@dataclass(frozen=True, slots=True)
class CategoryCount(Named):
    name_ru: str
    name_en: str
    count: int


@dataclass(frozen=True, slots=True)
class ExecutorLine:
    name: str
    open: int
    done: int
    overdue: int


@dataclass(frozen=True, slots=True)
class Feedback:
    """What an author wrote with their stars (the newest few are shown in /stats)."""

    request_id: int
    rating: int
    text: str


@dataclass(frozen=True, slots=True)
class WeekCount:
    start: date  # Monday, local time
    created: int
    done: int


@dataclass(frozen=True, slots=True)
class Stats:
    now: datetime
    by_status: dict[RequestStatus, int]
    created_7: int
    created_30: int
    done_7: int
    done_30: int
    overdue: int
    rating_avg: float | None
    rating_count: int
    first_response: Percentiles
    to_done: Percentiles
    backlog_by_category: list[CategoryCount]
    backlog_by_location: list[tuple[str, int]]
    executors: list[ExecutorLine]
    weeks: list[WeekCount]
    # Planned maintenance (🗓) apart from reported work: created in 30 days, open now.
    planned_30: int = 0
    planned_open: int = 0
    # Open requests by the catalogued place's building (places with a building only).
    backlog_by_building: list[tuple[str, int]] = field(default_factory=list)
    # The newest rating comments, newest first.
    feedback: list[Feedback] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


def percentile(values: Sequence[float], p: float) -> float | None:
    """PostgreSQL's percentile_cont: linear interpolation between the closest ranks."""
    if not values:
        return None
    ordered = sorted(values)
    rank = p * (len(ordered) - 1)
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def week_starts(now: datetime, tz: ZoneInfo, weeks: int = WEEKS) -> list[datetime]:
    """Local midnights of the Mondays of the last `weeks` weeks (this one last), aware."""
    today = now.astimezone(tz).date()
    monday = today - timedelta(days=today.weekday())
    return [
        datetime.combine(monday - timedelta(weeks=weeks - 1 - i), datetime.min.time(), tz)
        for i in range(weeks)
    ]


class DigestQueue(StrEnum):
    """The digest's lines; each button opens the admin panel's queue of the same name."""

    NEW = "new"
    OVERDUE = "overdue"
    IN_PROGRESS = "in_progress"
    DONE = "done"


@dataclass(frozen=True, slots=True)
class DigestCounts:
    new_since: int  # created since the previous digest
    new: int  # waiting in the New queue
    overdue: int
    in_progress: int
    done: int  # done, awaiting the author's confirmation

    def queue(self, queue: DigestQueue) -> int:
        return {
            DigestQueue.NEW: self.new,
            DigestQueue.OVERDUE: self.overdue,
            DigestQueue.IN_PROGRESS: self.in_progress,
            DigestQueue.DONE: self.done,
        }[queue]


class ExportPeriod(StrEnum):
    THIS_MONTH = "month"
    LAST_MONTH = "prev"
    LAST_90_DAYS = "90d"
    ALL_TIME = "all"


# The export's status choice that means "every status".
ANY_STATUS = "any"


def period_bounds(
    period: ExportPeriod, now: datetime, tz: ZoneInfo
) -> tuple[datetime | None, datetime | None]:
    """[start, end) of the period on `created_at`, as aware datetimes; None: unbounded."""
    local = now.astimezone(tz)
    month_start = datetime.combine(local.date().replace(day=1), datetime.min.time(), tz)
    match period:
        case ExportPeriod.THIS_MONTH:
            return month_start, None
        case ExportPeriod.LAST_MONTH:
            prev = (month_start.date() - timedelta(days=1)).replace(day=1)
            return datetime.combine(prev, datetime.min.time(), tz), month_start
        case ExportPeriod.LAST_90_DAYS:
            return now - timedelta(days=90), None
    return None, None
