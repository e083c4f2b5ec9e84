"""The tables. Telegram ids are BIGINT; enums are stored as short strings."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Enum,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    false,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, Timestamps, partial_index, utcnow
from models.enums import (
    AttachmentKind,
    OutboxKind,
    OutboxStatus,
    Priority,
    RequestStatus,
    Role,
)
from models.names import in_language


def str_enum(cls: type[enum.Enum], length: int = 16) -> Enum:
    return Enum(
        cls,
        native_enum=False,
        length=length,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )


# The longest MIME type kept for a file (the sender may claim anything longer).
MIME_TYPE_MAX = 128


class User(Timestamps, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    telegram_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    username: Mapped[str | None] = mapped_column(String(64))
    full_name: Mapped[str] = mapped_column(String(256), default="")
    phone: Mapped[str | None] = mapped_column(String(32))
    role: Mapped[Role] = mapped_column(str_enum(Role), default=Role.USER, index=True)
    # The role this user had before ADMIN_IDS made them an admin; NULL: the role is the
    # table's own. Removing the id from ADMIN_IDS gives it back (models/admin_ids.py).
    role_before_admin_ids: Mapped[Role | None] = mapped_column(str_enum(Role))
    language: Mapped[str | None] = mapped_column(String(8))
    is_blocked: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    bot_blocked: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class Category(Base):
    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str | None] = mapped_column(String(32), unique=True)
    name_ru: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    is_hidden: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    def name(self, language: str) -> str:
        return in_language(language, self.name_ru, self.name_en)


# The WHERE of the partial indexes over open requests (OPEN_STATUSES, spelled in SQL).
OPEN_REQUESTS = "status IN ('new', 'in_progress', 'on_hold')"


class Request(Timestamps, Base):
    """A repair request. Its public number (#N) is its id."""

    __tablename__ = "requests"
    __table_args__ = (
        Index("ix_requests_status_created_at", "status", "created_at", "id"),
        Index("ix_requests_assignee_id_status", "assignee_id", "status"),
        Index("ix_requests_author_id_created_at", "author_id", "created_at", "id"),
        Index("ix_requests_created_at", "created_at", "id"),
        # The open requests only (migration 0004): the Overdue queue and the queue counts.
        partial_index("ix_requests_open_created_at", "created_at", "id", where=OPEN_REQUESTS),
        partial_index("ix_requests_open_due_at", "due_at", where=OPEN_REQUESTS),
        # The admin's full-text search (PostgreSQL only; migration 0002_triage).
        Index(
            "ix_requests_fulltext",
            # Spelled the way PostgreSQL reports it back, so autogenerate sees no drift.
            text("to_tsvector('simple'::regconfig, (description || ' '::text) || location::text)"),
            postgresql_using="gin",
        ).ddl_if(dialect="postgresql"),
        # The queues' place filter, a substring match (PostgreSQL only; pg_trgm, migration
        # 0010_place_filter, which also keeps statistics of 1,000 places on `location`).
        Index(
            "ix_requests_location_trgm",
            "location",
            postgresql_using="gin",
            postgresql_ops={"location": "gin_trgm_ops"},
        ).ddl_if(dialect="postgresql"),
        CheckConstraint("rating IS NULL OR (rating >= 1 AND rating <= 5)", name="rating_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id", ondelete="RESTRICT"))
    location: Mapped[str] = mapped_column(String(100))
    #: The catalogued place, when the location is one (free text stays in `location`).
    place_id: Mapped[int | None] = mapped_column(
        ForeignKey("places.id", ondelete="SET NULL"), index=True
    )
    #: People who pressed "me too" (rows in request_followers), kept beside the request so
    #: that cards and queues show it, and notifications look followers up only when > 0.
    follower_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    description: Mapped[str] = mapped_column(Text)
    priority: Mapped[Priority] = mapped_column(str_enum(Priority), default=Priority.NORMAL)
    status: Mapped[RequestStatus] = mapped_column(
        str_enum(RequestStatus), default=RequestStatus.NEW
    )
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    due_at: Mapped[datetime | None]
    first_response_at: Mapped[datetime | None]
    done_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    rating: Mapped[int | None] = mapped_column(SmallInteger)
    rating_comment: Mapped[str | None] = mapped_column(Text)
    # Idempotency: the dialog's token; a repeated submit finds the same request.
    client_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Deadline reminders: when each was sent (each goes out once).
    overdue_reminded_at: Mapped[datetime | None]
    overdue_escalated_at: Mapped[datetime | None]
    # Created by a planned job's occurrence (models/planned.py); the job may be deleted since.
    planned_job_id: Mapped[int | None] = mapped_column(
        ForeignKey("planned_jobs.id", ondelete="SET NULL"), index=True
    )


class Attachment(Base):
    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("requests.id", ondelete="CASCADE"), index=True
    )
    comment_id: Mapped[int | None] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[AttachmentKind] = mapped_column(str_enum(AttachmentKind))
    file_id: Mapped[str] = mapped_column(String(256))
    file_unique_id: Mapped[str] = mapped_column(String(128))
    mime_type: Mapped[str | None] = mapped_column(String(MIME_TYPE_MAX))
    file_size: Mapped[int | None] = mapped_column(BigInteger)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    is_result: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())


class Comment(Base):
    __tablename__ = "comments"
    __table_args__ = (Index("ix_comments_request_id_created_at", "request_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text, default="")
    is_internal: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())
    deleted_at: Mapped[datetime | None]
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class StatusChange(Base):
    __tablename__ = "status_changes"
    __table_args__ = (Index("ix_status_changes_request_id_at", "request_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"))
    from_status: Mapped[RequestStatus | None] = mapped_column(str_enum(RequestStatus))
    to_status: Mapped[RequestStatus] = mapped_column(str_enum(RequestStatus))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())


class OutboxMessage(Base):
    """A Bot API call to make, written in the transaction of the change that causes it.

    A sender claims a row by setting a lease (`claimed_until`, `claim_token`) in a short
    transaction, sends, then records the outcome; a row whose lease ran out (the sender
    died mid-send) is claimed again.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_status_available_at", "status", "available_at", "id"),
        Index("ix_outbox_chat_id_id", "chat_id", "id"),
        # "Is there an older pending row for this chat?" - the per-chat order check.
        partial_index("ix_outbox_pending_chat_id_id", "chat_id", "id", where="status = 'pending'"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    method: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    kind: Mapped[OutboxKind] = mapped_column(str_enum(OutboxKind), default=OutboxKind.MESSAGE)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"))
    status: Mapped[OutboxStatus] = mapped_column(
        str_enum(OutboxStatus), default=OutboxStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    available_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())
    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    claimed_until: Mapped[datetime | None]
    claim_token: Mapped[str | None] = mapped_column(String(32))


class CardMessage(Base):
    """Where a request card was sent, so every copy can be edited when the request changes."""

    __tablename__ = "card_messages"
    __table_args__ = (UniqueConstraint("chat_id", "message_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("requests.id", ondelete="CASCADE"), index=True
    )
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())


class JobRun(Base):
    """A claimed run of a scheduled job: the primary key makes each (job, key) run once."""

    __tablename__ = "job_runs"

    job: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    ran_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())
