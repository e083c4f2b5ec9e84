"""The staff's work on a request: checks before a dialog, one action from a card, the
full card, finishing with a report, deleting comments, queues and search.

Every status change goes through `transitions.apply` (compare-and-set, history, the
notifications); who may see or do what is `models.workflow`'s. One user action is one
function here: it owns its transaction and returns a typed result the caller renders (a
chat handler, the web panel or a scheduled job alike).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Unpack

import structlog
from aiogram.methods import SendMediaGroup, SendMessage, SendPhoto
from aiogram.types import InputMediaPhoto
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.comments import FileRef
from bot.services.notifications import Notifier
from bot.services.outbox import enqueue
from bot.services.transitions import (
    Change,
    Outcome,
    TransitionResult,
    apply,
    check_action,
    perform,
    subject_of,
    viewer_of,
)
from database.engine import reading
from database.repositories import categories as categories_repo
from database.repositories import details as details_repo
from database.repositories import queues as queues_repo
from database.repositories import requests as requests_repo
from database.repositories import users as users_repo
from models import Attachment, Comment, User, utcnow
from models.enums import Action
from models.queues import Queue, QueueFilter
from models.views import (
    CommentRow,
    HistoryRow,
    QueuePage,
    RequestRow,
    RequestView,
    StaffCard,
    StaffRow,
)
from models.workflow import (
    STAFF_ACTIONS,
    Viewer,
    actions_for,
    may_comment,
    may_delete_comments,
    may_see,
)
from utils.validation import REASON_MAX as REASON_MAX  # one limit for every reason
from utils.validation import normalize

log = structlog.get_logger(__name__)

RESULT_COMMENT_MAX = 900  # it goes into a photo caption (Telegram allows 1024)
RESULT_PHOTOS_MAX = 10  # one album


@dataclass(frozen=True, slots=True)
class MessageRef:
    """The message a button was pressed on (or a card shown earlier), to redraw."""

    chat_id: int
    message_id: int


@dataclass(frozen=True, slots=True)
class PressedCard:
    """The request behind a pressed button, and its full card unless that message is a
    remembered copy: a copy is redrawn from the view alone, the way the outbox draws it."""

    view: RequestView
    card: StaffCard | None  # None: the message is a remembered copy

    @property
    def is_copy(self) -> bool:
        return self.card is None


@dataclass(frozen=True, slots=True)
class ActResult:
    """One staff action on a card: what happened, and what to redraw."""

    outcome: Outcome
    view: RequestView | None = None  # the request after the change (or as it is now)
    pressed: PressedCard | None = None  # the message to redraw, when the action was done

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.DONE


@dataclass(frozen=True, slots=True)
class AssignOptions:
    """May the user assign this request, and a page of the people to pick from."""

    outcome: Outcome
    view: RequestView | None = None
    staff: list[StaffRow] = field(default_factory=list)
    has_more: bool = False

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.DONE


def _visible(view: RequestView | None, user: User) -> RequestView | None:
    return view if view is not None and may_see(subject_of(view), viewer_of(user)) else None


# ------------------------------------------------------------------ before a dialog
async def preflight(
    session: AsyncSession, *, request_id: int, action: Action, user: User
) -> TransitionResult:
    """May `user` start `action` on this request now? (The reason comes later.)

    Decides the same way `perform` will, so a dialog is never opened for an action that
    is certain to be refused; `perform` checks again when the dialog ends.
    """
    async with reading(session):
        view = await requests_repo.get_view(session, request_id)
    return check_action(view, user, Action(action))


async def assign_options(
    session: AsyncSession, *, request_id: int, user: User, after_id: int = 0
) -> AssignOptions:
    """The assignee picker: may `user` assign the request, and a keyset page of staff."""
    async with reading(session):
        check = check_action(await requests_repo.get_view(session, request_id), user, Action.ASSIGN)
        if not check.ok:
            return AssignOptions(check.outcome, check.view)
        staff, more = await queues_repo.staff_page(session, after_id=after_id)
    return AssignOptions(Outcome.DONE, check.view, staff, more)


# ------------------------------------------------------------------ one action
async def act(
    session: AsyncSession,
    notifier: Notifier,
    *,
    on: MessageRef | None = None,
    **change: Unpack[Change],
) -> ActResult:
    """A staff action from a card (take, assign, resume; reject and hold with the reason),
    in one transaction: the change, and what to redraw on the message `on`."""
    user = change["user"]
    async with session.begin():
        result = await apply(session, notifier, **change)
        if not result.ok or result.view is None or on is None or user is None:
            return ActResult(result.outcome, result.view)
        pressed = await _pressed(session, result.view, user, on)
    return ActResult(result.outcome, result.view, pressed)


async def _pressed(
    session: AsyncSession, view: RequestView, user: User, on: MessageRef
) -> PressedCard:
    if await details_repo.is_card_copy(session, on.chat_id, on.message_id):
        return PressedCard(view, None)
    return PressedCard(view, await _full_card(session, view, user))


async def pressed_card(
    session: AsyncSession, *, request_id: int, user: User, chat_id: int, message_id: int
) -> PressedCard | None:
    """What to redraw on the message (chat_id, message_id); None when there is no request
    this user may see."""
    async with reading(session):
        view = _visible(await requests_repo.get_view(session, request_id), user)
        if view is None:
            return None
        return await _pressed(session, view, user, MessageRef(chat_id, message_id))


# ------------------------------------------------------------------------ the cards
async def staff_card(session: AsyncSession, *, request_id: int, user: User) -> StaffCard | None:
    """The full card for a staff member, or None when there is no such request (or none
    this user may see)."""
    async with reading(session):
        view = _visible(await requests_repo.get_view(session, request_id), user)
        if view is None:
            return None
        return await _full_card(session, view, user)


async def _full_card(session: AsyncSession, view: RequestView, user: User) -> StaffCard:
    """The card of `view`, read in the caller's transaction: history and comments."""
    history = [
        HistoryRow(c.at, c.from_status, c.to_status, name, c.reason)
        for c, name in await requests_repo.history(session, view.id)
    ]
    comments = await details_repo.comments(session, view.id)
    subject, viewer = subject_of(view), Viewer(user.id, user.role)
    may_write = may_comment(subject, viewer, internal=True)
    return StaffCard(
        view=view,
        history=history,
        comments=comments,
        file_count=_file_count(view, comments),
        actions=[a for a in actions_for(subject, viewer) if a in STAFF_ACTIONS],
        can_comment=may_write,
        can_note=may_write,
        can_delete_comments=may_delete_comments(viewer) and any(not c.deleted for c in comments),
    )


