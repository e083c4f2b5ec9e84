"""The panel's FastAPI app: built by `create_panel_app`, nothing created at import time.

Every page asks `current_viewer` who is behind the cookie (the person's role and block
flag read from the database on every request); every POST carries the session's CSRF
token. Reads go through panel/queries.py, changes through panel/actions.py.
"""

from __future__ import annotations

import hmac
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from aiogram import Bot
from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.datastructures import FormData

from bot.services import panel_auth
from bot.services.export import ANY_STATUS, ExportPeriod
from bot.services.notifications import Notifier
from bot.settings import Settings
from database.repositories.queues import QueueFilter
from models import Action, Priority, RequestStatus, Role, User, utcnow
from models.queues import ANY_ASSIGNEE, COUNT_CAP, UNASSIGNED, Queue
from panel import actions, queries
from panel.files import FileCache, FileTooLarge
from utils.cards import priority_label, status_label
from utils.i18n import Catalogue, Translator

HERE = Path(__file__).resolve().parent
TEMPLATES_DIR = HERE / "templates"
STATIC_DIR = HERE / "static"
COOKIE = "zavhoz_panel"
SEARCH_MAX = 100
NAMES_MAX = 200

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
class Viewer:
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


async def current_viewer(request: Request, session: Session) -> Viewer:
    token = request.cookies.get(COOKIE)
    identity = await panel_auth.current(session, session_token=token)
    if identity is None:
        raise NotLoggedIn
    if identity.touched:  # an active session keeps its cookie for another idle period
        request.state.refresh_cookie = token
    t = context(request).catalogue.translator(identity.user.language)
    return Viewer(identity.user, identity.csrf_token, t)


StaffViewer = Annotated[Viewer, Depends(current_viewer)]


async def admin_viewer(viewer: StaffViewer) -> Viewer:
    if not viewer.is_admin:
        raise Refused
    return viewer


AdminViewer = Annotated[Viewer, Depends(admin_viewer)]


async def checked_form(request: Request, viewer: Viewer) -> FormData:
    """The posted form, when it carries this session's CSRF token (else 403)."""
    form = await request.form()
    sent = form.get("csrf")
    if not isinstance(sent, str) or not hmac.compare_digest(
        sent.encode(), viewer.csrf_token.encode()
    ):
        raise Refused
    return form


# ------------------------------------------------------------------------ helpers
def _int(value: Any, default: int = 0) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return default
    return number if -(2**31) < number < 2**31 else default


def _text(value: Any, limit: int) -> str:
    return str(value).strip()[:limit] if isinstance(value, str) else ""


def _date(value: str | None) -> date | None:
    try:
        day = date.fromisoformat(value) if value and len(value) <= 10 else None
    except ValueError:
        return None
    return day if day is not None and 1900 <= day.year <= 9000 else None


def _result(request: Request) -> str | None:
    value = request.query_params.get("result")
    return value if value in RESULTS else None


def render(
    request: Request,
    viewer: Viewer | None,
    template: str,
    *,
    status_code: int = 200,
    **values: Any,
) -> HTMLResponse:
    ctx = context(request)
    t = viewer.t if viewer is not None else ctx.catalogue.translator(None)

    def tr(key: str, /, **kwargs: Any) -> Markup:
        # The catalogue escapes every argument; its own texts are trusted markup.
        return Markup(t(key, **kwargs))

    def dt(value: datetime | None) -> str:
        return t.datetime(value, ctx.tz)

    html = ctx.env.get_template(template).render(
        _=tr,
        dt=dt,
        status=lambda s: Markup(status_label(t, s)),
        priority=lambda p: Markup(priority_label(t, p)),
        lang=t.language,
        viewer=viewer,
        csrf=viewer.csrf_token if viewer else "",
        result=_result(request),
        path=request.url.path,
        **values,
    )
    return HTMLResponse(html, status_code=status_code)


def _back(url: str, result: str) -> RedirectResponse:
    return RedirectResponse(f"{url}?{urlencode({'result': result})}", status_code=303)


# -------------------------------------------------------------------------- login
async def login_page(request: Request) -> HTMLResponse:
    return render(request, None, "login.html")


