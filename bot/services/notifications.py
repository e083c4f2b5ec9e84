"""What the other parties receive when a request changes; always through the outbox.

Called inside the transaction of the change, so a rolled-back change sends nothing and a
committed one is delivered even if the process dies right after the commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from aiogram.methods import EditMessageText, SendMessage
from aiogram.types import InlineKeyboardMarkup
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.outbox import enqueue
from bot.services.staff_chat import StaffChat, StaffChatRoute
from database.repositories import places as places_repo
from database.repositories import requests as requests_repo
from database.repositories import users as users_repo
from models import OutboxKind, Role
from models.enums import Action, RequestStatus
from models.views import Person, RequestView
from models.workflow import STAFF_ACTIONS, Actor, allowed_actions
from utils.cards import render_card, status_label
from utils.i18n import Catalogue, Markup, Translator
from utils.keyboards.cards import card_actions_keyboard
from utils.keyboards.planned import checklist_button

if TYPE_CHECKING:
    from bot.settings import Settings

# A copy of a card in the staff group shows the admin's buttons; whoever presses one is
# checked again on the server. A copy in a private chat shows that person's own buttons.
STAFF_VIEWER = Actor(role=Role.ADMIN)


def viewer_actor(user_id: int, role: Role, view: RequestView) -> Actor:
    """Who `user_id` is to this request (for the buttons they get)."""
    return Actor(
        role=role,
        is_author=user_id == view.author.id,
        is_assignee=view.assignee is not None and user_id == view.assignee.id,
    )


@dataclass(frozen=True, slots=True)
class Notifier:
    catalogue: Catalogue
    tz: ZoneInfo
    #: The group bound with /here (kept in memory; ADMIN_CHAT_ID wins over it).
    staff_route: StaffChatRoute = field(default_factory=StaffChatRoute)
    #: How long a comment's notification waits for the rest of a burst to join it.
    comment_coalesce: timedelta = timedelta(0)

    @classmethod
    def from_settings(cls, catalogue: Catalogue, settings: Settings) -> Notifier:
        """The notifier of a process that takes user actions (the bot, the panel)."""
        return cls(
            catalogue,
            settings.tz,
            comment_coalesce=timedelta(seconds=settings.comment_coalesce_seconds),
        )

    def staff_chat(self, configured_chat_id: int | None) -> StaffChat | None:
        """Where new requests go: ADMIN_CHAT_ID when set, else the bound group, else none."""
        return self.staff_route.resolve(configured_chat_id)

    def t(self, person: Person | None) -> Translator:
        return self.catalogue.translator(person.language if person else None)

    def staff_card(
        self,
        t: Translator,
        view: RequestView,
        now: datetime,
        *,
        viewer: Actor = STAFF_VIEWER,
        actor: Person | None = None,
        action: Action | None = None,
    ) -> tuple[str, InlineKeyboardMarkup | None]:
        """A card as staff receive it, with the viewer's buttons and who acted last."""
        text = render_card(t, view, tz=self.tz, now=now, for_staff=True)
        if action is not None:
            who = actor.display if actor is not None else t("actor-system")
            text += "\n" + t(f"card-acted-{action}", actor=who)
        actions = [a for a in allowed_actions(view.status, viewer) if a in STAFF_ACTIONS]
        keyboard = card_actions_keyboard(t, view.id, actions)
        if view.planned_job_id is not None and keyboard is not None:
            keyboard.inline_keyboard.append([checklist_button(t, view.id)])
        return text, keyboard

    async def status_changed(
        self,
        session: AsyncSession,
        view: RequestView,
        *,
        actor: Person | None,
        reason: str | None,
    ) -> None:
        """Tell the author (unless they did it themselves; then tell the assignee), and
        everyone who pressed "me too", as the author is told.

        The followers are looked up only when the request has some (its `follower_count`),
        so a status change of a request nobody follows costs no statement more.
        """
        if actor is not None and actor.id == view.author.id:
            self._author_acted(session, view, reason=reason)
        else:
            self._author_told(session, view, actor, reason)
        if not view.follower_count:
            return
        for chat_id, language in await places_repo.follower_chats(session, view.id):
            if actor is not None and chat_id == actor.telegram_id:
                continue
            t = self.catalogue.translator(language)
            text = _status_notice(
                t,
                "notify-followed-status",
                view,
                reason,
                category=view.category(t.language),
                location=view.location,
            )
            enqueue(session, SendMessage(chat_id=chat_id, text=text), request_id=view.id)

    def _author_told(
        self, session: AsyncSession, view: RequestView, actor: Person | None, reason: str | None
    ) -> None:
        author = view.author
        t = self.t(author)
        if actor is None:
            text = _status_notice(t, "notify-status-changed-system", view, reason)
        else:
            text = _status_notice(t, "notify-status-changed", view, reason, actor=actor.display)
        keyboard = None
        if view.status is RequestStatus.DONE:
            author_actor = Actor(role=Role.USER, is_author=True)
            keyboard = card_actions_keyboard(t, view.id, allowed_actions(view.status, author_actor))
        enqueue(session, SendMessage(chat_id=author.telegram_id, text=text, reply_markup=keyboard))

    def _author_acted(
        self, session: AsyncSession, view: RequestView, *, reason: str | None
    ) -> None:
        """The author cancelled or confirmed: the assignee hears it at once.

        (A reopen is told by `reopened`, with the author's reason.)
        """
        assignee = view.assignee
        if assignee is None or assignee.id == view.author.id:
            return
        if view.status is RequestStatus.IN_PROGRESS:
            return
        t = self.t(assignee)
        text = _status_notice(t, "notify-author-changed", view, reason, author=view.author.display)
        keyboard = card_actions_keyboard(t, view.id, [], include_open=True)
        enqueue(
            session,
            SendMessage(chat_id=assignee.telegram_id, text=text, reply_markup=keyboard),
            request_id=view.id,
        )

    async def assigned(
        self,
        session: AsyncSession,
        view: RequestView,
        now: datetime,
        *,
        actor: Person | None,
        previous_assignee_id: int | None,
    ) -> None:
        """The new assignee receives the card (a remembered copy); the previous one is told."""
        assignee = view.assignee
        if assignee is None:
            return
        if actor is None or assignee.id != actor.id:
            user = await users_repo.by_id(session, assignee.id)
            if user is not None:
                t = self.t(assignee)
                card, keyboard = self.staff_card(
                    t, view, now, viewer=viewer_actor(user.id, user.role, view)
                )
                who = actor.display if actor is not None else t("actor-system")
                text = t("notify-assigned", number=view.id, actor=who) + "\n\n" + card
                enqueue(
                    session,
                    SendMessage(chat_id=assignee.telegram_id, text=text, reply_markup=keyboard),
                    kind=OutboxKind.CARD,
                    request_id=view.id,
                )
        if previous_assignee_id is None or previous_assignee_id in (
            assignee.id,
            actor.id if actor else None,
        ):
            return
        previous = await users_repo.by_id(session, previous_assignee_id)
        if previous is None:
            return
        t = self.catalogue.translator(previous.language)
        text = t("notify-reassigned", number=view.id, assignee=assignee.display)
        enqueue(session, SendMessage(chat_id=previous.telegram_id, text=text), request_id=view.id)

    def reopened(
        self, session: AsyncSession, view: RequestView, *, actor: Person | None, reason: str | None
    ) -> None:
        """The assignee learns that the work was not accepted, and why."""
        assignee = view.assignee
        if assignee is None or (actor is not None and actor.id == assignee.id):
            return
        t = self.t(assignee)
        who = actor.display if actor is not None else t("actor-system")
        text = _with_reason(t, t("notify-reopened", number=view.id, actor=who), reason)
        enqueue(session, SendMessage(chat_id=assignee.telegram_id, text=text), request_id=view.id)

    async def sync_cards(
        self,
        session: AsyncSession,
        view: RequestView,
        now: datetime,
        *,
        actor: Person | None = None,
        action: Action | None = None,
    ) -> None:
        """Edit every copy of the card that staff received, to show the new state.

        A private chat's copy (chat id == the person's Telegram id) is rendered in that
        person's language with their own buttons; a group's in the default language.
        """
        chats = await requests_repo.card_chats(session, view.id)
        if not chats:
            return
        people = {u.telegram_id: u for u in await users_repo.by_telegram_ids(session, chats)}
        for chat_id in sorted(chats):
            person = people.get(chat_id)
            if person is not None:
                t = self.catalogue.translator(person.language)
                viewer = viewer_actor(person.id, person.role, view)
            else:
                t = self.catalogue.translator(None)
                viewer = STAFF_VIEWER
            text, keyboard = self.staff_card(
                t, view, now, viewer=viewer, actor=actor, action=action
            )
            enqueue(
                session,
                EditMessageText(chat_id=chat_id, text=text, reply_markup=keyboard),
                kind=OutboxKind.CARD_EDIT,
                request_id=view.id,
            )


def _with_reason(t: Translator, text: str, reason: str | None) -> str:
    return text + "\n" + t("notify-reason", reason=reason) if reason else text


def _status_notice(
    t: Translator, key: str, view: RequestView, reason: str | None, **args: str
) -> str:
    """A notice of the request's new status: number and status, `args`, then the reason."""
    status = Markup(status_label(t, view.status))
    return _with_reason(t, t(key, number=view.id, status=status, **args), reason)


__all__ = ["STAFF_VIEWER", "Action", "Notifier", "viewer_actor"]
