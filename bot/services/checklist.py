"""The checklist of a planned request: ticking items, failing one with a note, and
filing the follow-up repair request of a failed item.

Each tick is a compare-and-set on the item's state against the state the user saw, so
two people ticking at once lose nothing. One user action = one function = one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.notifications import Notifier
from bot.services.planned_runner import notify_staff
from bot.services.transitions import subject_of, viewer_of
from database.repositories import planned as planned_repo
from database.repositories import requests as requests_repo
from models import ChecklistItem, ItemState, RequestStatus, User, utcnow
from models.planned import may_work_checklist
from models.sla import due_at
from models.views import RequestView
from models.workflow import may_see

log = structlog.get_logger(__name__)

NOTE_MAX = 500


class ItemOutcome(StrEnum):
    DONE = "done"
    NOT_FOUND = "not_found"  # no such item, or not one this user may see
    FORBIDDEN = "forbidden"  # may see it, may not change it now (not theirs, not in work)
    STALE = "stale"  # somebody changed it a moment ago: shown as it is now
    NOTE_REQUIRED = "note_required"
    NOT_FAILED = "not_failed"


@dataclass(frozen=True, slots=True)
class ChecklistCard:
    view: RequestView
    items: list[ChecklistItem] = field(default_factory=list)
    editable: bool = False


@dataclass(frozen=True, slots=True)
class ItemResult:
    outcome: ItemOutcome
    card: ChecklistCard | None = None
    followup_id: int | None = None
    created: bool = False

    @property
    def ok(self) -> bool:
        return self.outcome is ItemOutcome.DONE


def _editable(user: User, view: RequestView) -> bool:
    is_assignee = view.assignee is not None and view.assignee.id == user.id
    return may_work_checklist(user.role, is_assignee=is_assignee, status=view.status)


async def _card(session: AsyncSession, request_id: int, user: User) -> ChecklistCard | None:
    view = await requests_repo.get_view(session, request_id)
    if view is None or not may_see(subject_of(view), viewer_of(user)):
        return None
    items = list(await planned_repo.items(session, request_id))
    if not items:
        return None
    return ChecklistCard(view, items, _editable(user, view))


async def checklist(session: AsyncSession, *, request_id: int, user: User) -> ChecklistCard | None:
    async with session.begin():
        return await _card(session, request_id, user)


async def _guarded(
    session: AsyncSession, item_id: int, user: User
) -> tuple[ChecklistItem | None, ChecklistCard | None, ItemOutcome | None]:
    item = await planned_repo.item(session, item_id)
    if item is None:
        return None, None, ItemOutcome.NOT_FOUND
    card = await _card(session, item.request_id, user)
    if card is None:
        return item, None, ItemOutcome.NOT_FOUND
    if not card.editable:
        return item, card, ItemOutcome.FORBIDDEN
    return item, card, None


async def item_context(
    session: AsyncSession, *, item_id: int, user: User
) -> tuple[RequestView, ChecklistItem] | None:
    """The item and its request, if `user` may change it now."""
    async with session.begin():
        item, card, denied = await _guarded(session, item_id, user)
    if denied is not None or item is None or card is None:
        return None
    return card.view, item


async def set_item(
    session: AsyncSession,
    *,
    item_id: int,
    expected: ItemState,
    state: ItemState,
    user: User,
    note: str | None = None,
    now: datetime | None = None,
) -> ItemResult:
    """Tick, untick or fail one item: a compare-and-set against the state the user saw."""
    now = now or utcnow()
    note = note.strip()[:NOTE_MAX] if note else None
    if state is ItemState.FAILED and not note:
        return ItemResult(ItemOutcome.NOTE_REQUIRED)
    async with session.begin():
        item, card, denied = await _guarded(session, item_id, user)
        if denied is not None:
            return ItemResult(denied, card)
        assert item is not None and card is not None
        won = expected is not state and await planned_repo.set_item_state(
            session,
            item_id,
            expected=expected,
            state=state,
            note=note if state is ItemState.FAILED else None,
            user_id=user.id,
            now=now,
        )
        fresh = await _card(session, item.request_id, user)
    if not won:
        return ItemResult(ItemOutcome.STALE, fresh)
    log.info("checklist_item_set", request_id=item.request_id, item_id=item_id, state=state)
    return ItemResult(ItemOutcome.DONE, fresh)


async def file_followup(
    session: AsyncSession,
    notifier: Notifier,
    *,
    item_id: int,
    user: User,
    description: str,
    sla_hours: Mapping[str, int],
    staff_chat_id: int | None = None,
    now: datetime | None = None,
) -> ItemResult:
    """A repair request for the same place as the failed item's request; one per item.

    The item's row is locked, so two taps file one request; a repeated tap finds it.
    """
    now = now or utcnow()
    async with session.begin():
        item, card, denied = await _guarded(session, item_id, user)
        if denied is not None:
            return ItemResult(denied, card)
        assert item is not None and card is not None
        item = await planned_repo.item(session, item_id, for_update=True)
        assert item is not None
        if item.followup_request_id is not None:
            return ItemResult(ItemOutcome.DONE, card, followup_id=item.followup_request_id)
        if item.state is not ItemState.FAILED:
            return ItemResult(ItemOutcome.NOT_FAILED, card)
        source = card.view
        row = await requests_repo.get(session, source.id)
        assert row is not None
        request_id = await requests_repo.insert_if_new_token(
            session,
            {
                "author_id": user.id,
                "category_id": row.category_id,
                "location": source.location,
                "description": description,
                "priority": source.priority,
                "status": RequestStatus.NEW,
                "due_at": due_at(now, source.priority, sla_hours),
                "client_token": f"followup:{item_id}",
                "created_at": now,
                "updated_at": now,
            },
            actor_id=user.id,
            now=now,
        )
        assert request_id is not None  # the row lock above serialises the taps
        await planned_repo.link_followup(session, item_id, request_id)
        await session.flush()
        view = await requests_repo.get_view(session, request_id)
        assert view is not None
        await notify_staff(session, notifier, view, "planned-notify-followup", now, staff_chat_id)
        fresh = await _card(session, source.id, user)
    log.info("checklist_followup_filed", request_id=request_id, item_id=item_id)
    return ItemResult(ItemOutcome.DONE, fresh, followup_id=request_id, created=True)
