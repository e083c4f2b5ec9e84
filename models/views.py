"""What the queries return and the screens show: plain frozen rows, no ORM objects.

They cross the layers (the repositories build them, the services pass them on, the
renderers in `utils/` draw them), so they live at the bottom, beside the models.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from models.entities import Category, User
from models.enums import Action, Priority, RequestStatus, Role
from models.names import Named, in_language


def person_label(full_name: str | None, username: str | None) -> str | None:
    """'Name (@username)', or just the name; None when there is nobody."""
    return None if full_name is None else _label(full_name, username)


def _label(full_name: str, username: str | None) -> str:
    return f"{full_name} (@{username})" if username else full_name


class _Categorised:
    """A row that carries its category's name in both languages."""

    __slots__ = ()
    category_ru: str
    category_en: str

    def category(self, language: str) -> str:
        return in_language(language, self.category_ru, self.category_en)


@dataclass(frozen=True, slots=True)
class CategoryChoice(Named):
    """A visible category as the new-request dialog offers it."""

    id: int
    name_ru: str
    name_en: str

    @classmethod
    def of(cls, category: Category) -> CategoryChoice:
        return cls(category.id, category.name_ru, category.name_en)


@dataclass(frozen=True, slots=True)
class Person:
    id: int
    telegram_id: int
    full_name: str
    username: str | None
    language: str | None

    @classmethod
    def of(cls, user: User) -> Person:
        return cls(user.id, user.telegram_id, user.full_name, user.username, user.language)

    @property
    def display(self) -> str:
        return _label(self.full_name, self.username)


@dataclass(frozen=True, slots=True)
class _RequestHead(_Categorised):
    """What every card and staff line of a request begins with: which one, in what state,
    how urgent, where, what is wrong and in which category."""

    id: int
    status: RequestStatus
    priority: Priority
    location: str
    description: str
    category_ru: str
    category_en: str


@dataclass(frozen=True, slots=True)
class RequestView(_RequestHead):
    """Everything a card shows, read in one query."""

    author: Person
    assignee: Person | None
    created_at: datetime
    updated_at: datetime
    due_at: datetime | None
    first_response_at: datetime | None
    done_at: datetime | None
    closed_at: datetime | None
    rating: int | None
    photo_count: int
    place_id: int | None = None  # a catalogued place (the location is its name)
    follower_count: int = 0  # people who pressed "me too"
    rating_comment: str | None = None  # what the author wrote with the stars
    planned_job_id: int | None = None  # created by a planned job (🗓)
    open_items: int = 0  # checklist items neither ticked nor failed (planned requests)


@dataclass(frozen=True, slots=True)
class ListItem(_Categorised):
    """One line of the author's own list."""

    id: int
    status: RequestStatus
    category_ru: str
    category_en: str
    location: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class RequestRow(_RequestHead):
    """One line of a staff list (a queue, a search, someone's tasks)."""

    assignee_name: str | None
    created_at: datetime
    due_at: datetime | None
    planned_job_id: int | None = None  # 🗓 made by a planned job
    follower_count: int = 0  # 👥 people who pressed "me too"


@dataclass(frozen=True, slots=True)
class QueuePage:
    """A keyset page of a staff list."""

    rows: list[RequestRow]
    has_more: bool

    @property
    def last_id(self) -> int:
        return self.rows[-1].id if self.rows else 0


@dataclass(frozen=True, slots=True)
class StaffRow:
    """Somebody who may be assigned, with their open task count."""

    id: int
    full_name: str
    role: Role
    open_tasks: int


@dataclass(frozen=True, slots=True)
class CommentRow:
    id: int
    author_id: int | None
    author_name: str | None
    text: str
    is_internal: bool
    created_at: datetime
    deleted: bool
    files: int
    is_result: bool  # the executor's "done" report


@dataclass(frozen=True, slots=True)
class HistoryRow:
    at: datetime
    from_status: RequestStatus | None
    to_status: RequestStatus
    actor_name: str | None
    reason: str | None


@dataclass(frozen=True, slots=True)
class StaffCard:
    """The full card as staff see it: the request, its history, comments and files."""

    view: RequestView
    history: list[HistoryRow]
    comments: list[CommentRow]
    file_count: int
    actions: list[Action]  # what this viewer may do now
    can_comment: bool
    can_note: bool
    can_delete_comments: bool


@dataclass(frozen=True, slots=True)
class UserRow:
    """One line of the admin's user list."""

    id: int
    telegram_id: int
    full_name: str
    username: str | None
    role: Role
    is_blocked: bool
    requests: int  # created by them
    open_tasks: int  # open requests assigned to them


@dataclass(frozen=True, slots=True)
class PlaceRequestRow(_Categorised):
    """A request of one place: its history for staff, the "me too" choice for a teacher."""

    id: int
    status: RequestStatus
    category_ru: str
    category_en: str
    description: str
    created_at: datetime
    followers: int
    author_id: int
