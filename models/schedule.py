"""When a planned job is due: a structured schedule, computed with dateutil's rrule.

Pure functions, no database. The schedule is stored as JSON (`Schedule.model_dump`), never
as an rrule string typed by a user. Occurrences are computed in local wall-clock time (the
bot's TIMEZONE) at a local time of day, so "every Monday at 08:00" stays 08:00 across DST
changes; a local time that does not exist (the spring-forward gap) is taken with the
offset before the change, one that happens twice (fall-back) at its first instant.

    schedule = Schedule(freq=Freq.MONTHLY, weekday=4, nth=-1, start=date(2026, 1, 1),
                        at=time(9, 0))
    schedule.next_occurrence(now, tz)        # the first occurrence strictly after now
    schedule.latest_missed(since, now, tz)   # the latest one in [since, now], for catch-up
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from dateutil import rrule
from pydantic import BaseModel, ConfigDict, Field, model_validator

# An rrule over a schedule whose every occurrence falls in a pause would never end: stop
# looking after this many candidates (years of daily occurrences).
MAX_SKIPPED = 5000
_WEEKDAYS = (rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR, rrule.SA, rrule.SU)


class Freq(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"


class Pause(BaseModel):
    """A period without occurrences (school holidays), both ends included."""

    model_config = ConfigDict(frozen=True)

    start: date
    end: date

    @model_validator(mode="after")
    def _ordered(self) -> Pause:
        if self.end < self.start:
            raise ValueError("a pause ends before it starts")
        return self

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end


class Schedule(BaseModel):
    """Every `interval` days / weeks / months from `start`, at local time `at`.

    - DAILY: every `interval` days.
    - WEEKLY: every `interval` weeks on `weekdays` (0 = Monday; empty: the start's weekday).
    - MONTHLY: every `interval` months on `month_day` (1..28, or -1 for the last day), or on
      the `nth` (1..4, or -1 for the last) `weekday` of the month; neither: the start's day.
    """

    model_config = ConfigDict(frozen=True)

    freq: Freq
    interval: Annotated[int, Field(ge=1, le=366)] = 1
    weekdays: tuple[Annotated[int, Field(ge=0, le=6)], ...] = ()
    month_day: Annotated[int, Field(ge=-1, le=28)] | None = None
    weekday: Annotated[int, Field(ge=0, le=6)] | None = None
    nth: Annotated[int, Field(ge=-1, le=4)] | None = None
    start: date
    at: time = time(9, 0)
    pauses: tuple[Pause, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> Schedule:
        if self.month_day == 0 or self.nth == 0:
            raise ValueError("day 0 does not exist")
        if (self.nth is None) != (self.weekday is None):
            raise ValueError("the n-th weekday needs both nth and weekday")
        if self.freq is not Freq.MONTHLY and (self.month_day is not None or self.nth is not None):
            raise ValueError("a day of the month needs a monthly schedule")
        if self.freq is not Freq.WEEKLY and self.weekdays:
            raise ValueError("weekdays need a weekly schedule")
        if self.month_day is not None and self.nth is not None:
            raise ValueError("either a day of the month or the n-th weekday")
        return self

    # ------------------------------------------------------------------ computing
    def _rule(self) -> rrule.rrule:
        options: dict[str, Any] = {"interval": self.interval}
        freq: Literal[0, 1, 2, 3, 4, 5, 6]
        if self.freq is Freq.DAILY:
            freq = rrule.DAILY
        elif self.freq is Freq.WEEKLY:
            freq = rrule.WEEKLY
            if self.weekdays:
                options["byweekday"] = [_WEEKDAYS[d] for d in sorted(set(self.weekdays))]
        else:
            freq = rrule.MONTHLY
            if self.month_day is not None:
                options["bymonthday"] = self.month_day
            elif self.nth is not None and self.weekday is not None:
                options["byweekday"] = _WEEKDAYS[self.weekday](self.nth)
        return rrule.rrule(freq, dtstart=datetime.combine(self.start, self.at), **options)

    def _paused(self, local: datetime) -> bool:
        return any(p.covers(local.date()) for p in self.pauses)

    def next_occurrence(self, after: datetime, tz: ZoneInfo) -> datetime | None:
        """The first occurrence strictly after `after` (aware), in UTC; None: no more."""
        rule = self._rule()
        cursor = _wall(after, tz)
        for _ in range(MAX_SKIPPED):
            local = rule.after(cursor, inc=False)
            if local is None:
                return None
            instant = _instant(local, tz)
            if instant > after and not self._paused(local):
                return instant
            cursor = local
        return None

    def latest_missed(self, since: datetime, now: datetime, tz: ZoneInfo) -> datetime | None:
        """The latest occurrence in [since, now], in UTC (after downtime only it is made)."""
        rule = self._rule()
        cursor = _wall(now, tz)
        inclusive = True
        for _ in range(MAX_SKIPPED):
            local = rule.before(cursor, inc=inclusive)
            if local is None:
                return None
            instant = _instant(local, tz)
            if instant < since:
                return None
            if instant <= now and not self._paused(local):
                return instant
            cursor, inclusive = local, False
        return None

    def upcoming(self, after: datetime, tz: ZoneInfo, count: int) -> list[datetime]:
        """The next `count` occurrences (for showing the admin what they set)."""
        found: list[datetime] = []
        cursor = after
        while len(found) < count:
            nxt = self.next_occurrence(cursor, tz)
            if nxt is None:
                break
            found.append(nxt)
            cursor = nxt
        return found


def _wall(instant: datetime, tz: ZoneInfo) -> datetime:
    """Local wall-clock time, naive (what the rrule iterates over)."""
    return instant.astimezone(tz).replace(tzinfo=None)


def _instant(local: datetime, tz: ZoneInfo) -> datetime:
    return local.replace(tzinfo=tz).astimezone(UTC)
