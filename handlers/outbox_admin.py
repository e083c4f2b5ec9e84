"""/outbox: the admin sees the notification queue and the failures, and re-queues them."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.context import UpdateContext
from bot.filters import is_admin, role_router
from bot.services import outbox
from bot.staff_ui import edit_pressed
from models import OutboxStatus
from utils.callbacks import OutboxCb
from utils.i18n import Translator
from utils.keyboards.outbox import outbox_keyboard

ERROR_SHOWN = 200  # characters of a failure's error shown


def render(t: Translator, view: outbox.OutboxOverview) -> str:
    lines = [
        t("outbox-title"),
        t(
            "outbox-counts",
            pending=view.counts[OutboxStatus.PENDING],
            sent=view.counts[OutboxStatus.SENT],
            failed=view.counts[OutboxStatus.FAILED],
        ),
        "",
    ]
    if not view.failures:
        lines.append(t("outbox-no-failures"))
    else:
        lines.append(t("outbox-failures"))
        for row in view.failures:
            lines.append(
                t(
                    "outbox-failure-line",
                    id=row.id,
                    chat=row.chat_id,
                    method=row.method,
                    attempts=row.attempts,
                    error=(row.last_error or "")[:ERROR_SHOWN],
                )
            )
    return "\n".join(lines)


async def _screen(ctx: UpdateContext) -> tuple[str, InlineKeyboardMarkup]:
    t, view = ctx.t, await outbox.overview(ctx.session)
    return render(t, view), outbox_keyboard(t, failed=view.counts[OutboxStatus.FAILED])


async def show(message: Message, ctx: UpdateContext) -> None:
    text, keyboard = await _screen(ctx)
    await message.answer(text, reply_markup=keyboard)


async def press(
    query: CallbackQuery, callback_data: OutboxCb, ctx: UpdateContext, bot: Bot
) -> None:
    if callback_data.requeue:
        count = await outbox.requeue_failed(ctx.session)
        await query.answer(ctx.t("outbox-requeued", count=count))
    else:
        await query.answer()
    await edit_pressed(query, bot, *await _screen(ctx))


def get_router() -> Router:
    router = role_router("outbox_admin", is_admin())
    router.message.register(show, Command("outbox"), F.chat.type == "private")
    router.callback_query.register(press, OutboxCb.filter())
    return router
