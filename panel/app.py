"""The panel's FastAPI app: built by `create_panel_app`, nothing created at import time.

Every page asks `current_viewer` who is behind the cookie (the person's role and block
flag read from the database on every request); every POST carries the session's CSRF
token. The pages are panel/pages.py (staff) and panel/admin_pages.py, over panel/web.py;
reads go through panel/queries.py, changes through panel/actions.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiogram import Bot
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.notifications import Notifier
from bot.settings import Settings
from panel import admin_pages, pages
from panel.files import FileCache
from panel.web import (
    COOKIE,
    STATIC_DIR,
    TEMPLATES_DIR,
    NotFound,
    NotLoggedIn,
    PanelContext,
    Refused,
    render,
    set_cookie,
)
from utils.i18n import Catalogue


# ------------------------------------------------------------------------- errors
def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get(
        "accept", ""
    )


async def _not_logged_in(request: Request, _exc: Exception) -> Response:
    if _wants_json(request):
        return JSONResponse({"error": "not_logged_in"}, status_code=401)
    response = render(request, None, "login.html", status_code=401)
    response.delete_cookie(COOKIE, path="/")
    return response


async def _refused(request: Request, _exc: Exception) -> Response:
    if _wants_json(request):
        return JSONResponse({"error": "forbidden"}, status_code=403)
    return render(request, None, "error.html", status_code=403, code=403)


async def _not_found(request: Request, _exc: Exception) -> Response:
    return render(request, None, "error.html", status_code=404, code=404)


SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # The login link carries a token: never let it leak in a Referer header.
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self'; style-src 'self'; script-src 'none'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
}


def create_panel_app(
    settings: Settings,
    session_pool: async_sessionmaker[AsyncSession],
    bot: Bot,
    catalogue: Catalogue | None = None,
    *,
    files: FileCache | None = None,
) -> FastAPI:
    """The panel over this database and Bot (the Bot only fetches files and sets menus)."""
    catalogue = catalogue or Catalogue(settings.default_language)
    app = FastAPI(title="ZAVhoz", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.panel = PanelContext(
        settings=settings,
        session_pool=session_pool,
        bot=bot,
        catalogue=catalogue,
        notifier=Notifier.from_settings(catalogue, settings),
        env=Environment(loader=FileSystemLoader(TEMPLATES_DIR), autoescape=True, trim_blocks=True),
        files=files or FileCache(),
    )

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Callable[[Request], Any]) -> Response:
        response: Response = await call_next(request)
        refresh = getattr(request.state, "refresh_cookie", None)
        if refresh and response.status_code < 400 and request.url.path != "/logout":
            set_cookie(request, response, refresh)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if response.media_type == "text/html" or "text/html" in response.headers.get(
            "content-type", ""
        ):
            response.headers["Cache-Control"] = "no-store"
        return response

    app.add_exception_handler(NotLoggedIn, _not_logged_in)
    app.add_exception_handler(Refused, _refused)
    app.add_exception_handler(NotFound, _not_found)
    app.add_exception_handler(RequestValidationError, _not_found)  # an id out of range
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    get, post = ["GET"], ["POST"]
    routes: list[tuple[str, Callable[..., Any], list[str]]] = [
        ("/", lambda: RedirectResponse("/queue", status_code=303), get),
        ("/login", pages.login_page, get),
        ("/login/{token}", pages.login, get),
        ("/auth/telegram", pages.telegram_login, get),
        ("/logout", pages.logout, post),
        ("/queue", pages.queue_page, get),
        ("/api/counts", pages.api_counts, get),
        ("/requests/{request_id:int}", pages.request_page, get),
        ("/requests/{request_id:int}/action", pages.request_action, post),
        ("/requests/{request_id:int}/files/{file_id:int}", pages.request_file, get),
        ("/people", admin_pages.people_page, get),
        ("/people/{user_id:int}/role", admin_pages.person_role, post),
        ("/people/{user_id:int}/block", admin_pages.person_block, post),
        ("/categories", admin_pages.categories_page, get),
        ("/categories", admin_pages.category_add, post),
        ("/categories/{category_id:int}", admin_pages.category_change, post),
        ("/stats", admin_pages.stats_page, get),
        ("/stats/chart.png", admin_pages.stats_chart, get),
        ("/export", admin_pages.export, get),
    ]
    for path, endpoint, methods in routes:
        app.add_api_route(path, endpoint, methods=methods, include_in_schema=False)
    return app
