"""Every CallbackData class of the bot, in one place.

Prefixes are short and unique (a test checks it); packed data must fit Telegram's 64
bytes (aiogram raises if it does not). Handlers re-check on the server that the user may
do this to this object now: callback data is only a request, never a permission.
"""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from models.enums import Action, Priority, Role
from models.queues import FilterField, Queue


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
    c: int = 0
    p: Priority | None = None
    a: int = 0
    after: int = 0


class QueueFilterCb(CallbackData, prefix="aqf"):
    """The options of one filter of a queue; `after` pages the assignee options."""

    q: Queue
    c: int = 0
    p: Priority | None = None
    a: int = 0
    f: FilterField
    after: int = 0


class SearchStartCb(CallbackData, prefix="asr"):
    """Ask for a search query (a #number or words)."""


class SearchPageCb(CallbackData, prefix="asn"):
    """The next page of the current search (the query is kept in the dialog data)."""

    after: int


class AssignPageCb(CallbackData, prefix="asp"):
    """A page of the executor picker under a card."""

    id: int
    after: int = 0


class AssignToCb(CallbackData, prefix="ast"):
    """Assign request `id` to users.id `uid`."""

    id: int
    uid: int


class CardKeyboardCb(CallbackData, prefix="ack"):
    """Back from a picker: restore the card's own buttons."""

    id: int


class StaffCancelCb(CallbackData, prefix="sdx"):
    """Cancel the staff dialog in progress (a reason, a comment, finishing, a search...)."""


class FinishSubmitCb(CallbackData, prefix="fin"):
    """Finish request `id` with the comment and photos collected so far."""

    id: int


class StaffCommentCb(CallbackData, prefix="scm"):
    """Write a comment to the author, or an internal note (staff only)."""

    id: int
    internal: bool = False


class PhotosCb(CallbackData, prefix="sph"):
    """Send the photos of a request (the author's and the "after" ones)."""

    id: int


class CommentDeleteListCb(CallbackData, prefix="scl"):
    """Choose a comment of request `id` to delete."""

    id: int


class CommentDeleteCb(CallbackData, prefix="scd"):
    """Soft-delete comment `id`."""

    id: int


class TasksCb(CallbackData, prefix="tks"):
    """An executor's task list."""


class UsersPageCb(CallbackData, prefix="aup"):
    """A page of the user list; `s` = of the current search results."""

    after: int = 0
    s: bool = False


class UserCardCb(CallbackData, prefix="auc"):
    id: int


class UserRoleCb(CallbackData, prefix="aur"):
    id: int
    role: Role


class UserBlockCb(CallbackData, prefix="aub"):
    id: int
    block: bool


class UserSearchCb(CallbackData, prefix="aus"):
    """Ask for a name, @username or id to look for."""


class CategoriesCb(CallbackData, prefix="acl"):
    """The category list."""


class CategoryCardCb(CallbackData, prefix="acc"):
    id: int


class CategoryHideCb(CallbackData, prefix="ach"):
    id: int
    hide: bool


class CategoryRenameCb(CallbackData, prefix="acr"):
    id: int


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

    building: int = ALL_BUILDINGS


class PlaceCardCb(CallbackData, prefix="plc"):
    id: int


class PlaceHideCb(CallbackData, prefix="plh"):
    id: int
    hide: bool


class PlaceRenameCb(CallbackData, prefix="plr"):
    id: int


class PlaceAttachCb(CallbackData, prefix="plt"):
    """Attach a free-text location people typed to this place."""

    id: int


class PlaceHistoryCb(CallbackData, prefix="plx"):
    id: int


class PlaceAddCb(CallbackData, prefix="pla"):
    pass


class PlaceImportCb(CallbackData, prefix="pli"):
    pass


class PlaceQrCb(CallbackData, prefix="plq"):
    """The printable QR sheet: of every place, of one building, or of one place (id > 0)."""

    building: int = ALL_BUILDINGS
    id: int = 0
