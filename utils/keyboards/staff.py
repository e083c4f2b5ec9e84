"""Keyboards of the staff side: panel, queues and filters, pickers, the full card, dialogs,
users and categories. Pure builders: plain values in, markup out.

Button texts are plain text (no HTML), so user-supplied values go in unescaped and are
only shortened.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from models.enums import Action, Priority, Role
from models.names import in_language
from models.queues import ANY_ASSIGNEE, COUNT_CAP, UNASSIGNED, FilterField, Queue
from models.workflow import STAFF_ACTIONS
from utils.callbacks import (
    AdminMenuCb,
    AssignPageCb,
    AssignToCb,
    CardKeyboardCb,
    CategoriesCb,
    CategoryAddCb,
    CategoryCardCb,
    CategoryHideCb,
    CategoryRenameCb,
    CommentDeleteCb,
    CommentDeleteListCb,
    FinishSubmitCb,
    OpenRequestCb,
    PhotosCb,
    PlaceHistoryCb,
    QueueCb,
    QueueFilterCb,
    SearchPageCb,
    SearchStartCb,
    StaffCancelCb,
    StaffCommentCb,
    TasksCb,
    UserBlockCb,
    UserCardCb,
    UserRoleCb,
    UserSearchCb,
    UsersPageCb,
)
from utils.i18n import Translator
from utils.keyboards.builder import InlineKeyboardBuilder
from utils.keyboards.cards import CARD_ACTIONS, add_action_buttons
from utils.render import clip

# The card actions the staff side handles (the author's ones belong to the requester side).
ROLE_MARK: dict[Role, str] = {Role.USER: "👤", Role.EXECUTOR: "🛠", Role.ADMIN: "⚙️"}
STATUS_QUEUES: tuple[Queue, ...] = tuple(Queue)


def _button(text: str, data: CallbackData) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data.pack())


def _markup(rows: list[list[InlineKeyboardButton]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[row for row in rows if row])


def back_button(t: Translator, data: CallbackData) -> InlineKeyboardButton:
    return _button(t("btn-back"), data)


# ------------------------------------------------------------------------- the panel
def queue_count(t: Translator, count: int) -> int | str:
    """A queue's size as shown: counts stop at COUNT_CAP, a larger queue is "1000+"."""
    return t("queue-count-capped", count=COUNT_CAP) if count > COUNT_CAP else count


def admin_panel_keyboard(t: Translator, counts: Mapping[Queue, int]) -> InlineKeyboardMarkup:
    queues = [
        _button(t(f"queue-{q}", count=queue_count(t, counts.get(q, 0))), QueueCb(q=q))
        for q in Queue
    ]
    return _markup(
        [
            queues[0:2],
            queues[2:4],
            queues[4:6],
            [_button(t("panel-search"), SearchStartCb())],
            [
                _button(t("panel-users"), UsersPageCb()),
                _button(t("panel-categories"), CategoriesCb()),
            ],
            [_button(t("panel-refresh"), AdminMenuCb(refresh=True))],
        ]
    )


# ------------------------------------------------------------------------- lists
def request_buttons(rows: Iterable[tuple[int, str, str]]) -> list[list[InlineKeyboardButton]]:
    """One button per request: (id, status mark, location)."""
    return [
        [_button(clip(f"{mark} #{rid} · {loc}"), OpenRequestCb(id=rid))] for rid, mark, loc in rows
    ]


def _filters(cb: QueueCb | QueueFilterCb) -> dict[str, object]:
    return {"q": cb.q, "c": cb.c, "p": cb.p, "a": cb.a}


def queue_keyboard(
    t: Translator,
    cb: QueueCb,
    rows: Iterable[tuple[int, str, str]],
    *,
    has_more: bool,
    last_id: int,
) -> InlineKeyboardMarkup:
    base = _filters(cb)
    nav = []
    if cb.after:
        nav.append(_button(t("page-first"), QueueCb(**base)))
    if has_more:
        nav.append(_button(t("page-next"), QueueCb(**base, after=last_id)))
    filters = [
        _button(t(f"filter-{field.name.lower()}"), QueueFilterCb(**base, f=field))
        for field in FilterField
    ]
    rows_out = [*request_buttons(rows), nav, filters]
    if cb.c or cb.p is not None or cb.a != ANY_ASSIGNEE:
        rows_out.append([_button(t("filter-reset"), QueueCb(q=cb.q))])
    rows_out.append([back_button(t, AdminMenuCb())])
    return _markup(rows_out)


