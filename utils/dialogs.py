"""The requester's dialogs: their steps (aiogram states) and their typed state (pydantic).

A handler loads the form once (`bot.fsm.load_form`), changes it, and saves it once
(`bot.fsm.save_form`); the storage keeps `form.model_dump()` under the dialog's key, so a
half-filled request survives a restart (RedisStorage) and works with MemoryStorage alike.

Adding a step to the new-request dialog: add a `State` to `NewRequest` and put it in
`STEPS` at its place, give `DraftForm` the field(s) it fills (with a default, so forms
saved before the change still load), list it in `REQUIRED` if the summary needs it, and
give it a screen in `utils.requester_cards.draft_step_screen` and handlers in
`handlers/new_request.py` (a valid value: set the field, then `form.advance(step)`).
"""

from __future__ import annotations

from aiogram.fsm.state import State, StatesGroup
from pydantic import BaseModel, ConfigDict, Field

from models import AttachmentKind, Priority
from models.files import FileRef
from models.names import in_language

REMEMBERED_ALBUMS = 20  # media groups remembered per dialog (answered / warned about)


class NewRequest(StatesGroup):
    category = State()
    location = State()
    description = State()
    photos = State()
    priority = State()
    confirm = State()
    #: Not a step: the place has open requests, shown first with "Me too" (then `resume`).
    me_too = State()


STEPS: tuple[State, ...] = (
    NewRequest.category,
    NewRequest.location,
    NewRequest.description,
    NewRequest.photos,
    NewRequest.priority,
    NewRequest.confirm,
)


def step_of(state_name: str | None) -> State | None:
    """The dialog step a stored state name stands for (None: not in the dialog)."""
    return next((step for step in STEPS if step.state == state_name), None)


class DraftFile(BaseModel):
    """A file attached to the draft (FileRef, in a shape the storage keeps as JSON)."""

    model_config = ConfigDict(from_attributes=True)

    kind: AttachmentKind
    file_id: str
    file_unique_id: str
    mime_type: str | None = None
    file_size: int | None = None

    def ref(self) -> FileRef:
        return FileRef.of(self)


class PlaceChoice(BaseModel):
    """A catalogued place offered at the place step (its button is its index)."""

    id: int
    label: str


class DraftForm(BaseModel):
    """What the new-request dialog has collected so far."""

    model_config = ConfigDict(extra="ignore")

    token: str = ""  # the dialog's id: Submit is idempotent on it
    category_id: int | None = None
    category_ru: str | None = None
    category_en: str | None = None
    location: str | None = None
    description: str | None = None
    files: list[DraftFile] = Field(default_factory=list)
    priority: Priority | None = None
    editing: bool = False  # changing one field from the summary: back to it afterwards
    offered: list[str] = Field(default_factory=list)  # recent places, as their buttons index
    albums: list[str] = Field(default_factory=list)  # media groups already answered
    place_id: int | None = None  # the catalogued place, when `location` is one
    scanned: bool = False  # opened from a place's link (QR): the place step is skipped
    typed: str | None = None  # what was typed while catalogue places are offered for it
    suggestions: list[PlaceChoice] = Field(default_factory=list)
    me_too: list[int] = Field(default_factory=list)  # open requests offered at the place
    resume: str | None = None  # the step after the "me too" screen
    warned: list[str] = Field(default_factory=list)  # media groups already refused

    def category_name(self, language: str) -> str:
        return in_language(language, self.category_ru, self.category_en) or "—"

    def missing_step(self) -> State | None:
        """The first step whose value the summary needs and does not have."""
        for step, value in REQUIRED:
            if not getattr(self, value):
                return step
        return None

    def advance(self, current: State) -> State:
        """After a valid value: the next step, or back to the summary when editing a field."""
        if self.editing:
            self.editing = False
            return NewRequest.confirm
        index = STEPS.index(current)
        following = STEPS[min(index + 1, len(STEPS) - 1)]
        if following == NewRequest.location and self.scanned and self.location:
            return NewRequest.description  # the place came with the link
        return following

    def back(self, current: State) -> State | None:
        """Where Back leads from `current` (None: out of the dialog)."""
        if self.editing and current != NewRequest.confirm:
            self.editing = False
            return NewRequest.confirm
        index = STEPS.index(current)
        return STEPS[index - 1] if index else None

    def set_place(self, place_id: int, label: str) -> None:
        self.place_id, self.location = place_id, label
        self.typed, self.suggestions = None, []

    def set_free_text(self, location: str) -> None:
        self.place_id, self.location = None, location
        self.typed, self.suggestions = None, []

    def remember_album(self, group: str) -> None:
        self.albums = [*self.albums, group][-REMEMBERED_ALBUMS:]

    def remember_warning(self, group: str) -> None:
        self.warned = [*self.warned, group][-REMEMBERED_ALBUMS:]


# What each step fills before the summary can be shown.
REQUIRED: tuple[tuple[State, str], ...] = (
    (NewRequest.category, "category_id"),
    (NewRequest.location, "location"),
    (NewRequest.description, "description"),
    (NewRequest.priority, "priority"),
)


class MyStates(StatesGroup):
    """The author's prompts under "My requests"."""

    comment = State()
    comment_tail = State()  # the rest of an album sent as a comment
    reopen_reason = State()
    rating_comment = State()


class PromptForm(BaseModel):
    """The request a prompt is about; for an album's tail, its group and comment."""

    model_config = ConfigDict(extra="ignore")

    request_id: int = 0
    group: str | None = None
    comment_id: int | None = None