def _file_count(view: RequestView, comments: Sequence[CommentRow]) -> int:
    """How many files `request_files` returns, counted from the data in hand: the request's
    own files (the view counts them) and those of the comments not deleted."""
    return view.photo_count + sum(c.files for c in comments if not c.deleted)


async def request_files(session: AsyncSession, *, request_id: int, user: User) -> list[Attachment]:
    """The request's files, for someone who may see it (nothing otherwise)."""
    async with reading(session):
        if _visible(await requests_repo.get_view(session, request_id), user) is None:
            return []
        return await details_repo.files(session, request_id)


# --------------------------------------------------------------------- finishing
async def finish(
    session: AsyncSession,
    notifier: Notifier,
    *,
    request_id: int,
    user: User,
    comment: str = "",
    photos: Sequence[FileRef] = (),
) -> TransitionResult:
    """Done, with the executor's optional comment and "after" photos.

    The report is saved with the status change, in one transaction, and the author gets
    the photos (an album when several) before the "Fixed / Not fixed" question.
    """
    comment = normalize(comment)[:RESULT_COMMENT_MAX]
    photos = list(photos)[:RESULT_PHOTOS_MAX]

    async def save_report(tx: AsyncSession, view: RequestView) -> None:
        if not comment and not photos:
            return
        note = Comment(request_id=request_id, author_id=user.id, text=comment)
        tx.add(note)
        await tx.flush()
        tx.add_all(
            ref.attachment(
                request_id=request_id, uploaded_by_id=user.id, comment_id=note.id, is_result=True
            )
            for ref in photos
        )
        if view.author.id == user.id:
            return
        t = notifier.t(view.author)
        chat_id = view.author.telegram_id
        caption = t("notify-result", number=view.id, executor=user.full_name)
        if comment:
            caption += "\n" + t("notify-result-comment", text=comment)
        if len(photos) == 1:
            enqueue(
                tx,
                SendPhoto(chat_id=chat_id, photo=photos[0].file_id, caption=caption),
                request_id=view.id,
            )
        elif photos:
            media = [
                InputMediaPhoto(media=ref.file_id, caption=caption if i == 0 else None)
                for i, ref in enumerate(photos)
            ]
            enqueue(tx, SendMediaGroup(chat_id=chat_id, media=media), request_id=view.id)  # type: ignore[arg-type]
        else:
            enqueue(tx, SendMessage(chat_id=chat_id, text=caption), request_id=view.id)

    return await perform(
        session,
        notifier,
        request_id=request_id,
        action=Action.FINISH,
        user=user,
        on_applied=save_report,
    )


