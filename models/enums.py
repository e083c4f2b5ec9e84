"""Enumerations shared by the models, the domain rules and the UI."""

from enum import StrEnum


class Role(StrEnum):
    USER = "user"
    EXECUTOR = "executor"
    ADMIN = "admin"


class Priority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class RequestStatus(StrEnum):
    NEW = "new"
    IN_PROGRESS = "in_progress"
    ON_HOLD = "on_hold"
    DONE = "done"
    CLOSED = "closed"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


OPEN_STATUSES: frozenset[RequestStatus] = frozenset(
    {RequestStatus.NEW, RequestStatus.IN_PROGRESS, RequestStatus.ON_HOLD}
)
FINAL_STATUSES: frozenset[RequestStatus] = frozenset(
    {RequestStatus.CLOSED, RequestStatus.REJECTED, RequestStatus.CANCELLED}
)


class Action(StrEnum):
    TAKE = "take"
    ASSIGN = "assign"
    REJECT = "reject"
    CANCEL = "cancel"
    HOLD = "hold"
    RESUME = "resume"
    FINISH = "finish"
    CONFIRM = "confirm"
    REOPEN = "reopen"
    AUTO_CLOSE = "auto_close"


class AttachmentKind(StrEnum):
    PHOTO = "photo"
    DOCUMENT = "document"


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class OutboxKind(StrEnum):
    MESSAGE = "message"  # a plain API call
    CARD = "card"  # a request card: its message id is remembered for later edits
    CARD_EDIT = "card_edit"  # edits every remembered copy of a card in that chat
    COMMENT = "comment"  # a comment's notification: later comments of a burst join it
