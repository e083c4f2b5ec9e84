"""Every CallbackData class of the bot, in one place.

Prefixes are short and unique (a test checks it); packed data must fit Telegram's 64
bytes (aiogram raises if it does not). Handlers re-check on the server that the user may
do this to this object now: callback data is only a request, never a permission.
"""

from __future__ import annotations

import types
import typing
from enum import StrEnum
from typing import Annotated

from aiogram.filters.callback_data import CallbackData
from pydantic import BaseModel, Field

from models.enums import Action, Priority, Role
from models.queues import FilterField, Queue

# Every integer in callback data is bounded: button data is whatever the client sends,
# and a number past what a column holds would reach the database as an error (and an
# apology and a Sentry event per press). Out of bounds, unpacking fails, the filter does
# not match, and the press is answered as an outdated button (handlers/fallback.py).
INT32_MAX = 2**31 - 1
Id = Annotated[int, Field(ge=1, le=INT32_MAX)]
"""A row id (serial INTEGER keys start at 1)."""
Cursor = Annotated[int, Field(ge=0, le=INT32_MAX)]
"""A keyset cursor or an optional id: 0 means "from the start" / "any"."""
Index = Annotated[int, Field(ge=0, le=99)]
"""A position in a short list shown with the buttons."""
Stars = Annotated[int, Field(ge=0, le=5)]
"""0: open the stars to choose from; 1-5: the rating."""
AssigneeFilter = Annotated[int, Field(ge=-1, le=INT32_MAX)]
"""0: anyone, -1: nobody, else a users.id."""
BuildingIndex = Annotated[int, Field(ge=-1, le=999)]
"""-1: every building; else a position in the sorted list of buildings."""
PlaceOffer = Annotated[int, Field(ge=-1, le=99)]
"""-1: keep the text as typed; else a position in the offered places."""
KEEP_TYPED = -1


class RowId(BaseModel):
    """The first field of every callback that names one row (a request, a user, a place...).

    Mixed in before CallbackData (`class PhotosCb(RowId, CallbackData, prefix="sph")`), so
    `id` packs first and the class's own fields follow, as if it were written out in each.
    """

    id: Id


class LanguageCb(CallbackData, prefix="lang"):
    code: str


class RequestActionCb(CallbackData, prefix="ra"):
    """A state-machine action on a request card (take, reject, hold, finish, confirm, ...)."""

    action: Action
    id: Id


class OpenRequestCb(RowId, CallbackData, prefix="ro"):
    """Open the full card of a request."""


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
    OTHER = "other"  # the "me too" screen: something else, go on with a new request


class DraftField(StrEnum):
    CATEGORY = "category"
    LOCATION = "location"
    DESCRIPTION = "description"
    PHOTOS = "photos"
    PRIORITY = "priority"


class DraftNavCb(CallbackData, prefix="nrn"):
    action: DraftNav


class DraftCategoryCb(RowId, CallbackData, prefix="nrc"): ...


class DraftLocationCb(CallbackData, prefix="nrl"):
    """One of the recent locations offered at the step (index into the offered list)."""

    index: Index


class DraftPlaceCb(CallbackData, prefix="nrq"):
    """A catalogue place offered for what was typed (index into the offered list);
    KEEP_TYPED: keep the text as typed."""

    index: PlaceOffer


class DraftMeTooCb(RowId, CallbackData, prefix="nrm"):
    """ "Me too" on an open request of the place: follow it instead of filing a new one."""


class FollowedCb(CallbackData, prefix="myf"):
    """ "My requests": the requests of others this person follows."""


class UnfollowCb(RowId, CallbackData, prefix="myu"): ...


class DraftPriorityCb(CallbackData, prefix="nrp"):
    priority: Priority


class DraftEditCb(CallbackData, prefix="nre"):
    field: DraftField


class DraftSubmitCb(CallbackData, prefix="nrs"):
    """Submit the draft; the token makes a repeated press find the same request."""

    token: str


class MyListCb(CallbackData, prefix="myl"):
    """A page of "My requests": rows older (or newer) than request `cursor` (0: the first)."""

    page: Cursor
    cursor: Cursor
    older: bool = True


class MyOpenCb(RowId, CallbackData, prefix="myo"):
    """Open one's own request (the author's view, whatever the role)."""


class MyPhotosCb(RowId, CallbackData, prefix="myp"): ...


class MyCommentCb(RowId, CallbackData, prefix="myc"): ...


class CancelConfirmCb(RowId, CallbackData, prefix="myx"):
    """The answer to "Cancel request #N?"."""

    yes: bool


class RateCb(RowId, CallbackData, prefix="myr"):
    stars: Stars


class RateSkipCb(RowId, CallbackData, prefix="myrs"):
    """No comment to the rating."""


# --------------------------------------------------------------------- staff side (triage)
# Prefixes of the staff side start with "a" (admin), "s" (staff) or "t" (tasks).


class AdminMenuCb(CallbackData, prefix="adm"):
    """The admin panel (queues with counts, search, users, categories)."""

    refresh: bool = False


class QueueCb(CallbackData, prefix="aq"):
    """One page of a queue. Filters: c = category id (0 any), p = priority,
    a = assignee (0 any, -1 nobody, else users.id); after = the last id of the previous page.
    """

    q: Queue
    c: Cursor = 0
    p: Priority | None = None
    a: AssigneeFilter = 0
    after: Cursor = 0


class QueueFilterCb(CallbackData, prefix="aqf"):
    """The options of one filter of a queue; `after` pages the assignee options."""

    q: Queue
    c: Cursor = 0
    p: Priority | None = None
    a: AssigneeFilter = 0
    f: FilterField
    after: Cursor = 0


