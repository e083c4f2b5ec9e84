"""Every CallbackData class of the bot, in one place.

Prefixes are short and unique (a test checks it); packed data must fit Telegram's 64
bytes (aiogram raises if it does not). Handlers re-check on the server that the user may
do this to this object now: callback data is only a request, never a permission.
"""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData

from models.enums import Action


class LanguageCb(CallbackData, prefix="lang"):
    code: str


class RequestActionCb(CallbackData, prefix="ra"):
    """A state-machine action on a request card (take, reject, hold, finish, confirm, ...)."""

    action: Action
    id: int


class OpenRequestCb(CallbackData, prefix="ro"):
    """Open the full card of a request."""

    id: int


class ExportCb(CallbackData, prefix="xp"):
    """The /export menu: no period yet -> periods; a period -> statuses; both -> the file.

    `period` is an ExportPeriod value; `status` is a RequestStatus value or "any".
    """

    period: str | None = None
    status: str | None = None
    cancel: bool = False


class DigestQueueCb(CallbackData, prefix="dg"):
    """A daily-digest button: show a queue (new, overdue, in_progress, done)."""

    queue: str