def filter_options_keyboard(
    t: Translator,
    cb: QueueFilterCb,
    *,
    categories: Sequence[tuple[int, str, str]] = (),
    staff: Sequence[tuple[int, str, Role]] = (),
    more_staff: bool = False,
) -> InlineKeyboardMarkup:
    base = _filters(cb)
    rows: list[list[InlineKeyboardButton]] = []

    def option(label: str, chosen: bool, **change: object) -> InlineKeyboardButton:
        return _button(("✓ " if chosen else "") + clip(label), QueueCb(**{**base, **change}))

    match cb.f:
        case FilterField.CATEGORY:
            rows.append([option(t("filter-any"), cb.c == 0, c=0)])
            for cid, name_ru, name_en in categories:
                name = in_language(t.language, name_ru, name_en)
                rows.append([option(name, cb.c == cid, c=cid)])
        case FilterField.PRIORITY:
            rows.append([option(t("filter-any"), cb.p is None, p=None)])
            for priority in Priority:
                rows.append([option(t(f"priority-{priority}"), cb.p is priority, p=priority)])
        case FilterField.ASSIGNEE:
            if not cb.after:
                rows.append([option(t("filter-any"), cb.a == ANY_ASSIGNEE, a=ANY_ASSIGNEE)])
                rows.append([option(t("filter-nobody"), cb.a == UNASSIGNED, a=UNASSIGNED)])
            for uid, name, role in staff:
                rows.append([option(f"{ROLE_MARK[role]} {name}", cb.a == uid, a=uid)])
            if more_staff and staff:
                nxt = QueueFilterCb(**base, f=cb.f, after=staff[-1][0])
                rows.append([_button(t("page-next"), nxt)])
    rows.append([back_button(t, QueueCb(**base))])
    return _markup(rows)


def search_results_keyboard(
    t: Translator, rows: Iterable[tuple[int, str, str]], *, has_more: bool, last_id: int
) -> InlineKeyboardMarkup:
    nav = [_button(t("page-next"), SearchPageCb(after=last_id))] if has_more else []
    return _markup(
        [
            *request_buttons(rows),
            nav,
            [_button(t("search-again"), SearchStartCb())],
            [back_button(t, AdminMenuCb())],
        ]
    )


def tasks_keyboard(t: Translator, rows: Iterable[tuple[int, str, str]]) -> InlineKeyboardMarkup:
    return _markup([*request_buttons(rows), [_button(t("tasks-refresh"), TasksCb())]])


# ------------------------------------------------------------------------- a request
def assign_picker_keyboard(
    t: Translator,
    request_id: int,
    staff: Sequence[tuple[int, str, Role, int]],
    *,
    has_more: bool,
) -> InlineKeyboardMarkup:
    rows = [
        [
            _button(
                clip(f"{ROLE_MARK[role]} {name} · {load}"),
                AssignToCb(id=request_id, uid=uid),
            )
        ]
        for uid, name, role, load in staff
    ]
    if has_more and staff:
        rows.append([_button(t("page-next"), AssignPageCb(id=request_id, after=staff[-1][0]))])
    rows.append([back_button(t, CardKeyboardCb(id=request_id))])
    return _markup(rows)


