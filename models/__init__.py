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
from models.panel import PanelLoginToken, PanelSession

__all__ = [
    "FINAL_STATUSES",
    "OPEN_STATUSES",
    "Action",
    "Attachment",
    "AttachmentKind",
    "Base",
    "CardMessage",
    "Category",
    "Comment",
    "JobRun",
    "OutboxKind",
    "OutboxMessage",
    "OutboxStatus",
    "PanelLoginToken",
    "PanelSession",
    "Priority",
    "Request",
    "RequestStatus",
    "Role",
    "StatusChange",
    "User",
    "utcnow",
]
