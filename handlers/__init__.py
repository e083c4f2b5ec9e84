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
    finishing,
    my_requests,
    new_request,
    onboarding,
    panel,
    places,
    reports,
    staff_comments,
    triage,
    users,
)


def get_routers() -> list[Router]:
    return [
        onboarding.get_router(),  # before common: /start setup-... is claimed here
        common.get_router(),
        new_request.get_router(),
        my_requests.get_router(),
        admin.get_router(),
        users.get_router(),
        categories.get_router(),
        places.get_router(),
        triage.get_router(),
        finishing.get_router(),
        staff_comments.get_router(),
        reports.get_router(),
        panel.get_router(),
        fallback.get_router(),
    ]
