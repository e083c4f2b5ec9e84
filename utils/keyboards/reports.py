"""Buttons of /export and of the daily digest."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from aiogram.types import InlineKeyboardMarkup

from models.enums import RequestStatus
from models.queues import Queue
from models.reports import DigestQueue, ExportPeriod
from utils.callbacks import ExportCb, QueueCb
from utils.cards import status_label
from utils.i18n import Translator
from utils.keyboards.builder import InlineKeyboardBuilder

EXPORT_PERIODS: tuple[ExportPeriod, ...] = tuple(ExportPeriod)
# Digest line -> the admin panel's queue its button opens.
DIGEST_QUEUES: dict[DigestQueue, Queue] = {
    DigestQueue.NEW: Queue.NEW,
    DigestQueue.OVERDUE: Queue.OVERDUE,
    DigestQueue.IN_PROGRESS: Queue.IN_PROGRESS,
    DigestQueue.DONE: Queue.DONE,
}


def export_periods_keyboard(t: Translator) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for period in EXPORT_PERIODS:
        kb.button(text=t(f"export-period-{period}"), callback_data=ExportCb(period=period))
    kb.button(text=t("btn-cancel"), callback_data=ExportCb(cancel=True))
    kb.adjust(2, 2, 1)
    return kb.as_markup()


def export_statuses_keyboard(
    t: Translator, period: str, statuses: Iterable[RequestStatus] = tuple(RequestStatus)
) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("export-status-any"), callback_data=ExportCb(period=period, status="any"))
    for status in statuses:
        kb.button(
            text=status_label(t, status), callback_data=ExportCb(period=period, status=status)
        )
    kb.button(text=t("btn-back"), callback_data=ExportCb())
    kb.adjust(1, 2, 2, 2, 2, 1)
    return kb.as_markup()


def export_back_keyboard(t: Translator) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("btn-back"), callback_data=ExportCb())
    return kb.as_markup()


def digest_keyboard(t: Translator, counts: Mapping[str, int]) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for name, queue in DIGEST_QUEUES.items():
        kb.button(
            text=t(f"digest-btn-{name}", count=counts.get(name, 0)),
            callback_data=QueueCb(q=queue),
        )
    kb.adjust(2)
    return kb.as_markup()