# ------------------------------------------------------------------- comments
class DeleteOutcome(StrEnum):
    DONE = "done"
    NOT_FOUND = "not_found"
    FORBIDDEN = "forbidden"
    ALREADY = "already"


@dataclass(frozen=True, slots=True)
class DeleteResult:
    outcome: DeleteOutcome
    request_id: int | None = None
    pressed: PressedCard | None = None  # the message to redraw, when `on` was given

    @property
    def ok(self) -> bool:
        return self.outcome in (DeleteOutcome.DONE, DeleteOutcome.ALREADY)


async def delete_comment(
    session: AsyncSession, *, comment_id: int, user: User, on: MessageRef | None = None
) -> DeleteResult:
    """Soft delete: the comment stays in the table and shows as "deleted by an admin".

    With `on`, the card on that message is read again in the same transaction."""
    if not may_delete_comments(Viewer(user.id, user.role)):
        return DeleteResult(DeleteOutcome.FORBIDDEN)
    async with session.begin():
        comment = await details_repo.comment(session, comment_id)
        if comment is None:
            return DeleteResult(DeleteOutcome.NOT_FOUND)
        request_id = comment.request_id
        outcome = DeleteOutcome.DONE if comment.deleted_at is None else DeleteOutcome.ALREADY
        if outcome is DeleteOutcome.DONE:
            comment.deleted_at = utcnow()
            comment.deleted_by_id = user.id
            await session.flush()
        view = await requests_repo.get_view(session, request_id) if on is not None else None
        pressed = await _pressed(session, view, user, on) if view and on else None
    if outcome is DeleteOutcome.DONE:
        log.info("comment_deleted", comment_id=comment_id, request_id=request_id)
    return DeleteResult(outcome, request_id, pressed)


# ------------------------------------------------------------------ lists
@dataclass(frozen=True, slots=True)
class QueueView:
    flt: QueueFilter
    page: QueuePage
    total: int
    category: tuple[str, str] | None = None  # (ru, en) of the category filter
    assignee_name: str | None = None  # of the assignee filter


async def panel_counts(
    session: AsyncSession, *, now: datetime | None = None, user: User | None = None
) -> dict[Queue, int]:
    """Every queue's size; with `user`, of the requests they may see."""
    async with reading(session):
        return await queues_repo.queue_counts(session, now=now or utcnow(), viewer=viewer_of(user))


async def queue(
    session: AsyncSession, flt: QueueFilter, *, after_id: int = 0, now: datetime | None = None
) -> QueueView:
    now = now or utcnow()
    async with reading(session):
        page = await queues_repo.queue_page(session, flt, now=now, after_id=after_id)
        total = await queues_repo.queue_total(session, flt, now=now)
        category = await categories_repo.get(session, flt.category_id) if flt.category_id else None
        assignee = await users_repo.by_id(session, flt.assignee) if flt.assignee > 0 else None
    return QueueView(
        flt,
        page,
        total,
        category=(category.name_ru, category.name_en) if category else None,
        assignee_name=assignee.full_name if assignee else None,
    )


@dataclass(frozen=True, slots=True)
class SearchResult:
    number: int | None = None  # the query was a #number and that request exists
    page: QueuePage | None = None
    card: StaffCard | None = None  # that request's full card, when asked for a user


async def search(
    session: AsyncSession, text: str, *, user: User | None = None, after_id: int = 0
) -> SearchResult:
    """A #number finds that request (with its full card for `user`, when given); other
    text searches the descriptions and locations. With `user`, only among the requests
    they may see."""
    number = queues_repo.parse_number(text)
    async with reading(session):
        if number is not None:
            view = await requests_repo.get_view(session, number)
            if view is None or (user is not None and _visible(view, user) is None):
                return SearchResult(page=QueuePage([], False))
            card = await _full_card(session, view, user) if user is not None else None
            return SearchResult(number=number, card=card)
        page = await queues_repo.search(session, text, after_id=after_id, viewer=viewer_of(user))
        return SearchResult(page=page)


async def tasks(session: AsyncSession, *, user: User) -> list[RequestRow]:
    async with reading(session):
        return await queues_repo.tasks_of(session, user.id)


async def categories_and_staff(
    session: AsyncSession, *, after_id: int = 0
) -> tuple[list[tuple[int, str, str]], list[StaffRow], bool]:
    """Options of the queue filters: categories (id, ru, en) and a page of staff."""
    async with reading(session):
        cats = [
            (c.id, c.name_ru, c.name_en) for c, _ in await categories_repo.all_with_counts(session)
        ]
        staff, more = await queues_repo.staff_page(session, after_id=after_id)
    return cats, staff, more


def has_words(text: str) -> bool:
    return bool(queues_repo.search_words(text))