async def login(request: Request, token: str, session: Session) -> Response:
    started = await panel_auth.start_session(session, login_token=token)
    if started is None:
        return render(request, None, "login.html", status_code=403, refused=True)
    response = RedirectResponse("/queue", status_code=303)
    _set_cookie(request, response, started.token)
    return response


def _set_cookie(request: Request, response: Response, token: str) -> None:
    response.set_cookie(
        COOKIE,
        token,
        max_age=int(panel_auth.SESSION_IDLE.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=context(request).secure_cookie,
        path="/",
    )


async def telegram_login(request: Request, session: Session) -> Response:
    """Telegram Login's redirect (LoginUrl button): signed fields in the query string."""
    ctx = context(request)
    params = {k: v for k, v in request.query_params.items() if len(v) <= 512}
    telegram_id = panel_auth.telegram_login_id(params, ctx.settings.bot_token.get_secret_value())
    started = None
    if telegram_id is not None:
        started = await panel_auth.start_telegram_session(session, telegram_id=telegram_id)
    if started is None:
        return render(request, None, "login.html", status_code=403, refused=True)
    response = RedirectResponse("/queue", status_code=303)
    _set_cookie(request, response, started.token)
    return response


async def logout(request: Request, session: Session, viewer: StaffViewer) -> Response:
    await checked_form(request, viewer)
    await panel_auth.end_session(session, session_token=request.cookies.get(COOKIE))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax")
    return response


# -------------------------------------------------------------------------- queue
def _queue_filter(request: Request, tz: ZoneInfo) -> tuple[QueueFilter, dict[str, str]]:
    """The filter from the query string (anything malformed is ignored) and its echo."""
    params = request.query_params
    try:
        queue = Queue(params.get("queue", Queue.NEW.value))
    except ValueError:
        queue = Queue.NEW
    try:
        priority: Priority | None = Priority(params.get("priority", ""))
    except ValueError:
        priority = None
    since, until = _date(params.get("since")), _date(params.get("until"))
    flt = QueueFilter(
        queue=queue,
        category_id=max(0, _int(params.get("category"))),
        priority=priority,
        assignee=max(UNASSIGNED, _int(params.get("assignee"), ANY_ASSIGNEE)),
        location=_text(params.get("place"), SEARCH_MAX),
        created_from=datetime.combine(since, time.min, tz) if since else None,
        created_to=datetime.combine(until + timedelta(days=1), time.min, tz) if until else None,
    )
    echo = {
        "queue": flt.queue.value,
        "category": str(flt.category_id or ""),
        "priority": flt.priority.value if flt.priority else "",
        "assignee": str(flt.assignee) if flt.assignee != ANY_ASSIGNEE else "",
        "place": flt.location,
        "since": since.isoformat() if since else "",
        "until": until.isoformat() if until else "",
        "sort": "old" if params.get("sort") == "old" else "new",
    }
    return flt, echo


def _count_label(n: int) -> str:
    return f"{COUNT_CAP}+" if n > COUNT_CAP else str(n)


async def queue_page(request: Request, session: Session, viewer: StaffViewer) -> Response:
    ctx = context(request)
    now = utcnow()
    search_text = _text(request.query_params.get("q"), SEARCH_MAX)
    flt, echo = _queue_filter(request, ctx.tz)
    after_id = max(0, _int(request.query_params.get("after")))
    screen = await queries.queue_screen(
        session,
        viewer.user,
        flt,
        now=now,
        after_id=after_id,
        oldest_first=echo["sort"] == "old",
        with_rows=not search_text,
    )
    values: dict[str, Any] = {
        "queues": list(Queue),
        "counts": {q: _count_label(n) for q, n in screen.counts.items()},
        "categories": screen.categories,
        "staff": screen.staff,
        "priorities": list(Priority),
        "echo": echo,
        "q": search_text,
        "now": now,
    }
    if screen.page is None:
        found = await queries.search(session, viewer.user, search_text, after_id=after_id)
        if isinstance(found, int):
            return RedirectResponse(f"/requests/{found}", status_code=303)
        page, total = found, None
        next_query: dict[str, Any] = {"q": search_text, "after": page.last_id}
    else:
        page, total = screen.page, _count_label(screen.total)
        next_query = {**{k: v for k, v in echo.items() if v}, "after": page.last_id}
    values.update(
        rows=page.rows,
        total=total,
        next_url=f"/queue?{urlencode(next_query)}" if page.has_more else None,
        first_url="/queue?" + urlencode({k: v for k, v in echo.items() if v}) if after_id else None,
    )
    return render(request, viewer, "queue.html", **values)


async def api_counts(request: Request, session: Session, viewer: StaffViewer) -> JSONResponse:
    counts = await queries.queue_counts(session, viewer.user, now=utcnow())
    return JSONResponse({q.value: n for q, n in counts.items()})


# ------------------------------------------------------------------------ request
async def request_page(
    request: Request, request_id: int, session: Session, viewer: StaffViewer
) -> Response:
    page = await queries.request_page(session, viewer.user, request_id)
    if page is None:
        raise NotFound
    own_files = [f for f in page.files if f.comment_id is None]
    by_comment: dict[int, list[Any]] = {}
    for f in page.files:
        if f.comment_id is not None:
            by_comment.setdefault(f.comment_id, []).append(f)
    staff: list[Any] = []
    if Action.ASSIGN in page.card.actions:
        _, staff = await queries.filter_options(session)
    return render(
        request,
        viewer,
        "request.html",
        card=page.card,
        view=page.card.view,
        own_files=own_files,
        comment_files=by_comment,
        staff=staff,
        Action=Action,
        now=utcnow(),
    )


async def request_action(
    request: Request, request_id: int, session: Session, viewer: StaffViewer
) -> Response:
    form = await checked_form(request, viewer)
    ctx = context(request)
    name = form.get("action")
    text = _text(form.get("text"), actions.TEXT_MAX)
    if name in ("comment", "note"):
        result = await actions.comment(
            session,
            ctx.notifier,
            request_id=request_id,
            user=viewer.user,
            text=text,
            internal=name == "note",
        )
    elif name == Action.FINISH.value:
        result = await actions.finish(
            session, ctx.notifier, request_id=request_id, user=viewer.user, comment=text
        )
    else:
        try:
            action = Action(str(name))
        except ValueError:
            action = None
        if action is None or action not in actions.STATUS_ACTIONS:
            result = "forbidden"
        else:
            result = await actions.change_status(
                session,
                ctx.notifier,
                request_id=request_id,
                action=action,
                user=viewer.user,
                reason=_text(form.get("reason"), 1000) or None,
                assignee_id=_int(form.get("assignee")) or None,
            )
    return _back(f"/requests/{request_id}", result)


async def request_file(
    request: Request, request_id: int, file_id: int, session: Session, viewer: StaffViewer
) -> Response:
    attachment = await queries.attachment(session, viewer.user, request_id, file_id)
    if attachment is None:
        raise NotFound
    ctx = context(request)
    try:
        served = await ctx.files.fetch(ctx.bot, attachment)
    except FileTooLarge:
        return Response(status_code=413)
    disposition = "inline" if served.inline else f'attachment; filename="file-{attachment.id}"'
    return Response(
        served.data,
        media_type=served.media_type,
        headers={"Content-Disposition": disposition, "Cache-Control": "private, max-age=3600"},
    )


# ------------------------------------------------------------------------ people
async def people_page(request: Request, session: Session, viewer: AdminViewer) -> Response:
    query = _text(request.query_params.get("q"), 64)
    after_id = max(0, _int(request.query_params.get("after")))
    rows, more = await queries.people(session, after_id=after_id, query=query or None)
    next_url = None
    if more and rows:
        next_url = "/people?" + urlencode({"q": query, "after": rows[-1].id})
    return render(
        request,
        viewer,
        "people.html",
        rows=rows,
        q=query,
        next_url=next_url,
        roles=list(Role),
        protected=context(request).settings.admin_ids,
    )


async def person_role(
    request: Request, user_id: int, session: Session, viewer: AdminViewer
) -> Response:
    form = await checked_form(request, viewer)
    ctx = context(request)
    try:
        role = Role(str(form.get("role")))
    except ValueError:
        return _back("/people", "forbidden")
    result = await actions.change_role(
        session,
        ctx.catalogue,
        ctx.bot,
        actor=viewer.user,
        user_id=user_id,
        role=role,
        admin_ids=ctx.settings.admin_ids,
    )
    return _back("/people", result)


async def person_block(
    request: Request, user_id: int, session: Session, viewer: AdminViewer
) -> Response:
    form = await checked_form(request, viewer)
    result = await actions.set_blocked(
        session,
        actor=viewer.user,
        user_id=user_id,
        blocked=form.get("blocked") == "1",
        admin_ids=context(request).settings.admin_ids,
    )
    return _back("/people", result)


# -------------------------------------------------------------------- categories
async def categories_page(request: Request, session: Session, viewer: AdminViewer) -> Response:
    rows = await queries.categories(session)
    return render(request, viewer, "categories.html", rows=rows)


async def category_add(request: Request, session: Session, viewer: AdminViewer) -> Response:
    form = await checked_form(request, viewer)
    result = await actions.add_category(session, names=_text(form.get("names"), NAMES_MAX))
    return _back("/categories", result)


async def category_change(
    request: Request, category_id: int, session: Session, viewer: AdminViewer
) -> Response:
    form = await checked_form(request, viewer)
    if "hidden" in form:
        result = await actions.set_category_hidden(
            session, category_id=category_id, hidden=form.get("hidden") == "1"
        )
    else:
        result = await actions.rename_category(
            session, category_id=category_id, names=_text(form.get("names"), NAMES_MAX)
        )
    return _back("/categories", result)


# ------------------------------------------------------------------ stats, export
async def stats_page(request: Request, session: Session, viewer: AdminViewer) -> Response:
    ctx = context(request)
    data = await queries.stats(session, now=utcnow(), tz=ctx.tz)
    return render(
        request,
        viewer,
        "stats.html",
        stats=data,
        statuses=list(RequestStatus),
        periods=list(ExportPeriod),
    )


async def stats_chart(request: Request, session: Session, viewer: AdminViewer) -> Response:
    png = await queries.stats_chart(session, viewer.t, now=utcnow(), tz=context(request).tz)
    return Response(png, media_type="image/png", headers={"Cache-Control": "no-store"})


async def export(request: Request, session: Session, viewer: AdminViewer) -> Response:
    params = request.query_params
    try:
        period = ExportPeriod(params.get("period", ExportPeriod.THIS_MONTH.value))
        raw_status = params.get("status", ANY_STATUS)
        status = None if raw_status == ANY_STATUS else RequestStatus(raw_status)
    except ValueError:
        raise NotFound from None
    file = await queries.export(
        session, viewer.t, period=period, status=status, now=utcnow(), tz=context(request).tz
    )
    return Response(
        file.data,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{file.filename}"'},
    )


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
        notifier=Notifier(catalogue, settings.tz),
        env=Environment(loader=FileSystemLoader(TEMPLATES_DIR), autoescape=True, trim_blocks=True),
        files=files or FileCache(),
    )

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Callable[[Request], Any]) -> Response:
        response: Response = await call_next(request)
        refresh = getattr(request.state, "refresh_cookie", None)
        if refresh and response.status_code < 400 and request.url.path != "/logout":
            _set_cookie(request, response, refresh)
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
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    get, post = ["GET"], ["POST"]
    routes: list[tuple[str, Callable[..., Any], list[str]]] = [
        ("/", lambda: RedirectResponse("/queue", status_code=303), get),
        ("/login", login_page, get),
        ("/login/{token}", login, get),
        ("/auth/telegram", telegram_login, get),
        ("/logout", logout, post),
        ("/queue", queue_page, get),
        ("/api/counts", api_counts, get),
        ("/requests/{request_id:int}", request_page, get),
        ("/requests/{request_id:int}/action", request_action, post),
        ("/requests/{request_id:int}/files/{file_id:int}", request_file, get),
        ("/people", people_page, get),
        ("/people/{user_id:int}/role", person_role, post),
        ("/people/{user_id:int}/block", person_block, post),
        ("/categories", categories_page, get),
        ("/categories", category_add, post),
        ("/categories/{category_id:int}", category_change, post),
        ("/stats", stats_page, get),
        ("/stats/chart.png", stats_chart, get),
        ("/export", export, get),
    ]
    for path, endpoint, methods in routes:
        app.add_api_route(path, endpoint, methods=methods, include_in_schema=False)
    return app
