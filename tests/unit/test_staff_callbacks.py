"""Staff-side callback data: unique prefixes, and the longest packs fit Telegram's 64 bytes."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData

from models import Priority, Role
from models.queues import FilterField, Queue
from utils import callbacks
from utils.callbacks import AssignToCb, QueueCb, QueueFilterCb, UserRoleCb

BIG = 2_147_483_647  # the largest id an INTEGER column holds


def test_prefixes_are_unique() -> None:
    classes = [
        c
        for c in vars(callbacks).values()
        if isinstance(c, type) and issubclass(c, CallbackData) and c is not CallbackData
    ]
    prefixes = [c.__prefix__ for c in classes]
    assert len(prefixes) == len(set(prefixes)), prefixes


def test_longest_callbacks_fit() -> None:
    longest = [
        QueueCb(q=Queue.OVERDUE, c=BIG, p=Priority.URGENT, a=BIG, after=BIG),
        QueueFilterCb(
            q=Queue.OVERDUE, c=BIG, p=Priority.URGENT, a=BIG, f=FilterField.ASSIGNEE, after=BIG
        ),
        AssignToCb(id=BIG, uid=BIG),
        UserRoleCb(id=BIG, role=Role.EXECUTOR),
    ]
    for data in longest:
        assert len(data.pack().encode()) <= 64, data
