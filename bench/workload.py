"""The school day: virtual people and the scripts they follow.

A script is a generator of updates. It is resumed only after the previous update was
handled, so it reads the buttons the bot has just shown that person (from the in-process
session's chat log) and presses them, as a person would. A button that is not there is a
"miss": the script ends early and the miss is counted, never hidden.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

from aiogram.types import Chat, Message, Update

from bench.instrument import ChatLog
from models import Action
from models.queues import Queue
from tests.updates import Person, message, photo, press
from utils.callbacks import (
    DraftNav,
    DraftNavCb,
    QueueCb,
)

Script = Iterator[Update]

NEW_REQUEST = "📝 Новая заявка"
MY_REQUESTS = "📋 Мои заявки"
MY_TASKS = "🛠 Мои задачи"
ADMIN_PANEL = "⚙️ Панель администратора"
NEXT_PAGE = "myl:2:"  # "▶" on the first page of My requests

LOCATIONS = ["Каб. 101", "Каб. 214", "Спортзал", "Столовая", "Актовый зал", "Каб. 305"]
PROBLEMS = [
    "Течёт кран у раковины",
    "Не работает розетка у доски",
    "Холодная батарея у окна",
    "Проектор не включается",
    "Перегорела лампа над партой",
    "Заедает замок двери",
]


class Role(StrEnum):
    REQUESTER = "requester"
    EXECUTOR = "executor"
    ADMIN = "admin"


@dataclass
class Stats:
    scripts: dict[str, int] = field(default_factory=dict)
    misses: dict[str, int] = field(default_factory=dict)

    def started(self, name: str) -> None:
        self.scripts[name] = self.scripts.get(name, 0) + 1

    def missed(self, name: str) -> None:
        self.misses[name] = self.misses.get(name, 0) + 1


@dataclass
class VirtualUser:
    person: Person
    role: Role
    ready_at: float = 0.0
    busy: bool = False
    script: Script | None = None
    script_name: str = "start"
    pending: Update | None = None  # the script's next update, decided after the last one


class Miss(Exception):
    """The button the script wanted is not on the screen."""


def _shown(person: Person, message_id: int) -> Message:
    return Message.model_construct(
        message_id=message_id,
        date=datetime.now(UTC),
        chat=Chat.model_construct(id=person.id, type="private"),
        text="…",
    )


Pick = Callable[[list[str]], str]


def first(options: list[str]) -> str:
    return options[0]


def last(options: list[str]) -> str:
    return options[-1]


class Scripts:
    """The scripts, and how often each runs in the mixed workload."""

    def __init__(self, log: ChatLog, stats: Stats, rng: random.Random, categories: list[int]):
        self.log = log
        self.stats = stats
        self.rng = rng
        self.categories = categories
        self.filed: set[int] = set()  # people with a request of their own to look at

    def press(self, p: Person, prefix: str, pick: Pick = first, *, consume: bool = False) -> Update:
        """Press a button of this person's newest message that has one starting with
        `prefix` (`pick` chooses among several); `consume` forgets that message afterwards
        (a notification answered once)."""
        found = self.log.find_button(p.id, prefix)
        if found is None:
            raise Miss(prefix)
        message_id, options = found
        if consume:
            self.log.forget(p.id, message_id)
        return press(p, pick(options), _shown(p, message_id))

    def any_of(self, options: list[str]) -> str:
        return self.rng.choice(options)

    # ---------------------------------------------------------------- requesters
    def file_request(self, p: Person) -> Script:
        """The whole dialog with a photo: 8 updates."""
        yield message(p, NEW_REQUEST)
        yield self.press(p, "nrc:", self.any_of)
        yield message(p, self.rng.choice(LOCATIONS))
        yield message(p, f"{self.rng.choice(PROBLEMS)}, {self.rng.randrange(1000)}")
        yield photo(p, f"ph-{p.id}-{self.rng.randrange(10**9)}")
        yield self.press(p, DraftNavCb(action=DraftNav.DONE).pack())
        yield self.press(p, "nrp:", self.any_of)
        yield self.press(p, "nrs:")
        self.filed.add(p.id)

    def browse(self, p: Person) -> Script:
        """My requests, the next page when there is one, one card."""
        yield message(p, MY_REQUESTS)
        if self.log.find_button(p.id, NEXT_PAGE) is not None:
            yield self.press(p, NEXT_PAGE)
        yield self.press(p, "myo:", self.any_of)

    def comment(self, p: Person) -> Script:
        yield message(p, MY_REQUESTS)
        yield self.press(p, "myo:", self.any_of)
        yield self.press(p, "myc:")
        yield message(p, "Когда придёт мастер? Кабинет открыт до 15:00.")

    def confirm(self, p: Person) -> Script:
        """The author answers the "done" notification: Fixed, five stars, no comment."""
        yield self.press(p, f"ra:{Action.CONFIRM}:", consume=True)
        yield self.press(p, "myr:", last)  # the fifth star
        yield self.press(p, "myrs:")

    # ---------------------------------------------------------------------- staff
    def triage(self, p: Person) -> Script:
        """Admin: the panel, the New queue, one card; take it or assign an executor."""
        yield message(p, ADMIN_PANEL)
        yield self.press(p, QueueCb(q=Queue.NEW).pack())
        yield self.press(p, "ro:", self.any_of)
        if self.rng.random() < 0.3:
            yield self.press(p, f"ra:{Action.TAKE}:")
        else:
            yield self.press(p, f"ra:{Action.ASSIGN}:")
            yield self.press(p, "ast:", self.any_of)

    def work(self, p: Person) -> Script:
        """Executor (or an admin on what they took): My tasks, one task, Done."""
        yield message(p, MY_TASKS)
        yield self.press(p, "ro:", self.any_of)
        yield self.press(p, f"ra:{Action.FINISH}:")
        yield self.press(p, "fin:")

    # ------------------------------------------------------------------ choosing
    def next_script(self, user: VirtualUser) -> tuple[str, Script]:
        p = user.person
        choices: list[tuple[str, Callable[[Person], Script], float]]
        if user.role is Role.ADMIN:
            choices = [("triage", self.triage, 0.8), ("work", self.work, 0.2)]
        elif user.role is Role.EXECUTOR:
            choices = [("work", self.work, 1.0)]
        elif self.log.find_button(p.id, f"ra:{Action.CONFIRM}:") is not None:
            choices = [("confirm", self.confirm, 1.0)]
        elif p.id not in self.filed:
            choices = [("file_request", self.file_request, 1.0)]
        else:
            choices = [
                ("file_request", self.file_request, 0.55),
                ("browse", self.browse, 0.3),
                ("comment", self.comment, 0.15),
            ]
        name, make, _ = self.rng.choices(choices, weights=[w for *_, w in choices])[0]
        self.stats.started(name)
        return name, self._guarded(name, make(p))

    def _guarded(self, name: str, script: Script) -> Script:
        try:
            yield from script
        except Miss:
            self.stats.missed(name)
