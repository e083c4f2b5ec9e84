"""The Telegram edge: one router factory per module.

Order matters: dialogs and feature routers first, `fallback` last.
"""

from __future__ import annotations

from aiogram import Router

from handlers import common, fallback, reports


def get_routers() -> list[Router]:
    return [
        common.get_router(),
        reports.get_router(),
        fallback.get_router(),
    ]