def full_card_keyboard(
    t: Translator,
    request_id: int,
    *,
    actions: Iterable[Action],
    file_count: int,
    can_comment: bool,
    can_note: bool,
    can_delete_comments: bool,
    back: CallbackData,
    place_id: int | None = None,
) -> InlineKeyboardMarkup:
    """`place_id`: the catalogued place, for a button to its other requests (admins)."""
    kb = InlineKeyboardBuilder()
    add_action_buttons(kb, t, request_id, CARD_ACTIONS, STAFF_ACTIONS.intersection(actions))
    kb.adjust(2)
    extra: list[list[InlineKeyboardButton]] = []
    if file_count:
        extra.append([_button(t("card-btn-photos", count=file_count), PhotosCb(id=request_id))])
    notes = []
    if can_comment:
        notes.append(_button(t("card-btn-comment"), StaffCommentCb(id=request_id)))
    if can_note:
        notes.append(_button(t("card-btn-note"), StaffCommentCb(id=request_id, internal=True)))
    extra.append(notes)
    if can_delete_comments:
        extra.append([_button(t("card-btn-delete-comment"), CommentDeleteListCb(id=request_id))])
    if place_id is not None:
        extra.append([_button(t("card-btn-place"), PlaceHistoryCb(id=place_id))])
    extra.append([back_button(t, back)])
    for row in extra:
        if row:
            kb.row(*row)
    return kb.as_markup()


def comment_delete_keyboard(
    t: Translator, request_id: int, comments: Iterable[tuple[int, str, str]]
) -> InlineKeyboardMarkup:
    """(comment id, author, text) of the comments that can still be deleted."""
    rows = [
        [_button(clip(f"🗑 {author}: {text or '📷'}"), CommentDeleteCb(id=cid))]
        for cid, author, text in comments
    ]
    rows.append([back_button(t, CardKeyboardCb(id=request_id))])
    return _markup(rows)


# ------------------------------------------------------------------------- dialogs
def cancel_keyboard(t: Translator) -> InlineKeyboardMarkup:
    return _markup([[_button(t("btn-cancel"), StaffCancelCb())]])


def finish_keyboard(t: Translator, request_id: int) -> InlineKeyboardMarkup:
    return _markup(
        [
            [_button(t("finish-submit"), FinishSubmitCb(id=request_id))],
            [_button(t("btn-cancel"), StaffCancelCb())],
        ]
    )


# ------------------------------------------------------------------------- users
def users_keyboard(
    t: Translator,
    users: Sequence[tuple[int, str, Role, bool]],
    *,
    has_more: bool,
    after: int,
    search: bool,
) -> InlineKeyboardMarkup:
    rows = [
        [_button(clip(f"{'⛔' if blocked else ROLE_MARK[role]} {name or uid}"), UserCardCb(id=uid))]
        for uid, name, role, blocked in users
    ]
    nav = []
    if after:
        nav.append(_button(t("page-first"), UsersPageCb(s=search)))
    if has_more and users:
        nav.append(_button(t("page-next"), UsersPageCb(after=users[-1][0], s=search)))
    rows.append(nav)
    rows.append([_button(t("users-search"), UserSearchCb())])
    if search:
        rows.append([_button(t("users-all"), UsersPageCb())])
    rows.append([back_button(t, AdminMenuCb())])
    return _markup(rows)


def user_card_keyboard(
    t: Translator, user_id: int, role: Role, blocked: bool, *, editable: bool
) -> InlineKeyboardMarkup:
    rows: list[list[InlineKeyboardButton]] = []
    if editable:
        rows.append(
            [
                _button(t(f"users-make-{other}"), UserRoleCb(id=user_id, role=other))
                for other in Role
                if other is not role
            ]
        )
        key = "users-unblock" if blocked else "users-block"
        rows.append([_button(t(key), UserBlockCb(id=user_id, block=not blocked))])
    rows.append([back_button(t, UsersPageCb())])
    return _markup(rows)


# ------------------------------------------------------------------------- categories
def categories_keyboard(
    t: Translator, categories: Sequence[tuple[int, str, bool]]
) -> InlineKeyboardMarkup:
    rows = [
        [_button(clip(("🙈 " if hidden else "") + name), CategoryCardCb(id=cid))]
        for cid, name, hidden in categories
    ]
    rows.append([_button(t("categories-add"), CategoryAddCb())])
    rows.append([back_button(t, AdminMenuCb())])
    return _markup(rows)


def category_card_keyboard(t: Translator, category_id: int, hidden: bool) -> InlineKeyboardMarkup:
    return _markup(
        [
            [_button(t("categories-rename"), CategoryRenameCb(id=category_id))],
            [
                _button(
                    t("categories-show" if hidden else "categories-hide"),
                    CategoryHideCb(id=category_id, hide=not hidden),
                )
            ],
            [back_button(t, CategoriesCb())],
        ]
    )
