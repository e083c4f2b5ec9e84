"""Every CallbackData class of the bot, in one place.

Prefixes are short and unique (a test checks it); packed data must fit Telegram's 64
bytes (aiogram raises if it does not). Handlers re-check on the server that the user may
do this to this object now: callback data is only a request, never a permission.
"""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from models.enums import Action, Priority


class LanguageCb(CallbackData, prefix="lang"):
    code: str


class RequestActionCb(CallbackData, prefix="ra"):
    """A state-machine action on a request card (take, reject, hold, finish, confirm, ...)."""

    action: Action
    id: int


class OpenRequestCb(CallbackData, prefix="ro"):
    """Open the full card of a request."""

    id: int


# --------------------------------------------------------------- the requester's side
class DraftNav(StrEnum):
    """Navigation inside the new-request dialog."""

    BACK = "back"
    CANCEL = "cancel"
    DONE = "done"  # photos: go on with the photos sent
    SKIP = "skip"  # photos: go on without photos
    CLEAR = "clear"  # photos: remove the photos sent so far
    EDIT = "edit"  # summary: choose a field to change
    SUMMARY = "summary"  # back to the summary without changing anything


class DraftField(StrEnum):
    CATEGORY = "category"
    LOCATION = "location"
    DESCRIPTION = "description"
    PHOTOS = "photos"
    PRIORITY = "priority"


class DraftNavCb(CallbackData, prefix="nrn"):
    action: DraftNav


class DraftCategoryCb(CallbackData, prefix="nrc"):
    id: int


class DraftLocationCb(CallbackData, prefix="nrl"):
    """One of the recent locations offered at the step (index into the offered list)."""

    index: int


class DraftPriorityCb(CallbackData, prefix="nrp"):
    priority: Priority


class DraftEditCb(CallbackData, prefix="nre"):
    field: DraftField


class DraftSubmitCb(CallbackData, prefix="nrs"):
    """Submit the draft; the token makes a repeated press find the same request."""

    token: str


class MyListCb(CallbackData, prefix="myl"):
    """A page of "My requests": rows older (or newer) than request `cursor` (0: the first)."""

    page: int
    cursor: int
    older: bool = True


class MyOpenCb(CallbackData, prefix="myo"):
    """Open one's own request (the author's view, whatever the role)."""

    id: int


class MyPhotosCb(CallbackData, prefix="myp"):
    id: int


class MyCommentCb(CallbackData, prefix="myc"):
    id: int


class CancelConfirmCb(CallbackData, prefix="myx"):
    """The answer to "Cancel request #N?"."""

    id: int
    yes: bool


class RateCb(CallbackData, prefix="myr"):
    id: int
    stars: int


class RateSkipCb(CallbackData, prefix="myrs"):
    """No comment to the rating."""

    id: int
