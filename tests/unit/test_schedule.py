"""Planned-job schedules (models/schedule.py) on a controllable clock: the scheduler asks
`next_occurrence(after)` and `latest_missed(since, now)`; the clock is just `now`."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from models.schedule import Freq, Pause, Schedule

BERLIN = ZoneInfo("Europe/Berlin")  # has DST: +01:00 in winter, +02:00 in summer


class Clock:
    """A controllable clock: time moves only when the test moves it."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def advance(self, delta: timedelta) -> None:
        self.now += delta


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN)  # type: ignore[misc]


def walk(schedule: Schedule, after: datetime, count: int) -> list[datetime]:
    return [d.astimezone(BERLIN) for d in schedule.upcoming(after, BERLIN, count)]


def test_monthly_on_the_last_friday() -> None:
    schedule = Schedule(freq=Freq.MONTHLY, weekday=4, nth=-1, start=date(2026, 1, 1), at=time(9, 0))
    assert walk(schedule, local(2026, 1, 1), 4) == [
        local(2026, 1, 30, 9),
        local(2026, 2, 27, 9),
        local(2026, 3, 27, 9),
        local(2026, 4, 24, 9),
    ]


def test_monthly_on_the_last_day_and_the_second_tuesday() -> None:
    last_day = Schedule(freq=Freq.MONTHLY, month_day=-1, start=date(2026, 1, 1))
    assert [d.date() for d in walk(last_day, local(2026, 1, 1), 3)] == [
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 3, 31),
    ]
    second_tuesday = Schedule(
        freq=Freq.MONTHLY, weekday=1, nth=2, interval=3, start=date(2026, 1, 1)
    )
    assert [d.date() for d in walk(second_tuesday, local(2026, 1, 1), 3)] == [
        date(2026, 1, 13),
        date(2026, 4, 14),
        date(2026, 7, 14),
    ]


def test_every_two_weeks_on_monday_and_thursday() -> None:
    # 2026-01-05 is a Monday: that week, then every other week.
    schedule = Schedule(
        freq=Freq.WEEKLY, interval=2, weekdays=(3, 0), start=date(2026, 1, 5), at=time(8, 30)
    )
    assert walk(schedule, local(2026, 1, 1), 5) == [
        local(2026, 1, 5, 8, 30),
        local(2026, 1, 8, 8, 30),
        local(2026, 1, 19, 8, 30),
        local(2026, 1, 22, 8, 30),
        local(2026, 2, 2, 8, 30),
    ]


def test_nothing_before_the_start_date() -> None:
    schedule = Schedule(freq=Freq.DAILY, start=date(2026, 6, 1), at=time(7, 0))
    assert walk(schedule, local(2026, 1, 1), 1) == [local(2026, 6, 1, 7)]
    assert schedule.latest_missed(local(2026, 1, 1), local(2026, 5, 31, 23), BERLIN) is None


def test_school_holidays_are_skipped() -> None:
    schedule = Schedule(
        freq=Freq.WEEKLY,
        weekdays=(0,),
        start=date(2026, 3, 2),
        at=time(9, 0),
        pauses=(Pause(start=date(2026, 3, 23), end=date(2026, 4, 5)),),
    )
    assert [d.date() for d in walk(schedule, local(2026, 3, 10), 3)] == [
        date(2026, 3, 16),
        date(2026, 4, 6),  # 23 and 30 March are in the holidays
        date(2026, 4, 13),
    ]
    # Catching up in the holidays finds the last Monday before them.
    assert schedule.latest_missed(local(2026, 3, 1), local(2026, 4, 1, 12), BERLIN) == local(
        2026, 3, 16, 9
    ).astimezone(UTC)


def test_a_pause_covering_everything_ends_the_schedule_instead_of_looping() -> None:
    schedule = Schedule(
        freq=Freq.DAILY,
        start=date(2026, 1, 1),
        pauses=(Pause(start=date(2026, 1, 1), end=date(2100, 1, 1)),),
    )
    assert schedule.next_occurrence(local(2026, 1, 1), BERLIN) is None


def test_local_time_is_kept_across_dst_changes() -> None:
    # Berlin goes to summer time on 29 March 2026 and back on 25 October 2026.
    schedule = Schedule(freq=Freq.DAILY, start=date(2026, 3, 27), at=time(9, 0))
    spring = schedule.upcoming(local(2026, 3, 27), BERLIN, 4)
    assert [d.astimezone(BERLIN).time() for d in spring] == [time(9, 0)] * 4
    assert [d.hour for d in spring] == [8, 8, 7, 7]  # UTC: one hour earlier after the change
    autumn = schedule.upcoming(local(2026, 10, 24), BERLIN, 3)
    assert [d.hour for d in autumn] == [7, 8, 8]


def test_a_time_in_the_dst_gap_or_overlap_happens_once_a_day() -> None:
    gap = Schedule(freq=Freq.DAILY, start=date(2026, 3, 28), at=time(2, 30))
    days = gap.upcoming(local(2026, 3, 28), BERLIN, 3)
    assert [d.astimezone(BERLIN).date() for d in days] == [
        date(2026, 3, 28),
        date(2026, 3, 29),  # 02:30 does not exist that night: 03:30 summer time
        date(2026, 3, 30),
    ]
    overlap = Schedule(freq=Freq.DAILY, start=date(2026, 10, 24), at=time(2, 30))
    days = overlap.upcoming(local(2026, 10, 24), BERLIN, 3)
    assert [d.astimezone(BERLIN).date() for d in days] == [
        date(2026, 10, 24),
        date(2026, 10, 25),  # 02:30 happens twice that night: only the first counts
        date(2026, 10, 26),
    ]


def test_downtime_catch_up_finds_only_the_latest_missed_occurrence() -> None:
    schedule = Schedule(freq=Freq.DAILY, start=date(2026, 1, 1), at=time(9, 0))
    clock = Clock(local(2026, 1, 5, 8))
    due = schedule.next_occurrence(clock.now, BERLIN)
    assert due == local(2026, 1, 5, 9).astimezone(UTC)
    clock.advance(timedelta(days=3, hours=5))  # the bot was down from Monday to Thursday
    assert clock.now == local(2026, 1, 8, 13)
    assert due is not None
    assert schedule.latest_missed(due, clock.now, BERLIN) == local(2026, 1, 8, 9).astimezone(UTC)
    assert schedule.next_occurrence(clock.now, BERLIN) == local(2026, 1, 9, 9).astimezone(UTC)
    # Before the due time nothing is missed.
    assert schedule.latest_missed(due, local(2026, 1, 5, 8, 59), BERLIN) is None


@pytest.mark.parametrize(
    "fields",
    [
        {"freq": "daily", "weekdays": (1,)},
        {"freq": "weekly", "month_day": 3},
        {"freq": "monthly", "nth": 2},
        {"freq": "monthly", "month_day": 0},
        {"freq": "monthly", "month_day": 31},
        {"freq": "monthly", "month_day": 3, "weekday": 1, "nth": 1},
        {"freq": "daily", "interval": 0},
    ],
)
def test_inconsistent_schedules_are_refused(fields: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        Schedule(start=date(2026, 1, 1), **fields)  # type: ignore[arg-type]


def test_round_trip_through_json() -> None:
    schedule = Schedule(
        freq=Freq.WEEKLY,
        weekdays=(0, 3),
        start=date(2026, 1, 5),
        at=time(8, 30),
        pauses=(Pause(start=date(2026, 3, 23), end=date(2026, 4, 5)),),
    )
    assert Schedule.model_validate(schedule.model_dump(mode="json")) == schedule
