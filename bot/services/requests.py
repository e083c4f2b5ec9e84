"""The requester's use cases: filing a request, reading one's own, acting on it, rating.

One user action is one function here: it owns its transaction, takes plain values (a
session, the user, ids) and returns a frozen result; nothing here knows Telegram updates,
so the bot, a web panel and the scheduler call the same functions. Acting on one's
request (cancel, confirm, reopen, rate) is in `author_actions`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

import structlog
from aiogram.methods import SendMessage
from aiogram.types import InlineKeyboardMarkup
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.category_directory import CategoryDirectory
from bot.services.media import file_methods
from bot.services.notifications import Notifier
from bot.services.outbox import enqueue
from bot.services.transitions import subject_of, viewer_of
from database.engine import reading
from database.repositories import categories as categories_repo
from database.repositories import requests as requests_repo
from database.repositories import users as users_repo
from models import (
    FINAL_STATUSES,
    Action,
    OutboxKind,
    Priority,
    RequestStatus,
    Role,
    User,
    utcnow,
)
from models.files import FileRef
from models.sla import due_at
from models.views import CategoryChoice, ListItem, RequestView
from models.workflow import Actor, allowed_actions, may_see
from utils.validation import MAX_PHOTOS

log = structlog.get_logger(__name__)

PAGE_SIZE = 10
CARD_COMMENTS = 5


# ------------------------------------------------------------------------ filing
@dataclass(frozen=True, slots=True)
class Draft:
    """A completed dialog: what the requester entered."""

    category_id: int
    location: str
    description: str
    priority: Priority
    files: Sequence[FileRef] = ()
    place_id: int | None = None  # the catalogued place (the location is its name)


@dataclass(frozen=True, slots=True)
class CreationRules:
    sla_hours: Mapping[str, int]
    limit: int
    window: timedelta
    staff_chat_id: int | None = None


class CreateOutcome(StrEnum):
    CREATED = "created"
    DUPLICATE = "duplicate"  # this dialog was submitted before: the same request
    LIMITED = "limited"  # too many new requests in the window
    BAD_CATEGORY = "bad_category"  # the category was hidden meanwhile


@dataclass(frozen=True, slots=True)
class CreateResult:
    outcome: CreateOutcome
    view: RequestView | None = None
    retry_in_minutes: int = 0
    card: AuthorCard | None = None  # CREATED: the author's card, with nothing more to read


@dataclass(frozen=True, slots=True)
class DraftOptions:
    """What a dialog step offers: the visible categories, the author's recent places."""

    categories: list[CategoryChoice] = field(default_factory=list)
    recent_locations: list[str] = field(default_factory=list)

    def category(self, category_id: int) -> CategoryChoice | None:
        return next((c for c in self.categories if c.id == category_id), None)


async def draft_options(
    session: AsyncSession,
    user: User,
    directory: CategoryDirectory,
    *,
    categories: bool = False,
    locations: bool = False,
    limit: int = 5,
) -> DraftOptions:
    """The choices a step shows (only what is asked for): the categories as the directory
    keeps them, the author's recent places read without a transaction."""
    visible = await directory.visible(session) if categories else []
    recent: list[str] = []
    if locations:
        async with reading(session):
            recent = await requests_repo.recent_locations(session, user.id, limit)
    return DraftOptions(visible, recent)


