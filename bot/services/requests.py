"""The requester's use cases: filing a request, reading one's own, rating the repair.

Each function owns its transaction and returns plain results. Status changes (cancel,
confirm, reopen) are not here: they go through `transitions.perform`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

import structlog
from aiogram.methods import SendDocument, SendMediaGroup, SendMessage, SendPhoto, TelegramMethod
from aiogram.types import InlineKeyboardMarkup, InputMediaDocument, InputMediaPhoto
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.comments import FileRef
from bot.services.notifications import Notifier
from bot.services.outbox import enqueue
from bot.services.transitions import Outcome, check_action, subject_of, viewer_of
from database.repositories import categories as categories_repo
from database.repositories import requests as requests_repo
from database.repositories import users as users_repo
from database.repositories.requests import ListItem, RequestView
from models import (
    FINAL_STATUSES,
    Action,
    AttachmentKind,
    Category,
    OutboxKind,
    Priority,
    RequestStatus,
    Role,
    StatusChange,
    User,
    utcnow,
)
from models.sla import due_at
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


async def visible_categories(session: AsyncSession) -> list[Category]:
    async with session.begin():
        return list(await categories_repo.visible(session))


async def recent_locations(session: AsyncSession, user: User, limit: int = 5) -> list[str]:
    async with session.begin():
        return await requests_repo.recent_locations(session, user.id, limit)


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
            return CreateResult(
                CreateOutcome.DUPLICATE, await requests_repo.get_view(session, existing)
            )
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
                "description": draft.description,
                "priority": draft.priority,
                "status": RequestStatus.NEW,
                "due_at": due_at(now, draft.priority, rules.sla_hours),
                "client_token": token,
                "created_at": now,
                "updated_at": now,
            },
        )
        if request_id is None:  # the same token committed a moment ago
            existing = await requests_repo.id_by_token(session, user.id, token)
            view = await requests_repo.get_view(session, existing) if existing else None
            return CreateResult(CreateOutcome.DUPLICATE, view)
        files = list(draft.files)[:MAX_PHOTOS]
        session.add_all(
            ref.attachment(request_id=request_id, uploaded_by_id=user.id) for ref in files
        )
        session.add(
            StatusChange(
                request_id=request_id,
                from_status=None,
                to_status=RequestStatus.NEW,
                actor_id=user.id,
                at=now,
            )
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


async def request_by_token(session: AsyncSession, user: User, token: str) -> int | None:
    """The request a dialog created, if it was submitted already."""
    async with session.begin():
        return await requests_repo.id_by_token(session, user.id, token)


def media_methods(
    chat_id: int, files: Sequence[FileRef], caption: str, *, thread_id: int | None = None
) -> list[TelegramMethod[Any]]:
    """The calls that show `files` in a chat (in a forum topic when `thread_id` is given):
    one photo, an album, documents (grouped too)."""
    methods: list[TelegramMethod[Any]] = []
    photos = [f for f in files if f.kind is AttachmentKind.PHOTO]
    documents = [f for f in files if f.kind is AttachmentKind.DOCUMENT]
    if len(photos) == 1:
        methods.append(
            SendPhoto(
                chat_id=chat_id,
                photo=photos[0].file_id,
                caption=caption,
                message_thread_id=thread_id,
            )
        )
    elif photos:
        methods.append(
            SendMediaGroup(
                chat_id=chat_id,
                message_thread_id=thread_id,
                media=[
                    InputMediaPhoto(media=f.file_id, caption=caption if i == 0 else None)
                    for i, f in enumerate(photos)
                ],
            )
        )
    if len(documents) == 1:
        methods.append(
            SendDocument(
                chat_id=chat_id,
                document=documents[0].file_id,
                caption=caption,
                message_thread_id=thread_id,
            )
        )
    elif documents:
        methods.append(
            SendMediaGroup(
                chat_id=chat_id,
                message_thread_id=thread_id,
                media=[
                    InputMediaDocument(media=f.file_id, caption=caption if i == 0 else None)
                    for i, f in enumerate(documents)
                ],
            )
        )
    return methods


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
        for method in media_methods(chat_id, files, caption, thread_id=thread_id):
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
class Page:
    items: list[ListItem]
    page: int
    pages: int
    total: int

    @property
    def has_newer(self) -> bool:
        return self.page > 1

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
) -> Page:
    """One keyset page of the user's own requests, newest first."""
    async with session.begin():
        total = await requests_repo.count_by_author(session, user.id)
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
    return Page(items=items, page=min(max(page, 1), pages), pages=pages, total=total)


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
    async with session.begin():
        if view is None:
            view = await requests_repo.get_view(session, request_id)
        if view is None or view.author.id != user.id:
            return None
        changes = await requests_repo.history(session, request_id)
        comments = await requests_repo.public_comments(session, request_id, CARD_COMMENTS)
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
    async with session.begin():
        view = await requests_repo.get_view(session, request_id)
        if view is None or view.author.id != user.id:
            return None
        rows = await requests_repo.request_files(session, request_id)
    return [FileRef(r.kind, r.file_id, r.file_unique_id, r.mime_type, r.file_size) for r in rows]


