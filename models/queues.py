"""The admin's queues: named slices of the request table (pure definitions)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from models.enums import Priority
from models.workflow import Viewer


class Queue(StrEnum):
    """Short values: they travel inside callback data."""

    NEW = "new"
    IN_PROGRESS = "work"
    ON_HOLD = "hold"
    DONE = "done"  # done, waiting for the author to confirm
    OVERDUE = "late"  # open and past its deadline
    ALL = "all"


class FilterField(StrEnum):
    CATEGORY = "c"
    PRIORITY = "p"
    ASSIGNEE = "a"


# A queue's size is counted up to this many; beyond it the buttons say "1000+", so a view
# never counts a million closed requests.
COUNT_CAP = 1000

# The assignee filter: 0 = anybody, -1 = nobody assigned, otherwise a users.id.
ANY_ASSIGNEE = 0
UNASSIGNED = -1


@dataclass(frozen=True, slots=True)
class QueueFilter:
    queue: Queue = Queue.ALL
    category_id: int = 0  # 0: any
    priority: Priority | None = None
    assignee: int = ANY_ASSIGNEE  # 0 any, -1 nobody, else users.id
    viewer: Viewer | None = None  # whose list: only what they may see (None: everything)
    # The web panel's extra filters: the place contains this text; created in [from, to).
    location: str = ""
    created_from: datetime | None = None
    created_to: datetime | None = None