async def create_request(
    session: AsyncSession,
    notifier: Notifier,
    *,
    user: User,
    draft: Draft,
    token: str,
    rules: CreationRules,
    now: datetime | None = None,
) -> CreateResult:
    """Create the request, its files, its first history row and the staff notifications.

    Idempotent on `token` (the dialog's id): a repeated submit, or the same update
    delivered twice, returns the request created the first time.
    """
    now = now or utcnow()
    async with session.begin():
        # One submit at a time per user: the limit and the token check cannot race.
        await requests_repo.lock_user(session, user.id)
        existing = await requests_repo.id_by_token(session, user.id, token)
        if existing is not None:
            return await _duplicate(session, user, existing)
        if await categories_repo.visible_one(session, draft.category_id) is None:
            return CreateResult(CreateOutcome.BAD_CATEGORY)
        since = now - rules.window
        if await requests_repo.count_created_since(session, user.id, since) >= rules.limit:
            oldest = await requests_repo.oldest_created_since(session, user.id, since) or now
            wait = (oldest + rules.window - now).total_seconds() / 60
            log.info("request_creation_limited", limit=rules.limit)
            return CreateResult(CreateOutcome.LIMITED, retry_in_minutes=max(1, math.ceil(wait)))
        request_id = await requests_repo.insert_if_new_token(
            session,
            {
                "author_id": user.id,
                "category_id": draft.category_id,
                "location": draft.location,
                "place_id": draft.place_id,
                "description": draft.description,
                "priority": draft.priority,
                "status": RequestStatus.NEW,
                "due_at": due_at(now, draft.priority, rules.sla_hours),
                "client_token": token,
                "created_at": now,
                "updated_at": now,
            },
            actor_id=user.id,
            now=now,
        )
        if request_id is None:  # the same token committed a moment ago
            return await _duplicate(
                session, user, await requests_repo.id_by_token(session, user.id, token)
            )
        files = list(draft.files)[:MAX_PHOTOS]
        session.add_all(
            ref.attachment(request_id=request_id, uploaded_by_id=user.id) for ref in files
        )
        await session.flush()
        view = await requests_repo.get_view(session, request_id)
        assert view is not None
        await _notify_staff(session, notifier, view, files, rules.staff_chat_id, now)
    log.info(
        "request_created",
        request_id=request_id,
        priority=draft.priority,
        category_id=draft.category_id,
        files=len(files),
    )
    # Just created: its one history line is this creation, and it has no comments yet.
    card = author_card(view, user, [HistoryLine(now, RequestStatus.NEW, user.full_name, None)], [])
    return CreateResult(CreateOutcome.CREATED, view, card=card)


async def _duplicate(session: AsyncSession, user: User, request_id: int | None) -> CreateResult:
    """The request this dialog created before, with its card (in the caller's transaction)."""
    view = await requests_repo.get_view(session, request_id) if request_id else None
    card = await _author_card_of(session, view, user) if view is not None else None
    return CreateResult(CreateOutcome.DUPLICATE, view, card=card)


async def request_by_token(session: AsyncSession, user: User, token: str) -> int | None:
    """The request a dialog created, if it was submitted already."""
    async with reading(session):
        return await requests_repo.id_by_token(session, user.id, token)


async def _notify_staff(
    session: AsyncSession,
    notifier: Notifier,
    view: RequestView,
    files: Sequence[FileRef],
    staff_chat_id: int | None,
    now: datetime,
) -> None:
    """Every admin and the staff group get the photos, then the card with triage buttons."""
    admins = await users_repo.with_roles(session, [Role.ADMIN])
    chats: list[tuple[int, str | None, int | None]] = [
        (a.telegram_id, a.language, None) for a in admins if not a.bot_blocked
    ]
    staff = notifier.staff_chat(staff_chat_id)  # ADMIN_CHAT_ID, else the group bound by /here
    if staff is not None and staff.chat_id not in {c for c, _, _ in chats}:
        chats.append((staff.chat_id, None, staff.thread_id))
    for chat_id, language, thread_id in chats:
        t = notifier.catalogue.translator(language)
        caption = t("draft-staff-files", number=view.id)
        for method in file_methods(chat_id, files, caption, thread_id=thread_id):
            enqueue(session, method, request_id=view.id)
        text, keyboard = notifier.staff_card(t, view, now)
        assert keyboard is None or isinstance(keyboard, InlineKeyboardMarkup)
        enqueue(
            session,
            SendMessage(
                chat_id=chat_id,
                text=text,
                reply_markup=keyboard,
                message_thread_id=thread_id,
                # Low priority arrives silently; everything else rings.
                disable_notification=True if view.priority is Priority.LOW else None,
            ),
            kind=OutboxKind.CARD,
            request_id=view.id,
        )


# ---------------------------------------------------------------------- reading
@dataclass(frozen=True, slots=True)
class MyRequestsPage:
    items: list[ListItem]
    page: int
    pages: int
    total: int
    followed: int = 0  # requests of others this person follows ("me too")

    @property
    def has_older(self) -> bool:
        return self.page < self.pages


async def list_my_requests(
    session: AsyncSession,
    user: User,
    *,
    cursor: int = 0,
    older: bool = True,
    page: int = 1,
    limit: int = PAGE_SIZE,
) -> MyRequestsPage:
    """One keyset page of the user's own requests, newest first."""
    async with reading(session):
        total, followed = await requests_repo.count_by_author(session, user.id)
        items = await requests_repo.author_page(
            session, user.id, cursor=cursor, older=older, limit=limit
        )
        if not cursor:
            page = 1
        elif not items:  # a stale or forged cursor: start from the top
            items = await requests_repo.author_page(
                session, user.id, cursor=0, older=True, limit=limit
            )
            page = 1
    pages = max(1, math.ceil(total / limit))
    return MyRequestsPage(
        items=items, page=min(max(page, 1), pages), pages=pages, total=total, followed=followed
    )


