"""The tables of the first five minutes: setup codes and where staff notifications go."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utcnow

#: The purpose of the chat binding that receives new-request notifications.
STAFF_PURPOSE = "staff"


class SetupCode(Base):
    """A one-time code that makes whoever opens its link an admin.

    Only the SHA-256 of the code is stored: reading the database does not give a working
    link. A code is claimed once (`used_at`), by a compare-and-set on this row.
    """

    __tablename__ = "setup_codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column()
    used_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class ChatBinding(Base):
    """A group (and, in a forum, a topic) the bot posts to for one purpose.

    Today one purpose: "staff", the caretakers' group that receives new requests.
    """

    __tablename__ = "chat_bindings"

    purpose: Mapped[str] = mapped_column(String(32), primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    thread_id: Mapped[int | None] = mapped_column(BigInteger)
    title: Mapped[str] = mapped_column(String(256), default="")
    bound_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    bound_at: Mapped[datetime] = mapped_column(default=utcnow)
