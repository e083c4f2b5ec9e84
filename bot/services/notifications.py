"""What the other parties receive when a request changes; always through the outbox.

Called inside the transaction of the change, so a rolled-back change sends nothing and a
committed one is delivered even if the process dies right after the commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from aiogram.methods import EditMessageText, SendMessage
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.outbox import enqueue
from database.repositories import requests as requests_repo
from database.repositories.requests import Person, RequestView
from models import OutboxKind, Role
from models.enums import Action, RequestStatus
from models.workflow import Actor, allowed_actions
from utils.cards import render_card, status_label
from utils.i18n import Catalogue, Markup, Translator
from utils.keyboards.cards import card_actions_keyboard

# A copy of a card in an admin's chat or the staff group shows the admin's buttons;
# whoever presses one is checked again on the server.
STAFF_VIEWER = Actor(role=Role.ADMIN)


@dataclass(frozen=True, slots=True)
class Notifier:
    catalogue: Catalogue
    tz: ZoneInfo

    def t(self, person: Person | None) -> Translator:
        return self.catalogue.translator(person.language if person else None)

    def staff_card(self, t: Translator, view: RequestView, now: datetime) -> tuple[str, object]:
        text = render_card(t, view, tz=self.tz, now=now, for_staff=True)
        keyboard = card_actions_keyboard(t, view.id, allowed_actions(view.status, STAFF_VIEWER))
        return text, keyboard

    def status_changed(
        self,
        session: AsyncSession,
        view: RequestView,
        *,
        actor: Person | None,
        reason: str | None,
    ) -> None:
        """Tell the author (unless they did it themselves; then tell the assignee)."""
        author = view.author
        if actor is not None and actor.id == author.id:
            self._author_acted(session, view, reason=reason)
            return
        t = self.t(author)
        if actor is None:
            text = t(
                "notify-status-changed-system",
                number=view.id,
                status=Markup(status_label(t, view.status)),
            )
        else:
            text = t(
                "notify-status-changed",
                number=view.id,
                status=Markup(status_label(t, view.status)),
                actor=actor.display,
            )
        if reason:
            text += "\n" + t("notify-reason", reason=reason)
        keyboard = None
        if view.status is RequestStatus.DONE:
            author_actor = Actor(role=Role.USER, is_author=True)
            keyboard = card_actions_keyboard(t, view.id, allowed_actions(view.status, author_actor))
        enqueue(session, SendMessage(chat_id=author.telegram_id, text=text, reply_markup=keyboard))

    def _author_acted(
        self, session: AsyncSession, view: RequestView, *, reason: str | None
    ) -> None:
        """The author cancelled, confirmed or reopened: the assignee hears it at once."""
        assignee = view.assignee
        if assignee is None or assignee.id == view.author.id:
            return
        t = self.t(assignee)
        text = t(
            "notify-author-changed",
            number=view.id,
            status=Markup(status_label(t, view.status)),
            author=view.author.display,
        )
        if reason:
            text += "\n" + t("notify-reason", reason=reason)
        keyboard = card_actions_keyboard(t, view.id, [], include_open=True)
        enqueue(
            session,
            SendMessage(chat_id=assignee.telegram_id, text=text, reply_markup=keyboard),
            request_id=view.id,
        )

    async def sync_cards(self, session: AsyncSession, view: RequestView, now: datetime) -> None:
        """Edit every copy of the card that staff received, to show the new state."""
        for chat_id in await requests_repo.card_chats(session, view.id):
            t = self.catalogue.translator(None)
            text, keyboard = self.staff_card(t, view, now)
            enqueue(
                session,
                EditMessageText(chat_id=chat_id, text=text, reply_markup=keyboard),  # type: ignore[arg-type]
                kind=OutboxKind.CARD_EDIT,
                request_id=view.id,
            )


__all__ = ["Action", "Notifier"]
