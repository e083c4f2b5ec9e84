"""/stats, /export and the daily digest's queue buttons: admins only."""

from __future__ import annotations

import asyncio
import contextlib

from aiogram import Bot, F, Router
from aiogram.enums import ChatAction
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, or_f
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.chat_action import ChatActionSender

from bot.context import UpdateContext
from bot.filters import is_admin, role_router
from bot.services import stats as stats_service
from bot.services.charts import ChartTexts, render_chart
from bot.services.export import build_export
from bot.staff_ui import gated
from models import RequestStatus, utcnow
from models.reports import ANY_STATUS, ExportPeriod
from utils.callbacks import ExportCb
from utils.cards import status_label
from utils.i18n import Markup, Translator
from utils.keyboards.reports import (
    export_back_keyboard,
    export_periods_keyboard,
    export_statuses_keyboard,
)
from utils.reports import render_stats

# While a big file is built, repeat "sending a document…" (Telegram shows it for 5 s).
CHAT_ACTION_REPEAT = 4.5


async def _edit(message: Message, text: str, markup: InlineKeyboardMarkup | None) -> None:
    with contextlib.suppress(TelegramBadRequest):  # "message is not modified" is success
        await message.edit_text(text, reply_markup=markup)


async def stats(message: Message, ctx: UpdateContext) -> None:
    t, tz = ctx.t, ctx.settings.tz
    data = await stats_service.collect(ctx.session, now=utcnow(), tz=tz)
    await message.answer(render_stats(t, data, tz))
    png = await asyncio.to_thread(render_chart, data, ChartTexts.from_catalogue(t), t.language)
    await message.answer_photo(
        BufferedInputFile(png, filename="zavhoz-stats.png"), caption=t("stats-chart-caption")
    )


async def export(message: Message, t: Translator) -> None:
    await message.answer(t("export-choose-period"), reply_markup=export_periods_keyboard(t))


async def export_step(
    query: CallbackQuery, callback_data: ExportCb, ctx: UpdateContext, bot: Bot
) -> None:
    t, message = ctx.t, query.message
    if not isinstance(message, Message):
        await query.answer(t("button-outdated"), show_alert=True)
        return
    if callback_data.cancel:
        await query.answer()
        await _edit(message, t("export-cancelled"), None)
        return
    if callback_data.period is None:
        await query.answer()
        await _edit(message, t("export-choose-period"), export_periods_keyboard(t))
        return
    try:
        period = ExportPeriod(callback_data.period)
        status = (
            None
            if callback_data.status in (None, ANY_STATUS)
            else RequestStatus(callback_data.status)
        )
    except ValueError:
        await query.answer(t("button-outdated"), show_alert=True)
        return
    if callback_data.status is None:
        await query.answer()
        await _edit(
            message,
            t("export-choose-status", period=t(f"export-period-{period}")),
            export_statuses_keyboard(t, period),
        )
        return
    await query.answer()
    await _send_export(message, ctx, bot, period=period, status=status)


async def _send_export(
    message: Message,
    ctx: UpdateContext,
    bot: Bot,
    *,
    period: ExportPeriod,
    status: RequestStatus | None,
) -> None:
    """The file itself, with "sending a document…" shown while it is built."""
    t = ctx.t
    period_text = t(f"export-period-{period}")
    status_text = status_label(t, status) if status else t("export-status-any")
    await _edit(
        message,
        t("export-preparing", period=period_text, status=Markup(status_text)),
        None,
    )
    await bot.send_chat_action(message.chat.id, ChatAction.UPLOAD_DOCUMENT)
    async with ChatActionSender.upload_document(
        bot=bot,
        chat_id=message.chat.id,
        interval=CHAT_ACTION_REPEAT,
        initial_sleep=CHAT_ACTION_REPEAT,
    ):
        file = await build_export(
            ctx.session, t, period=period, status=status, now=utcnow(), tz=ctx.settings.tz
        )
    if not file.rows:
        await message.answer(t("export-empty"), reply_markup=export_back_keyboard(t))
        return
    await message.answer_document(
        BufferedInputFile(file.data, filename=file.filename),
        caption=t(
            "export-caption",
            count=file.rows,
            period=period_text,
            status=Markup(status_text),
        ),
    )


def get_router() -> Router:
    private = F.chat.type == "private"
    admin = role_router("reports-admin", is_admin())
    admin.message.register(stats, Command("stats"), private)
    admin.message.register(export, Command("export"), private)
    admin.callback_query.register(export_step, ExportCb.filter())
    commands = or_f(Command("stats"), Command("export"))
    return gated("reports", admin, commands=commands, buttons=ExportCb.filter())
