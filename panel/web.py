"""The panel's web plumbing: its context, who is behind the cookie, the CSRF check, form
parsing, rendering and the session cookie. The pages are in panel/pages.py (staff) and
panel/admin_pages.py; panel/app.py puts them together.

Every page asks `current_viewer` who is behind the cookie (the person's role and block
flag read from the database on every request); every POST carries the session's CSRF
token. Reads go through panel/queries.py, changes through panel/actions.py.
"""

from __future__ import annotations

import hmac
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from aiogram import Bot
from fastapi import Depends, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment
from markupsafe import Markup
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.datastructures import FormData

from bot.services import panel_auth
from bot.services.notifications import Notifier
from bot.settings import Settings
from models import Role, User
from panel.files import FileCache
from utils.cards import priority_label, status_label
from utils.i18n import Catalogue, Translator

HERE = Path(__file__).resolve().parent
TEMPLATES_DIR = HERE / "templates"
STATIC_DIR = HERE / "static"
COOKIE = "zavhoz_panel"
SEARCH_MAX = 100
NAMES_MAX = 200
INT4_MAX = 2**31 - 1

# A row id in the URL. One past PostgreSQL's integer is no row: a 404 (app.py turns the
# validation error into the not-found page), never a query the database refuses.
RowId = Annotated[int, PathParam(ge=1, le=INT4_MAX)]

# What a page may say after a POST (?result=...): only these, never text from the URL.
RESULTS = frozenset(
    {
        "done",
        "not_found",
        "forbidden",
        "wrong_status",
        "reason_required",
        "bad_assignee",
        "conflict",
        "closed",
        "empty",
        "unchanged",
        "protected",
        "self",
        "duplicate",
        "too_long",
    }
)


@dataclass(frozen=True, slots=True)
class PanelContext:
    settings: Settings
    session_pool: async_sessionmaker[AsyncSession]
    bot: Bot
    catalogue: Catalogue
    notifier: Notifier
    env: Environment
    files: FileCache

    @property
    def tz(self) -> ZoneInfo:
        return self.settings.tz

    @property
    def secure_cookie(self) -> bool:
        return self.settings.panel_url.startswith("https://")


@dataclass(frozen=True, slots=True)
class PanelUser:
    user: User
    csrf_token: str
    t: Translator

    @property
    def is_admin(self) -> bool:
        return self.user.role is Role.ADMIN


class NotLoggedIn(Exception):
    pass


class Refused(Exception):
    """403: a wrong role, or a POST without the session's CSRF token."""


class NotFound(Exception):
    pass


# ------------------------------------------------------------------- dependencies
def context(request: Request) -> PanelContext:
    ctx: PanelContext = request.app.state.panel
    return ctx


async def db(request: Request) -> AsyncIterator[AsyncSession]:
    async with context(request).session_pool() as session:
        yield session


Session = Annotated[AsyncSession, Depends(db)]


async def current_viewer(request: Request, session: Session) -> PanelUser:
    token = request.cookies.get(COOKIE)
    identity = await panel_auth.current(session, session_token=token)
    if identity is None:
        raise NotLoggedIn
    if identity.touched:  # an active session keeps its cookie for another idle period
        request.state.refresh_cookie = token
    t = context(request).catalogue.translator(identity.user.language)
    return PanelUser(identity.user, identity.csrf_token, t)


StaffUser = Annotated[PanelUser, Depends(current_viewer)]


async def admin_viewer(viewer: StaffUser) -> PanelUser:
    if not viewer.is_admin:
        raise Refused
    return viewer


AdminUser = Annotated[PanelUser, Depends(admin_viewer)]


async def checked_form(request: Request, viewer: PanelUser) -> FormData:
    """The posted form, when it carries this session's CSRF token (else 403)."""
    form = await request.form()
    sent = form.get("csrf")
    if not isinstance(sent, str) or not hmac.compare_digest(
        sent.encode(), viewer.csrf_token.encode()
    ):
        raise Refused
    return form


# ------------------------------------------------------------------------ helpers
def int_param(value: Any, default: int = 0) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return default
    return number if -INT4_MAX <= number <= INT4_MAX else default


def text_param(value: Any, limit: int) -> str:
    return str(value).strip()[:limit] if isinstance(value, str) else ""


def date_param(value: str | None) -> date | None:
    try:
        day = date.fromisoformat(value) if value and len(value) <= 10 else None
    except ValueError:
        return None
    return day if day is not None and 1900 <= day.year <= 9000 else None


def result_of(request: Request) -> str | None:
    value = request.query_params.get("result")
    return value if value in RESULTS else None


def _catalogue_markup(text: str) -> Markup:
    """A text of the catalogue, as HTML: the catalogue escapes every argument (user text
    included, tests/test_panel_http.py checks it), and its own texts are ours."""
    return Markup(text)  # noqa: S704 - the catalogue's output, its arguments escaped


def render(
    request: Request,
    viewer: PanelUser | None,
    template: str,
    *,
    status_code: int = 200,
    **values: Any,
) -> HTMLResponse:
    ctx = context(request)
    t = viewer.t if viewer is not None else ctx.catalogue.translator(None)

    def tr(key: str, /, **kwargs: Any) -> Markup:
        return _catalogue_markup(t(key, **kwargs))

    def dt(value: datetime | None) -> str:
        return t.datetime(value, ctx.tz)

    html = ctx.env.get_template(template).render(
        _=tr,
        dt=dt,
        status=lambda s: _catalogue_markup(status_label(t, s)),
        priority=lambda p: _catalogue_markup(priority_label(t, p)),
        lang=t.language,
        viewer=viewer,
        csrf=viewer.csrf_token if viewer else "",
        result=result_of(request),
        path=request.url.path,
        **values,
    )
    return HTMLResponse(html, status_code=status_code)


def back(url: str, result: str) -> RedirectResponse:
    return RedirectResponse(f"{url}?{urlencode({'result': result})}", status_code=303)


def set_cookie(request: Request, response: Response, token: str) -> None:
    response.set_cookie(
        COOKIE,
        token,
        max_age=int(panel_auth.SESSION_IDLE.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=context(request).secure_cookie,
        path="/",
    )
