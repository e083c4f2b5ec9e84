"""The Telegram edge: one router factory per module.

Order matters: dialogs and feature routers first, `fallback` last.
"""

from __future__ import annotations

from aiogram import Router

from handlers import (
    admin,
    categories,
    common,
    fallback,
    my_requests,
    new_request,
    panel,
    reports,
    triage,
    users,
)


def get_routers() -> list[Router]:
    return [
        common.get_router(),
        new_request.get_router(),
        my_requests.get_router(),
        admin.get_router(),
        users.get_router(),
        categories.get_router(),
        triage.get_router(),
        reports.get_router(),
        panel.get_router(),
        fallback.get_router(),
    ]
