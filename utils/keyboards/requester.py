"""Buttons of the requester's side: the dialog steps, the list, the author's card."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from aiogram.types import InlineKeyboardMarkup

from models.enums import Action, Priority
from models.views import CategoryChoice, ListItem
from utils.callbacks import (
    KEEP_TYPED,
    CancelConfirmCb,
    DraftCategoryCb,
    DraftEditCb,
    DraftField,
    DraftLocationCb,
    DraftMeTooCb,
    DraftNav,
    DraftNavCb,
    DraftPlaceCb,
    DraftPriorityCb,
    DraftSubmitCb,
    FollowedCb,
    MyCommentCb,
    MyListCb,
    MyOpenCb,
    MyPhotosCb,
    RateCb,
    RateSkipCb,
    UnfollowCb,
)
from utils.cards import STATUS_MARK
from utils.i18n import Translator
from utils.keyboards.builder import InlineKeyboardBuilder, built_once
from utils.keyboards.cards import add_action_buttons

PRIORITY_ORDER = (Priority.URGENT, Priority.HIGH, Priority.NORMAL, Priority.LOW)
AUTHOR_ACTIONS = (Action.CONFIRM, Action.REOPEN, Action.CANCEL)


def _back(kb: InlineKeyboardBuilder, t: Translator) -> None:
    kb.button(text=t("btn-back"), callback_data=DraftNavCb(action=DraftNav.BACK))


# ----------------------------------------------------------------------- dialog
@built_once
def categories_keyboard(
    t: Translator, categories: tuple[CategoryChoice, ...]
) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for category in categories:
        kb.button(text=category.name(t.language), callback_data=DraftCategoryCb(id=category.id))
    kb.adjust(2)
    nav = InlineKeyboardBuilder()
    _back(nav, t)
    nav.button(text=t("btn-cancel"), callback_data=DraftNavCb(action=DraftNav.CANCEL))
    kb.attach(nav)
    return kb.as_markup()


def back_keyboard(t: Translator, extra: Sequence[str] = ()) -> InlineKeyboardMarkup:
    """The recent locations (one per row, by index) and a Back button."""
    kb = InlineKeyboardBuilder()
    for index, location in enumerate(extra):
        kb.button(text=location, callback_data=DraftLocationCb(index=index))
    _back(kb, t)
    kb.adjust(1)
    return kb.as_markup()


def place_choice_keyboard(t: Translator, labels: Sequence[str], typed: str) -> InlineKeyboardMarkup:
    """The catalogue places matching what was typed, "keep as typed", and Back."""
    kb = InlineKeyboardBuilder()
    for index, label in enumerate(labels):
        kb.button(text=f"📍 {label}", callback_data=DraftPlaceCb(index=index))
    keep = typed if len(typed) <= 40 else typed[:39] + "…"
    kb.button(text=t("draft-place-keep", text=keep), callback_data=DraftPlaceCb(index=KEEP_TYPED))
    _back(kb, t)
    kb.adjust(1)
    return kb.as_markup()


def me_too_keyboard(t: Translator, request_ids: Sequence[int]) -> InlineKeyboardMarkup:
    """ "Me too" on each open request of the place, or something else; Cancel."""
    kb = InlineKeyboardBuilder()
    for request_id in request_ids:
        kb.button(
            text=t("draft-me-too", number=request_id), callback_data=DraftMeTooCb(id=request_id)
        )
    kb.button(text=t("draft-me-too-other"), callback_data=DraftNavCb(action=DraftNav.OTHER))
    kb.button(text=t("btn-cancel"), callback_data=DraftNavCb(action=DraftNav.CANCEL))
    kb.adjust(1)
    return kb.as_markup()


def photos_keyboard(t: Translator, count: int) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    if count:
        kb.button(text=t("btn-draft-done"), callback_data=DraftNavCb(action=DraftNav.DONE))
        kb.button(text=t("btn-draft-clear"), callback_data=DraftNavCb(action=DraftNav.CLEAR))
    else:
        kb.button(text=t("btn-draft-skip"), callback_data=DraftNavCb(action=DraftNav.SKIP))
    _back(kb, t)
    kb.adjust(1)
    return kb.as_markup()


@built_once
def priority_keyboard(t: Translator) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for priority in PRIORITY_ORDER:
        kb.button(
            text=t(f"btn-priority-{priority}"), callback_data=DraftPriorityCb(priority=priority)
        )
    _back(kb, t)
    kb.adjust(2, 2, 1)
    return kb.as_markup()


def summary_keyboard(t: Translator, token: str) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("btn-draft-submit"), callback_data=DraftSubmitCb(token=token))
    kb.button(text=t("btn-draft-edit"), callback_data=DraftNavCb(action=DraftNav.EDIT))
    _back(kb, t)
    kb.button(text=t("btn-cancel"), callback_data=DraftNavCb(action=DraftNav.CANCEL))
    kb.adjust(1, 1, 2)
    return kb.as_markup()


@built_once
def edit_fields_keyboard(t: Translator) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for field in DraftField:
        kb.button(text=t(f"btn-field-{field}"), callback_data=DraftEditCb(field=field))
    kb.button(text=t("btn-back"), callback_data=DraftNavCb(action=DraftNav.SUMMARY))
    kb.adjust(2, 2, 1, 1)
    return kb.as_markup()


# ------------------------------------------------------------------ my requests
def list_keyboard(
    t: Translator, items: Sequence[ListItem], *, page: int, pages: int, followed: int = 0
) -> InlineKeyboardMarkup | None:
    """The requests of the page, its paging, and the ones followed with "me too"."""
    kb = InlineKeyboardBuilder()
    for item in items:
        kb.button(text=f"{STATUS_MARK[item.status]} #{item.id}", callback_data=MyOpenCb(id=item.id))
    sizes = [5] * ((len(items) + 4) // 5)
    if pages > 1:
        first, last = items[0].id, items[-1].id
        nav = 0
        if page > 1:
            kb.button(text="◀", callback_data=MyListCb(page=page - 1, cursor=first, older=False))
            nav += 1
        kb.button(
            text=t("my-page", page=page, pages=pages), callback_data=MyListCb(page=1, cursor=0)
        )
        nav += 1
        if page < pages:
            kb.button(text="▶", callback_data=MyListCb(page=page + 1, cursor=last, older=True))
            nav += 1
        sizes.append(nav)
    if followed:
        kb.button(text=t("my-followed-button", count=followed), callback_data=FollowedCb())
        sizes.append(1)
    kb.adjust(*sizes)
    markup = kb.as_markup()
    return markup if markup.inline_keyboard else None


def followed_keyboard(t: Translator, request_ids: Sequence[int]) -> InlineKeyboardMarkup:
    """An "unfollow" button per followed request, and back to the list."""
    kb = InlineKeyboardBuilder()
    for request_id in request_ids:
        kb.button(text=t("my-unfollow", number=request_id), callback_data=UnfollowCb(id=request_id))
    kb.button(text=t("btn-back"), callback_data=MyListCb(page=1, cursor=0))
    kb.adjust(1)
    return kb.as_markup()


def author_card_keyboard(
    t: Translator,
    request_id: int,
    actions: Iterable[Action],
    *,
    photos: int,
    can_comment: bool,
    can_rate: bool,
) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    add_action_buttons(kb, t, request_id, AUTHOR_ACTIONS, set(actions))
    if can_rate:
        kb.button(text=t("my-btn-rate"), callback_data=RateCb(id=request_id, stars=0))
    if can_comment:
        kb.button(text=t("my-btn-comment"), callback_data=MyCommentCb(id=request_id))
    if photos:
        kb.button(
            text=t("my-btn-show-photos", count=photos), callback_data=MyPhotosCb(id=request_id)
        )
    kb.button(text=t("my-btn-back-to-list"), callback_data=MyListCb(page=1, cursor=0))
    kb.adjust(2)
    return kb.as_markup()


def cancel_confirm_keyboard(t: Translator, request_id: int) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("my-btn-cancel-yes"), callback_data=CancelConfirmCb(id=request_id, yes=True))
    kb.button(text=t("my-btn-cancel-no"), callback_data=CancelConfirmCb(id=request_id, yes=False))
    kb.adjust(2)
    return kb.as_markup()


def rating_keyboard(request_id: int) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for stars in range(1, 6):
        kb.button(text=f"{stars} ⭐", callback_data=RateCb(id=request_id, stars=stars))
    kb.adjust(5)
    return kb.as_markup()


def skip_keyboard(t: Translator, request_id: int) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("my-btn-skip"), callback_data=RateSkipCb(id=request_id))
    return kb.as_markup()


def back_to_card_keyboard(t: Translator, request_id: int) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("btn-back"), callback_data=MyOpenCb(id=request_id))
    return kb.as_markup()
