"""Places: the school's rooms, and the people who follow a request ("me too").

A place has a public `code` — the payload of its deep link `t.me/<bot>?start=<code>` and
of the QR code on its door. Codes are random (not a number that can be counted up into
another room's history) and use only the characters Telegram allows in a start payload.
Hiding a place keeps it, its code and its requests; it is only no longer offered.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Integer,
    String,
    false,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utcnow

PLACE_NAME_MAX = 100
BUILDING_NAME_MAX = 64
FLOOR_MAX = 16
#: Deep-link payloads of places start with this; the rest is random.
PLACE_CODE_PREFIX = "p-"


class Place(Base):
    __tablename__ = "places"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(PLACE_NAME_MAX))
    building: Mapped[str | None] = mapped_column(String(BUILDING_NAME_MAX))
    floor: Mapped[str | None] = mapped_column(String(FLOOR_MAX))
    #: normalised "building|name": one room of that name per building.
    key: Mapped[str] = mapped_column(String(200), unique=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    is_hidden: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())


class RequestFollower(Base):
    """Someone who pressed "me too": they get the author's status messages."""

    __tablename__ = "request_followers"

    request_id: Mapped[int] = mapped_column(
        ForeignKey("requests.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())


@dataclass(frozen=True, slots=True)
class PlaceInfo:
    """A place as the bot, the panel and the QR sheet show it."""

    id: int
    name: str
    building: str | None
    floor: str | None
    code: str
    is_hidden: bool

    @property
    def label(self) -> str:
        """ "Корпус А · каб. 214" — the building only when there is one."""
        return f"{self.building} · {self.name}" if self.building else self.name

    @classmethod
    def of(cls, place: Place) -> PlaceInfo:
        return cls(place.id, place.name, place.building, place.floor, place.code, place.is_hidden)