@dataclass(frozen=True, slots=True)
class HistoryLine:
    at: datetime
    status: RequestStatus
    actor: str | None
    reason: str | None


@dataclass(frozen=True, slots=True)
class CommentLine:
    at: datetime
    author: str | None
    text: str
    mine: bool


@dataclass(frozen=True, slots=True)
class AuthorCard:
    """Everything the author sees of their request, and what they may do now."""

    view: RequestView
    history: list[HistoryLine] = field(default_factory=list)
    comments: list[CommentLine] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    can_comment: bool = False
    can_rate: bool = False


def author_actor(user: User, view: RequestView) -> Actor:
    assignee_id = view.assignee.id if view.assignee else None
    return Actor(role=user.role, is_author=True, is_assignee=assignee_id == user.id)


async def get_for_author(
    session: AsyncSession, request_id: int, user: User, *, view: RequestView | None = None
) -> AuthorCard | None:
    """The author's view of their request; None when it is not theirs (or does not exist).

    `view` is the request as the caller already has it (just changed by `perform`), so it
    is not read again.
    """
    async with reading(session):
        if view is None:
            view = await requests_repo.get_view(session, request_id)
        return await _author_card_of(session, view, user)


async def _author_card_of(
    session: AsyncSession, view: RequestView | None, user: User
) -> AuthorCard | None:
    """The author's card of `view`, read in the caller's transaction (None: not theirs)."""
    if view is None or view.author.id != user.id:
        return None
    changes = await requests_repo.history(session, view.id)
    comments = await requests_repo.public_comments(session, view.id, CARD_COMMENTS)
    history = [HistoryLine(c.at, c.to_status, name, c.reason) for c, name in changes]
    comment_lines = [
        CommentLine(c.created_at, name, c.text, c.author_id == user.id) for c, name in comments
    ]
    return author_card(view, user, history, comment_lines)


def author_card(
    view: RequestView, user: User, history: list[HistoryLine], comments: list[CommentLine]
) -> AuthorCard:
    return AuthorCard(
        view=view,
        history=history,
        comments=comments,
        actions=allowed_actions(view.status, author_actor(user, view)),
        can_comment=view.status not in FINAL_STATUSES,
        can_rate=view.status is RequestStatus.CLOSED and view.rating is None,
    )


async def files_for_author(
    session: AsyncSession, request_id: int, user: User
) -> list[FileRef] | None:
    """The request's files for its author; None when the request is not theirs."""
    async with reading(session):
        view = await requests_repo.get_view(session, request_id)
        if view is None or view.author.id != user.id:
            return None
        rows = await requests_repo.request_files(session, request_id)
    return [FileRef.of(row) for row in rows]


# ------------------------------------------------------------- the card, acting
@dataclass(frozen=True, slots=True)
class RequestCard:
    """A request as one person may see it: the author's card, or (admins) the staff card."""

    view: RequestView
    author: AuthorCard | None = None  # None: show the staff card of `view`


def _shows_author_card(user: User, view: RequestView) -> bool:
    return view.author.id == user.id and user.role is not Role.ADMIN


async def card_for(
    session: AsyncSession, view: RequestView | None, user: User
) -> RequestCard | None:
    """`view` as `user` may see it, read in the caller's transaction."""
    if view is None or not may_see(subject_of(view), viewer_of(user)):
        return None
    if _shows_author_card(user, view):
        return RequestCard(view, await _author_card_of(session, view, user))
    return RequestCard(view)


async def open_card(
    session: AsyncSession, request_id: int, user: User, *, view: RequestView | None = None
) -> RequestCard | None:
    """The request as `user` may see it now; None when they may not (or it does not exist)."""
    async with reading(session):
        if view is None:
            view = await requests_repo.get_view(session, request_id)
        return await card_for(session, view, user)


__all__ = [
    "AuthorCard",
    "CreateOutcome",
    "CreateResult",
    "CreationRules",
    "Draft",
    "DraftOptions",
    "MyRequestsPage",
    "RequestCard",
    "create_request",
    "draft_options",
    "files_for_author",
    "get_for_author",
    "list_my_requests",
    "open_card",
    "request_by_token",
]
