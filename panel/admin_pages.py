"""The admin's pages: people (roles, block), categories, statistics and the Excel export."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import Response

from models import RequestStatus, Role, utcnow
from models.reports import ANY_STATUS, ExportPeriod
from panel import actions, queries
from panel.web import (
    NAMES_MAX,
    AdminUser,
    NotFound,
    RowId,
    Session,
    back,
    checked_form,
    context,
    int_param,
    render,
    text_param,
)


# ------------------------------------------------------------------------ people
async def people_page(request: Request, session: Session, viewer: AdminUser) -> Response:
    query = text_param(request.query_params.get("q"), 64)
    after_id = max(0, int_param(request.query_params.get("after")))
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
    request: Request, user_id: RowId, session: Session, viewer: AdminUser
) -> Response:
    form = await checked_form(request, viewer)
    ctx = context(request)
    try:
        role = Role(str(form.get("role")))
    except ValueError:
        return back("/people", "forbidden")
    result = await actions.change_role(
        session,
        ctx.catalogue,
        ctx.bot,
        actor=viewer.user,
        user_id=user_id,
        role=role,
        admin_ids=ctx.settings.admin_ids,
    )
    return back("/people", result)


async def person_block(
    request: Request, user_id: RowId, session: Session, viewer: AdminUser
) -> Response:
    form = await checked_form(request, viewer)
    result = await actions.set_blocked(
        session,
        actor=viewer.user,
        user_id=user_id,
        blocked=form.get("blocked") == "1",
        admin_ids=context(request).settings.admin_ids,
    )
    return back("/people", result)


# -------------------------------------------------------------------- categories
async def categories_page(request: Request, session: Session, viewer: AdminUser) -> Response:
    rows = await queries.categories(session)
    return render(request, viewer, "categories.html", rows=rows)


async def category_add(request: Request, session: Session, viewer: AdminUser) -> Response:
    form = await checked_form(request, viewer)
    result = await actions.add_category(session, names=text_param(form.get("names"), NAMES_MAX))
    return back("/categories", result)


async def category_change(
    request: Request, category_id: RowId, session: Session, viewer: AdminUser
) -> Response:
    form = await checked_form(request, viewer)
    if "hidden" in form:
        result = await actions.set_category_hidden(
            session, category_id=category_id, hidden=form.get("hidden") == "1"
        )
    else:
        result = await actions.rename_category(
            session, category_id=category_id, names=text_param(form.get("names"), NAMES_MAX)
        )
    return back("/categories", result)


# ------------------------------------------------------------------ stats, export
async def stats_page(request: Request, session: Session, viewer: AdminUser) -> Response:
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


async def stats_chart(request: Request, session: Session, viewer: AdminUser) -> Response:
    png = await queries.stats_chart(session, viewer.t, now=utcnow(), tz=context(request).tz)
    return Response(png, media_type="image/png", headers={"Cache-Control": "no-store"})


async def export(request: Request, session: Session, viewer: AdminUser) -> Response:
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
