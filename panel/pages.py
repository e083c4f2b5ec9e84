"""The staff's pages: login and logout, the queues, one request with its actions and files."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from bot.services import panel_auth
from models import Action, Priority, utcnow
from models.queues import ANY_ASSIGNEE, COUNT_CAP, UNASSIGNED, Queue, QueueFilter
from panel import actions, queries
from panel.files import FileGone, FileTooLarge
from panel.web import (
    COOKIE,
    SEARCH_MAX,
    NotFound,
    RowId,
    Session,
    StaffUser,
    back,
    checked_form,
    context,
    date_param,
    int_param,
    render,
    set_cookie,
    text_param,
)


# -------------------------------------------------------------------------- login
async def login_page(request: Request) -> HTMLResponse:
    return render(request, None, "login.html")


async def login(request: Request, token: str, session: Session) -> Response:
    started = await panel_auth.start_session(session, login_token=token)
    return _signed_in(request, started)


async def telegram_login(request: Request, session: Session) -> Response:
    """Telegram Login's redirect (LoginUrl button): signed fields in the query string."""
    ctx = context(request)
    params = {k: v for k, v in request.query_params.items() if len(v) <= 512}
    telegram_id = panel_auth.telegram_login_id(params, ctx.settings.bot_token.get_secret_value())
    started = None
    if telegram_id is not None:
        started = await panel_auth.start_telegram_session(session, telegram_id=telegram_id)
    return _signed_in(request, started)


def _signed_in(request: Request, started: panel_auth.NewSession | None) -> Response:
    """Into the queue with the session's cookie; no session: the login page, refused."""
    if started is None:
        return render(request, None, "login.html", status_code=403, refused=True)
    response = RedirectResponse("/queue", status_code=303)
    set_cookie(request, response, started.token)
    return response


async def logout(request: Request, session: Session, viewer: StaffUser) -> Response:
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
    since, until = date_param(params.get("since")), date_param(params.get("until"))
    flt = QueueFilter(
        queue=queue,
        category_id=max(0, int_param(params.get("category"))),
        priority=priority,
        assignee=max(UNASSIGNED, int_param(params.get("assignee"), ANY_ASSIGNEE)),
        location=text_param(params.get("place"), SEARCH_MAX),
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


async def queue_page(request: Request, session: Session, viewer: StaffUser) -> Response:
    ctx = context(request)
    now = utcnow()
    search_text = text_param(request.query_params.get("q"), SEARCH_MAX)
    flt, echo = _queue_filter(request, ctx.tz)
    after_id = max(0, int_param(request.query_params.get("after")))
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


async def api_counts(request: Request, session: Session, viewer: StaffUser) -> JSONResponse:
    counts = await queries.queue_counts(session, viewer.user, now=utcnow())
    return JSONResponse({q.value: n for q, n in counts.items()})


# ------------------------------------------------------------------------ request
async def request_page(
    request: Request, request_id: RowId, session: Session, viewer: StaffUser
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
    request: Request, request_id: RowId, session: Session, viewer: StaffUser
) -> Response:
    form = await checked_form(request, viewer)
    ctx = context(request)
    name = form.get("action")
    text = text_param(form.get("text"), actions.TEXT_MAX)
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
            result = "forbidden"
        else:  # change_status refuses an action that is not a status change itself
            result = await actions.change_status(
                session,
                ctx.notifier,
                request_id=request_id,
                action=action,
                user=viewer.user,
                reason=text_param(form.get("reason"), 1000) or None,
                assignee_id=int_param(form.get("assignee")) or None,
            )
    return back(f"/requests/{request_id}", result)


async def request_file(
    request: Request, request_id: RowId, file_id: RowId, session: Session, viewer: StaffUser
) -> Response:
    attachment = await queries.attachment(session, viewer.user, request_id, file_id)
    if attachment is None:
        raise NotFound
    ctx = context(request)
    try:
        served = await ctx.files.fetch(ctx.bot, attachment)
    except FileTooLarge:
        return Response(status_code=413)
    except FileGone:  # the not-found page, not a server error
        raise NotFound from None
    disposition = "inline" if served.inline else f'attachment; filename="file-{attachment.id}"'
    return Response(
        served.data,
        media_type=served.media_type,
        headers={"Content-Disposition": disposition, "Cache-Control": "private, max-age=3600"},
    )
