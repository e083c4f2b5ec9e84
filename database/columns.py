"""The columns of the plain rows in models/views.py, in their fields' order, for the
repositories that build them.

A list row starts with the request's id and status and its category's names in both
languages (`_Categorised`), joined from the categories table; `ListItem` ("My requests",
the followed requests) is that head and the location and time it was filed.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select

from models import Category, Request


def categorised(*columns: Any) -> Select[Any]:
    """Request.id, Request.status, the category's name_ru and name_en, then `columns`."""
    return select(Request.id, Request.status, Category.name_ru, Category.name_en, *columns).join(
        Category, Category.id == Request.category_id
    )


def list_items() -> Select[Any]:
    """The columns of `models.views.ListItem`."""
    return categorised(Request.location, Request.created_at)
