"""What the author does with their request: cancel, confirm, reopen, rate.

Each function is one user action in one transaction (the card to show next is read inside
it), taking plain values and returning a frozen result, for the bot and a web panel alike.
Status changes go through `transitions.perform`, which checks the rules and applies them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.notifications import Notifier
from bot.services.requests import RequestCard, card_for, open_card
from bot.services.transitions import Outcome, TransitionResult, check_action, perform
from database.engine import reading
from database.repositories import requests as requests_repo
from models import Action, User
from models.views import RequestView

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Preview:
    outcome: Outcome
    view: RequestView | None = None
    needs_reason: bool = False
    card: RequestCard | None = None  # the card as it is now (to show under the question)

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.DONE


async def preview_action(
    session: AsyncSession, request_id: int, user: User, action: Action
) -> Preview:
    """Whether `user` may do `action` now (before asking them to confirm), with the card.

    The same rules as `transitions.perform`, which checks them again when it acts.
    """
    async with reading(session):
        view = await requests_repo.get_view(session, request_id)
        check = check_action(view, user, action)
        if check.outcome is Outcome.NOT_FOUND or view is None:
            return Preview(Outcome.NOT_FOUND)
        card = await card_for(session, view, user)
    return Preview(check.outcome, view, check.needs_reason, card)


@dataclass(frozen=True, slots=True)
class ActionResult:
    """What an action did, the request as it is now, and its card if this user may see it."""

    outcome: Outcome
    view: RequestView | None = None
    card: RequestCard | None = None

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.DONE


async def author_action(
    session: AsyncSession,
    notifier: Notifier,
    *,
    request_id: int,
    user: User,
    action: Action,
    reason: str | None = None,
) -> ActionResult:
    """Cancel, confirm or reopen from "My requests"; the card to show comes with it.

    A change reads the card inside its own transaction. `REASON_REQUIRED` (the author
    reopening without saying why) comes back without a card: ask for the reason.
    """
    cards: list[RequestCard | None] = []

    async def read_card(tx: AsyncSession, view: RequestView) -> None:
        cards.append(await card_for(tx, view, user))

    result: TransitionResult = await perform(
        session,
        notifier,
        request_id=request_id,
        action=action,
        user=user,
        reason=reason,
        on_applied=read_card,
    )
    if result.outcome in (Outcome.NOT_FOUND, Outcome.REASON_REQUIRED) or result.view is None:
        return ActionResult(result.outcome, result.view)
    if not cards:  # refused or lost a race: the card as it is now
        cards.append(await open_card(session, request_id, user, view=result.view))
    return ActionResult(result.outcome, result.view, cards[0])


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
