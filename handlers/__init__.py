"""The Telegram edge: one router factory per module.

Order matters: dialogs and feature routers first, `fallback` last.
"""

from __future__ import annotations

from aiogram import Router

from handlers import (
    admin,
    categories,
    checklist,
    common,
    fallback,
    finishing,
    my_requests,
    new_request,
    onboarding,
    panel,
    place_step,
    places,
    planned,
    reports,
    staff_comments,
    triage,
    users,
)


def get_routers() -> list[Router]:
    return [
        onboarding.get_router(),  # before common: /start setup-... is claimed here
        place_step.get_link_router(),  # before common: /start p-... opens a new request
        common.get_router(),
        place_step.get_router(),  # before new_request: the place step's input
        new_request.get_router(),
        my_requests.get_router(),
        admin.get_router(),
        users.get_router(),
        categories.get_router(),
        places.get_router(),
        planned.get_router(),
        checklist.get_router(),
        triage.get_router(),
        finishing.get_router(),
        staff_comments.get_router(),
        reports.get_router(),
        panel.get_router(),
        fallback.get_router(),
    ]