class SearchStartCb(CallbackData, prefix="asr"):
    """Ask for a search query (a #number or words)."""


class SearchPageCb(CallbackData, prefix="asn"):
    """The next page of the current search (the query is kept in the dialog data)."""

    after: Cursor


class AssignPageCb(RowId, CallbackData, prefix="asp"):
    """A page of the executor picker under a card."""

    after: Cursor = 0


class AssignToCb(RowId, CallbackData, prefix="ast"):
    """Assign request `id` to users.id `uid`."""

    uid: Id


class CardKeyboardCb(RowId, CallbackData, prefix="ack"):
    """Back from a picker: restore the card's own buttons."""


class StaffCancelCb(CallbackData, prefix="sdx"):
    """Cancel the staff dialog in progress (a reason, a comment, finishing, a search...)."""


class FinishSubmitCb(RowId, CallbackData, prefix="fin"):
    """Finish request `id` with the comment and photos collected so far."""


class StaffCommentCb(RowId, CallbackData, prefix="scm"):
    """Write a comment to the author, or an internal note (staff only)."""

    internal: bool = False


class PhotosCb(RowId, CallbackData, prefix="sph"):
    """Send the photos of a request (the author's and the "after" ones)."""


class CommentDeleteListCb(RowId, CallbackData, prefix="scl"):
    """Choose a comment of request `id` to delete."""


class CommentDeleteCb(RowId, CallbackData, prefix="scd"):
    """Soft-delete comment `id`."""


class TasksCb(CallbackData, prefix="tks"):
    """An executor's task list."""


class UsersPageCb(CallbackData, prefix="aup"):
    """A page of the user list; `s` = of the current search results."""

    after: Cursor = 0
    s: bool = False


class UserCardCb(RowId, CallbackData, prefix="auc"): ...


class UserRoleCb(RowId, CallbackData, prefix="aur"):
    role: Role


class UserBlockCb(RowId, CallbackData, prefix="aub"):
    block: bool


class UserSearchCb(CallbackData, prefix="aus"):
    """Ask for a name, @username or id to look for."""


class CategoriesCb(CallbackData, prefix="acl"):
    """The category list."""


class CategoryCardCb(RowId, CallbackData, prefix="acc"): ...


class CategoryHideCb(RowId, CallbackData, prefix="ach"):
    hide: bool


class CategoryRenameCb(RowId, CallbackData, prefix="acr"): ...


class CategoryAddCb(CallbackData, prefix="aca"):
    """Ask for the name of a new category."""


# ------------------------------------------------------------------------------ reports
class ExportCb(CallbackData, prefix="xp"):
    """The /export menu: no period yet -> periods; a period -> statuses; both -> the file.

    `period` is an ExportPeriod value; `status` is a RequestStatus value or "any".
    """

    period: str | None = None
    status: str | None = None
    cancel: bool = False


# ------------------------------------------------------------------- the first five minutes
class StaffChatCb(CallbackData, prefix="stc"):
    """The "use this group for staff notifications" button: binds the chat it is in."""


# ------------------------------------------------------------------------- places
#: "All buildings" in PlacesCb / PlaceQrCb; otherwise an index into the sorted buildings.
ALL_BUILDINGS = -1


class PlacesCb(CallbackData, prefix="pl"):
    """The catalogue: every building (ALL_BUILDINGS) or the places of one."""

    building: BuildingIndex = ALL_BUILDINGS


class PlaceCardCb(RowId, CallbackData, prefix="plc"): ...


class PlaceHideCb(RowId, CallbackData, prefix="plh"):
    hide: bool


class PlaceRenameCb(RowId, CallbackData, prefix="plr"): ...


class PlaceAttachCb(RowId, CallbackData, prefix="plt"):
    """Attach a free-text location people typed to this place."""


class PlaceHistoryCb(RowId, CallbackData, prefix="plx"): ...


class PlaceAddCb(CallbackData, prefix="pla"):
    pass


class PlaceImportCb(CallbackData, prefix="pli"):
    pass


class PlaceQrCb(CallbackData, prefix="plq"):
    """The printable QR sheet: of every place, of one building, or of one place (id > 0)."""

    building: BuildingIndex = ALL_BUILDINGS
    id: Cursor = 0


def _unbounded_ints(cls: type[CallbackData]) -> list[str]:
    """The int fields of `cls` that carry no lower and upper bound."""
    found = []
    for name, info in cls.model_fields.items():
        annotation = info.annotation
        args = (
            typing.get_args(annotation)
            if typing.get_origin(annotation)
            in (
                typing.Union,
                types.UnionType,
            )
            else (annotation,)
        )
        if int not in args:
            continue
        # pydantic keeps Field(ge=..., le=...) as annotated-types constraints.
        lower = any(hasattr(m, "ge") or hasattr(m, "gt") for m in info.metadata)
        upper = any(hasattr(m, "le") or hasattr(m, "lt") for m in info.metadata)
        if not (lower and upper):
            found.append(f"{cls.__name__}.{name}")
    return found


def check_bounded(namespace: dict[str, object]) -> None:
    """Refuse, at import, a CallbackData class with an unbounded int field."""
    unbounded = [
        field
        for value in namespace.values()
        if isinstance(value, type) and issubclass(value, CallbackData) and value is not CallbackData
        for field in _unbounded_ints(value)
    ]
    if unbounded:
        raise TypeError(f"callback data ints need bounds (use Id, Cursor...): {unbounded}")


# ------------------------------------------------------------------------------ outbox
class OutboxCb(CallbackData, prefix="obx"):
    """The admin's /outbox view: refresh it, or re-queue every failed notification."""

    requeue: bool = False


check_bounded(globals())
