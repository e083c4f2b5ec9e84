"""SQLAlchemy models and the pure domain rules."""

from models.base import Base, utcnow
from models.entities import (
    Attachment,
    CardMessage,
    Category,
    Comment,
    JobRun,
    OutboxMessage,
    Request,
    StatusChange,
    User,
)
from models.enums import (
    FINAL_STATUSES,
    OPEN_STATUSES,
    Action,
    AttachmentKind,
    OutboxKind,
    OutboxStatus,
    Priority,
    RequestStatus,
    Role,
)
from models.onboarding import STAFF_PURPOSE, ChatBinding, SetupCode
from models.panel import PanelLoginToken, PanelSession
from models.places import Place, RequestFollower
from models.planned import ChecklistItem, ItemState, PlannedJob, PlannedStatus

__all__ = [
    "FINAL_STATUSES",
    "OPEN_STATUSES",
    "STAFF_PURPOSE",
    "Action",
    "Attachment",
    "AttachmentKind",
    "Base",
    "CardMessage",
    "Category",
    "ChatBinding",
    "ChecklistItem",
    "Comment",
    "ItemState",
    "JobRun",
    "OutboxKind",
    "OutboxMessage",
    "OutboxStatus",
    "PanelLoginToken",
    "PanelSession",
    "Place",
    "PlannedJob",
    "PlannedStatus",
    "Priority",
    "Request",
    "RequestFollower",
    "RequestStatus",
    "Role",
    "SetupCode",
    "StatusChange",
    "User",
    "utcnow",
]
