"""Seed data for the report, export and scheduler tests: people and requests with every
timestamp set explicitly, so the expected answers can be computed in plain Python."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import (
    Attachment,
    AttachmentKind,
    Comment,
    Priority,
    Request,
    RequestStatus,
    Role,
    User,
)
from models.sla import DEFAULT_SLA_HOURS, due_at
from tests.conftest import ADMIN, EXECUTOR, OTHER_TEACHER, TEACHER


@dataclass
class People:
    admin: User
    executor: User
    teacher: User
    other: User
    extra_executors: list[User] = field(default_factory=list)


async def seed_people(db: async_sessionmaker[AsyncSession]) -> People:
    """The conftest people as rows: ADMIN is an admin, EXECUTOR an executor."""
    async with db() as session, session.begin():
        admin = User(
            telegram_id=ADMIN.id, full_name="Анна Админова", role=Role.ADMIN, language="ru"
        )
        executor = User(
            telegram_id=EXECUTOR.id,
            full_name="Ivan",
            username="fixer",
            role=Role.EXECUTOR,
            language="ru",
        )
        teacher = User(
            telegram_id=TEACHER.id,
            full_name="Мария Учителева",
            username="teacher",
            phone="+79001234567",
            role=Role.USER,
            language="ru",
        )
        other = User(telegram_id=OTHER_TEACHER.id, full_name="Oleg", role=Role.USER, language="en")
        extra = [
            User(telegram_id=900_050 + i, full_name=name, role=Role.EXECUTOR, language="ru")
            for i, name in enumerate(("Bravo", "Charlie"))
        ]
        session.add_all([admin, executor, teacher, other, *extra])
    return People(admin, executor, teacher, other, extra)


async def add_request(db: async_sessionmaker[AsyncSession], **values: Any) -> Request:
    """A request with explicit fields; due_at from the priority's SLA unless given."""
    values.setdefault("location", "R01")
    values.setdefault("description", "Не работает")
    values.setdefault("category_id", 1)
    values.setdefault("priority", Priority.NORMAL)
    values.setdefault("status", RequestStatus.NEW)
    if "created_at" in values:
        values.setdefault("updated_at", values["created_at"])
        values.setdefault(
            "due_at", due_at(values["created_at"], values["priority"], DEFAULT_SLA_HOURS)
        )
    async with db() as session, session.begin():
        request = Request(**values)
        session.add(request)
    return request


async def assigned_request(
    db: async_sessionmaker[AsyncSession],
    people: People,
    created_at: datetime,
    *,
    author: User | None = None,
    status: RequestStatus = RequestStatus.IN_PROGRESS,
    **values: Any,
) -> Request:
    """A request of the teacher's (or `author`'s) that the executor has, in work by default."""
    return await add_request(
        db,
        author_id=(author or people.teacher).id,
        status=status,
        assignee_id=people.executor.id,
        created_at=created_at,
        **values,
    )


async def add_extras(
    db: async_sessionmaker[AsyncSession],
    request_id: int,
    *,
    photos: int = 0,
    comments: int = 0,
    deleted_comments: int = 0,
    author_id: int | None = None,
) -> None:
    async with db() as session, session.begin():
        files = [(AttachmentKind.PHOTO, f"p{request_id}-{i}") for i in range(photos)]
        files.append((AttachmentKind.DOCUMENT, f"d{request_id}"))
        session.add_all(
            Attachment(request_id=request_id, kind=kind, file_id=name, file_unique_id=f"u{name}")
            for kind, name in files
        )
        for i in range(comments + deleted_comments):
            session.add(
                Comment(
                    request_id=request_id,
                    author_id=author_id,
                    text=f"c{i}",
                    deleted_at=datetime.now().astimezone() if i >= comments else None,
                )
            )


LOCATIONS = [f"R{i:02d}" for i in range(1, 13)]
STATUS_WEIGHTS = {
    RequestStatus.NEW: 4,
    RequestStatus.IN_PROGRESS: 4,
    RequestStatus.ON_HOLD: 1,
    RequestStatus.DONE: 3,
    RequestStatus.CLOSED: 5,
    RequestStatus.REJECTED: 1,
    RequestStatus.CANCELLED: 1,
}


async def seed_random_requests(
    db: async_sessionmaker[AsyncSession], people: People, now: datetime, n: int = 90, seed: int = 7
) -> list[dict[str, Any]]:
    """`n` requests over the last 100 days with consistent timestamps; returns their fields."""
    rng = random.Random(seed)
    executors = [people.executor, people.admin, *people.extra_executors]
    statuses = list(STATUS_WEIGHTS)
    weights = list(STATUS_WEIGHTS.values())
    rows: list[dict[str, Any]] = []
    for _ in range(n):
        created = now - timedelta(seconds=rng.randint(600, 100 * 86400))
        priority = rng.choice(list(Priority))
        status = rng.choices(statuses, weights)[0]
        age = (now - created).total_seconds()
        row: dict[str, Any] = {
            "author_id": rng.choice([people.teacher.id, people.other.id]),
            "category_id": rng.randint(1, 8),
            "location": rng.choice(LOCATIONS),
            "description": "x",
            "priority": priority,
            "status": status,
            "created_at": created,
            "updated_at": created,
            "due_at": due_at(created, priority, DEFAULT_SLA_HOURS),
            "assignee_id": None,
            "first_response_at": None,
            "done_at": None,
            "closed_at": None,
            "rating": None,
        }
        if status is not RequestStatus.NEW:
            first = created + timedelta(seconds=age * rng.uniform(0.01, 0.3))
            row["first_response_at"] = first
        if status in (
            RequestStatus.IN_PROGRESS,
            RequestStatus.ON_HOLD,
            RequestStatus.DONE,
            RequestStatus.CLOSED,
        ):
            row["assignee_id"] = rng.choice(executors).id
        if status in (RequestStatus.DONE, RequestStatus.CLOSED):
            row["done_at"] = row["first_response_at"] + timedelta(
                seconds=age * rng.uniform(0.05, 0.5)
            )
        if status is RequestStatus.CLOSED:
            row["closed_at"] = row["done_at"] + timedelta(seconds=age * rng.uniform(0.01, 0.1))
            row["rating"] = rng.choice([None, 1, 2, 3, 4, 5, 5])
        if status in (RequestStatus.REJECTED, RequestStatus.CANCELLED):
            row["closed_at"] = row["first_response_at"]
        rows.append(row)
    async with db() as session, session.begin():
        session.add_all([Request(**row) for row in rows])
    return rows