async def author_view(session: AsyncSession, request_id: int, user: User) -> RequestView | None:
    """The request as it is now, if `user` is its author."""
    async with session.begin():
        view = await requests_repo.get_view(session, request_id)
    return view if view is not None and view.author.id == user.id else None


async def staff_view(
    session: AsyncSession, request_id: int, user: User, *, view: RequestView | None = None
) -> RequestView | None:
    """The request, if `user` may see it (`models.workflow.may_see`).

    With `view` (the request as the caller already has it) nothing is read.
    """
    if view is None:
        async with session.begin():
            view = await requests_repo.get_view(session, request_id)
    if view is None:
        return None
    return view if may_see(subject_of(view), viewer_of(user)) else None


@dataclass(frozen=True, slots=True)
class Preview:
    outcome: Outcome
    view: RequestView | None = None
    needs_reason: bool = False

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.DONE


async def preview_action(
    session: AsyncSession, request_id: int, user: User, action: Action
) -> Preview:
    """Whether `user` may do `action` now (before asking them to confirm or give a reason).

    The same rules as `transitions.perform`, which checks them again when it acts.
    """
    async with session.begin():
        view = await requests_repo.get_view(session, request_id)
    check = check_action(view, user, action)
    return Preview(check.outcome, check.view, needs_reason=check.needs_reason)


# ----------------------------------------------------------------------- rating
class RateOutcome(StrEnum):
    DONE = "done"
    NOT_FOUND = "not_found"
    NOT_ALLOWED = "not_allowed"  # not closed yet, or already rated


async def rate(session: AsyncSession, request_id: int, user: User, stars: int) -> RateOutcome:
    if not 1 <= stars <= 5:
        return RateOutcome.NOT_ALLOWED
    async with session.begin():
        view = await requests_repo.get_view(session, request_id)
        if view is None or view.author.id != user.id:
            return RateOutcome.NOT_FOUND
        if not await requests_repo.set_rating(session, request_id, user.id, stars):
            return RateOutcome.NOT_ALLOWED
    log.info("request_rated", request_id=request_id, stars=stars)
    return RateOutcome.DONE


async def rate_comment(
    session: AsyncSession, request_id: int, user: User, text: str
) -> RateOutcome:
    async with session.begin():
        if not await requests_repo.set_rating_comment(session, request_id, user.id, text):
            view = await requests_repo.get_view(session, request_id)
            if view is None or view.author.id != user.id:
                return RateOutcome.NOT_FOUND
            return RateOutcome.NOT_ALLOWED
    return RateOutcome.DONE


__all__ = [
    "AuthorCard",
    "CreateOutcome",
    "CreateResult",
    "CreationRules",
    "Draft",
    "Page",
    "RateOutcome",
    "create_request",
    "files_for_author",
    "get_for_author",
    "list_my_requests",
    "media_methods",
    "rate",
    "rate_comment",
]
