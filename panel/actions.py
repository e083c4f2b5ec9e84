"""Every change the panel makes, in one place: exactly the service functions the bot calls.

So a status change from the browser is the same compare-and-set, history row, outbox
notification to the requester and card-copy redraw as the same button in Telegram. Each
function returns the outcome's value (a short string the page shows through the catalogue).
"""

from __future__ import annotations

from aiogram import Bot
from sqlalchemy.ext.asyncio import AsyncSession

from bot.commands import set_user_commands
from bot.services import admin_users, triage
from bot.services import categories as categories_service
from bot.services.admin_users import ChangeOutcome
from bot.services.comments import add_comment
from bot.services.notifications import Notifier
from models import Action, Role, User
from utils.i18n import Catalogue
from utils.validation import COMMENT_MAX, REASON_MAX

# The request actions a browser may post, besides comments (FINISH goes through triage).
STATUS_ACTIONS: frozenset[Action] = frozenset(
    {Action.TAKE, Action.ASSIGN, Action.REJECT, Action.HOLD, Action.RESUME}
)
TEXT_MAX = COMMENT_MAX


async def change_status(
    session: AsyncSession,
    notifier: Notifier,
    *,
    request_id: int,
    action: Action,
    user: User,
    reason: str | None = None,
    assignee_id: int | None = None,
) -> str:
    """Take, Assign, Reject, Hold, Resume: `triage.act`, as the bot's card buttons."""
    if action not in STATUS_ACTIONS:
        return "forbidden"
    if reason is not None:
        reason = reason[:REASON_MAX]
    result = await triage.act(
        session,
        notifier,
        request_id=request_id,
        action=action,
        user=user,
        reason=reason,
        assignee_id=assignee_id,
    )
    return result.outcome.value


async def finish(
    session: AsyncSession, notifier: Notifier, *, request_id: int, user: User, comment: str
) -> str:
    """Done, with an optional report text: `triage.finish`, as the bot's dialog ends."""
    result = await triage.finish(
        session, notifier, request_id=request_id, user=user, comment=comment
    )
    return result.outcome.value


async def comment(
    session: AsyncSession,
    notifier: Notifier,
    *,
    request_id: int,
    user: User,
    text: str,
    internal: bool,
) -> str:
    """A comment (the author is told) or an internal note (staff only): `add_comment`."""
    result = await add_comment(
        session, notifier, request_id=request_id, user=user, text=text[:TEXT_MAX], internal=internal
    )
    return result.outcome.value


async def change_role(
    session: AsyncSession,
    catalogue: Catalogue,
    bot: Bot,
    *,
    actor: User,
    user_id: int,
    role: Role,
    admin_ids: frozenset[int],
) -> str:
    result = await admin_users.change_role(
        session, catalogue, actor=actor, user_id=user_id, role=role, admin_ids=admin_ids
    )
    if result.outcome is ChangeOutcome.DONE and result.telegram_id is not None:
        # As the bot does after the commit: the person's command menu for the new role
        # (a refusal from Telegram is logged there; the role is saved either way).
        await set_user_commands(bot, catalogue, result.telegram_id, role, result.language)
    return result.outcome.value


async def set_blocked(
    session: AsyncSession, *, actor: User, user_id: int, blocked: bool, admin_ids: frozenset[int]
) -> str:
    result = await admin_users.set_blocked(
        session, actor=actor, user_id=user_id, blocked=blocked, admin_ids=admin_ids
    )
    return result.outcome.value


async def add_category(session: AsyncSession, *, names: str) -> str:
    parsed = categories_service.parse_names(names)
    if isinstance(parsed, categories_service.NameProblem):
        return parsed.value
    result = await categories_service.add(session, name_ru=parsed[0], name_en=parsed[1])
    return result.outcome.value


async def rename_category(session: AsyncSession, *, category_id: int, names: str) -> str:
    parsed = categories_service.parse_names(names)
    if isinstance(parsed, categories_service.NameProblem):
        return parsed.value
    result = await categories_service.rename(
        session, category_id=category_id, name_ru=parsed[0], name_en=parsed[1]
    )
    return result.outcome.value


async def set_category_hidden(session: AsyncSession, *, category_id: int, hidden: bool) -> str:
    result = await categories_service.set_hidden(session, category_id=category_id, hidden=hidden)
    return result.outcome.value
