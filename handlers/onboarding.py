"""The first five minutes: the setup link, /here and the group-binding button, /invite.

Registered before the common router, so `/start setup-...` reaches `claim` and every other
/start payload (and a plain /start) goes on to the greeting.
"""

from __future__ import annotations

import asyncio

from aiogram import Bot, F, Router
from aiogram.filters import (
    JOIN_TRANSITION,
    LEAVE_TRANSITION,
    ChatMemberUpdatedFilter,
    Command,
    CommandObject,
    CommandStart,
)
from aiogram.fsm.context import FSMContext
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    ChatMemberUpdated,
    InaccessibleMessage,
    Message,
)
from sqlalchemy.ext.asyncio import AsyncSession

from bot.commands import set_user_commands
from bot.context import UpdateContext
from bot.filters import is_admin
from bot.services import onboarding
from bot.services.notifications import Notifier
from bot.services.onboarding import BindOutcome, BindResult, ClaimOutcome
from bot.settings import Settings
from bot.staff_ui import alert
from models import Role
from utils.callbacks import StaffChatCb
from utils.deep_links import INVITE_PAYLOAD, SETUP_PREFIX, start_link
from utils.i18n import Catalogue, Translator
from utils.keyboards.common import main_menu
from utils.keyboards.onboarding import use_group_keyboard
from utils.pdf import poster_pdf

GROUP_TYPES = frozenset({"group", "supergroup"})


def topic_of(message: Message) -> int | None:
    """The forum topic a message was sent in (None: a plain group, or the General topic)."""
    return message.message_thread_id if message.is_topic_message else None


def bound_text(t: Translator, result: BindResult, settings: Settings) -> str:
    if result.outcome is not BindOutcome.BOUND or result.chat is None:
        return t("here-not-allowed")
    if settings.admin_chat_id is not None and settings.admin_chat_id != result.chat.chat_id:
        return t("here-bound-overridden")
    return t("here-bound-topic" if result.chat.thread_id is not None else "here-bound")


# ------------------------------------------------------------------ claiming the bot
async def claim(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    ctx: UpdateContext,
    catalogue: Catalogue,
    bot: Bot,
) -> None:
    """`/start setup-<code>`: the first person to open the link becomes admin."""
    user, t = ctx.user, ctx.t
    outcome = await onboarding.claim(ctx.session, user, command.args or "")
    if outcome is not ClaimOutcome.CLAIMED:
        await message.answer(t("setup-invalid"), reply_markup=main_menu(t, user.role))
        return
    await state.clear()
    await set_user_commands(bot, catalogue, user.telegram_id, Role.ADMIN, user.language)
    await message.answer(t("setup-claimed"), reply_markup=main_menu(t, Role.ADMIN))


# ------------------------------------------------------------------- the staff group
async def _bind(ctx: UpdateContext, message: Message) -> str:
    """New requests go to the chat (or forum topic) of `message`; what to say about it."""
    result = await onboarding.bind_staff_chat(
        ctx.session,
        ctx.notifier.staff_route,
        user=ctx.user,
        chat_id=message.chat.id,
        thread_id=topic_of(message),
        title=message.chat.title or "",
    )
    return bound_text(ctx.t, result, ctx.settings)


async def here(message: Message, ctx: UpdateContext) -> None:
    """An admin's /here in a group (or a forum topic): new requests go there."""
    await message.answer(await _bind(ctx, message))


async def here_refused(message: Message, t: Translator) -> None:
    await message.answer(t("here-not-allowed"))


async def here_in_private(message: Message, t: Translator) -> None:
    await message.answer(t("here-private"))


async def added_to_group(event: ChatMemberUpdated, t: Translator, bot: Bot) -> None:
    """An admin added the bot to a group: offer to use it for staff notifications."""
    await bot.send_message(event.chat.id, t("join-ask"), reply_markup=use_group_keyboard(t))


async def removed_from_group(
    event: ChatMemberUpdated, session: AsyncSession, notifier: Notifier
) -> None:
    """The bot was removed from a group: if it was the staff group, new requests stop going
    there (to the admins' private chats only) instead of failing in the outbox."""
    await onboarding.staff_chat_gone(session, notifier.staff_route, chat_id=event.chat.id)


async def use_group(query: CallbackQuery, ctx: UpdateContext) -> None:
    message = query.message
    if message is None or isinstance(message, InaccessibleMessage):
        await alert(query, ctx.t("button-outdated"))
        return
    text = await _bind(ctx, message)
    await query.answer()
    await message.edit_text(text, reply_markup=None)


async def use_group_refused(query: CallbackQuery, t: Translator) -> None:
    await alert(query, t("join-not-allowed"))


async def chat_migrated(message: Message, session: AsyncSession, notifier: Notifier) -> None:
    """A group became a supergroup (it gets a new id): a binding follows it."""
    assert message.migrate_to_chat_id is not None
    await onboarding.staff_chat_migrated(
        session,
        notifier.staff_route,
        old_chat_id=message.chat.id,
        new_chat_id=message.migrate_to_chat_id,
    )


# ------------------------------------------------------------------ inviting the staff
async def invite(message: Message, t: Translator, bot: Bot) -> None:
    """The link for the staff, and a printable A4 poster with its QR code."""
    me = await bot.me()
    link = start_link(me.username or "", INVITE_PAYLOAD)
    poster = await asyncio.to_thread(
        poster_pdf,
        title=t("invite-poster-title"),
        url=link,
        lines=[t("invite-poster-line1"), t("invite-poster-line2")],
    )
    await message.answer(t("invite-text", link=link), disable_web_page_preview=True)
    await message.answer_document(
        BufferedInputFile(poster, filename=t("invite-poster-file")),
        caption=t("invite-poster-caption"),
    )


async def not_allowed(message: Message, t: Translator) -> None:
    await message.answer(t("not-allowed"))


def get_router() -> Router:
    router = Router(name="onboarding")

    private = Router(name="onboarding-private")
    private.message.filter(F.chat.type == "private")
    private.message.register(
        claim, CommandStart(deep_link=True, magic=F.args.startswith(SETUP_PREFIX))
    )
    private.message.register(invite, Command("invite"), is_admin())
    private.message.register(not_allowed, Command("invite"))
    private.message.register(here_in_private, Command("here"))

    groups = Router(name="onboarding-groups")
    groups.message.filter(F.chat.type.in_(GROUP_TYPES))
    groups.message.register(here, Command("here"), is_admin())
    groups.message.register(here_refused, Command("here"))
    groups.message.register(chat_migrated, F.migrate_to_chat_id)
    groups.my_chat_member.filter(F.chat.type.in_(GROUP_TYPES))
    groups.my_chat_member.register(
        added_to_group, ChatMemberUpdatedFilter(JOIN_TRANSITION), is_admin()
    )
    groups.my_chat_member.register(removed_from_group, ChatMemberUpdatedFilter(LEAVE_TRANSITION))
    groups.callback_query.filter(F.message.chat.type.in_(GROUP_TYPES))
    groups.callback_query.register(use_group, StaffChatCb.filter(), is_admin())
    groups.callback_query.register(use_group_refused, StaffChatCb.filter())

    router.include_routers(private, groups)
    return router
