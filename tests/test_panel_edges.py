"""The web panel's less travelled paths over HTTP: refusals a person can provoke (a forged
form, a bad value, somebody else's file, a huge id), the JSON counts, the admin forms'
other branches, and what happens to files that are too big or fall out of the cache.

Same bed as tests/test_panel_http.py: the production app factory on the PostgreSQL test
database, logged in through /panel in the bot.
"""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import urlsplit

import httpx
from aiogram.methods import SendMessage
from sqlalchemy import select

from bot.services import panel_auth
from models import (
    AttachmentKind,
    Category,
    Comment,
    PanelLoginToken,
    PanelSession,
    RequestStatus,
    Role,
    User,
    utcnow,
)
from panel.files import FileCache
from tests.conftest import ADMIN, EXECUTOR, TEACHER, Harness
from tests.fake_bot_api import FakeBotAPI
from tests.panel_support import (
    Pool,
    add_comment,
    add_file,
    admin_panel,
    author,
    client,
    log_in,
    logged_in,
    login_link,
    post_action,
    redirect_of,
    teachers_request,
)
from tests.recording_session import BOT_TOKEN
from tests.staff import add_person, add_request, count, history, outbox_rows, request_state
from tests.updates import Person, message

__all__ = ["author", "client"]  # the fixtures

HUGE = 2**40  # a path id no int4 column can hold
NO_SUCH = 2**31 - 1  # the largest id there can be: none in these tests


def ru(harness: Harness, key: str, **kwargs: object) -> str:
    return harness.catalogue.get("ru", key, **kwargs)


# ------------------------------------------------------------------------- login
async def test_an_overlong_or_unknown_login_token_is_refused(
    harness: Harness, client: httpx.AsyncClient
) -> None:
    await add_person(harness.session_pool, ADMIN, Role.ADMIN)
    real = urlsplit(await login_link(harness, ADMIN)).path.rsplit("/", 1)[1]

    for token in ("x" * 129, real[:-1] + ("A" if real[-1] != "A" else "B")):
        response = await client.get(f"/login/{token}")
        assert response.status_code == 403, token
        assert ru(harness, "web-login-refused") in response.text
        assert "set-cookie" not in response.headers
    assert await count(harness.session_pool, PanelSession) == 0
    # The real link is still unused after the misses.
    assert (await client.get(f"/login/{real}")).headers["location"] == "/queue"


async def test_a_link_of_someone_demoted_since_does_not_log_in(
    harness: Harness, client: httpx.AsyncClient
) -> None:
    executor = await add_person(harness.session_pool, EXECUTOR, Role.EXECUTOR)
    path = urlsplit(await login_link(harness, EXECUTOR)).path
    async with harness.session_pool() as session, session.begin():
        (await session.get(User, executor.id)).role = Role.USER  # type: ignore[union-attr]

    response = await client.get(path)

    assert response.status_code == 403
    assert ru(harness, "web-login-refused") in response.text
    assert await count(harness.session_pool, PanelSession) == 0
    async with harness.session_pool() as session:
        [link] = (await session.scalars(select(PanelLoginToken))).all()
    assert link.used_at is not None  # spent all the same: it cannot be tried again later


async def test_no_login_link_for_a_requester_from_the_service_either(harness: Harness) -> None:
    teacher = await add_person(harness.session_pool, TEACHER)
    async with harness.session_pool() as session:
        assert await panel_auth.issue_login_token(session, user=teacher) is None
    assert await count(harness.session_pool, PanelLoginToken) == 0


async def test_a_blocked_staff_member_gets_no_link_from_the_bot(harness: Harness) -> None:
    executor = await add_person(harness.session_pool, EXECUTOR, Role.EXECUTOR)
    async with harness.session_pool() as session, session.begin():
        (await session.get(User, executor.id)).is_blocked = True  # type: ignore[union-attr]

    await harness.feed(message(EXECUTOR, "/panel"))

    assert harness.pop(SendMessage).text == ru(harness, "user-blocked")
    assert await count(harness.session_pool, PanelLoginToken) == 0


async def test_a_signed_telegram_login_with_a_malformed_id_is_refused(
    harness: Harness, client: httpx.AsyncClient
) -> None:
    """The hash is right (the fields are what was signed), but they are not numbers."""
    await add_person(harness.session_pool, ADMIN, Role.ADMIN)
    fields = {"id": "caretaker", "first_name": "Анна", "auth_date": str(int(utcnow().timestamp()))}
    check = "\n".join(f"{k}={fields[k]}" for k in sorted(fields))
    key = hashlib.sha256(BOT_TOKEN.encode()).digest()
    signed = {**fields, "hash": hmac.new(key, check.encode(), hashlib.sha256).hexdigest()}

    response = await client.get("/auth/telegram", params=signed)

    assert response.status_code == 403
    assert ru(harness, "web-login-refused") in response.text
    assert await count(harness.session_pool, PanelSession) == 0


async def test_logout_with_a_forged_token_keeps_the_session(
    harness: Harness, client: httpx.AsyncClient
) -> None:
    _, csrf = await logged_in(harness, client)

    refused = await client.post("/logout", data={"csrf": csrf[::-1]})

    assert refused.status_code == 403
    assert ru(harness, "web-error-403") in refused.text
    assert await count(harness.session_pool, PanelSession) == 1
    assert (await client.get("/queue")).status_code == 200


# ------------------------------------------------------------------------- queue
async def test_the_counts_api_gives_the_viewers_numbers(
    harness: Harness, client: httpx.AsyncClient, db: Pool, author: User
) -> None:
    admin = await add_person(db, ADMIN, Role.ADMIN)
    executor, _ = await logged_in(harness, client, EXECUTOR, Role.EXECUTOR)
    await add_request(db, author)
    await add_request(db, author)
    await add_request(db, author, status=RequestStatus.IN_PROGRESS, assignee=executor)
    await add_request(db, author, status=RequestStatus.IN_PROGRESS, assignee=admin)

    mine = (await client.get("/api/counts")).json()
    assert (mine["new"], mine["work"]) == (2, 1)  # not the admin's request in work
    # A JSON caller hears "forbidden" as JSON, not as a page.
    admin_only = await client.get("/people", headers={"accept": "application/json"})
    assert admin_only.status_code == 403 and admin_only.json() == {"error": "forbidden"}

    client.cookies.clear()
    await log_in(harness, client, ADMIN)
    everyone = (await client.get("/api/counts")).json()
    assert (everyone["new"], everyone["work"]) == (2, 2)


async def test_a_huge_request_id_is_not_found(
    harness: Harness, client: httpx.AsyncClient, author: User
) -> None:
    _, csrf = await logged_in(harness, client)
    rid = await add_request(harness.session_pool, author)

    for path in (f"/requests/{HUGE}", f"/requests/{rid}/files/{HUGE}", f"/requests/{NO_SUCH}"):
        page = await client.get(path)
        assert page.status_code == 404, path
        assert ru(harness, "web-error-404") in page.text
    posted = await post_action(client, csrf, HUGE, "take")
    assert posted.status_code == 404 and ru(harness, "web-error-404") in posted.text
    in_range = await post_action(client, csrf, NO_SUCH, "take")
    assert in_range.headers["location"] == f"/requests/{NO_SUCH}?result=not_found"
    assert await request_state(harness.session_pool, rid) == (RequestStatus.NEW, None)
    # Without a session the answer is the login page, whatever the id.
    client.cookies.clear()
    assert (await client.get(f"/requests/{HUGE}")).status_code == 401


# ---------------------------------------------------------------------- actions
async def test_an_action_that_is_no_status_change_is_refused(
    harness: Harness, client: httpx.AsyncClient, db: Pool, author: User
) -> None:
    """Cancel and confirm are the author's buttons in the bot; "auto_close" is the
    scheduler's; a made-up name is nobody's. None of them moves the request."""
    admin, csrf = await logged_in(harness, client)
    rid = await add_request(db, author, status=RequestStatus.IN_PROGRESS, assignee=admin)

    for name in ("cancel", "confirm", "auto_close", "explode", ""):
        posted = await post_action(client, csrf, rid, name)
        assert posted.headers["location"] == f"/requests/{rid}?result=forbidden", name
    page = await client.get(f"/requests/{rid}?result=forbidden")
    assert ru(harness, "web-result-forbidden") in page.text
    assert await request_state(db, rid) == (RequestStatus.IN_PROGRESS, admin.id)
    assert await history(db, rid) == []
    assert await outbox_rows(db) == 0


async def test_taking_a_request_somebody_already_took_is_refused(
    harness: Harness, client: httpx.AsyncClient, db: Pool, author: User
) -> None:
    executor = await add_person(db, EXECUTOR, Role.EXECUTOR)
    _, csrf = await logged_in(harness, client)
    rid = await add_request(db, author, status=RequestStatus.IN_PROGRESS, assignee=executor)
    closed = await add_request(db, author, status=RequestStatus.CLOSED)

    took = await post_action(client, csrf, rid, "take")
    commented = await post_action(client, csrf, closed, "comment", text="Ещё")

    assert took.headers["location"] == f"/requests/{rid}?result=wrong_status"
    assert commented.headers["location"] == f"/requests/{closed}?result=closed"
    assert (
        ru(harness, "web-result-closed") in (await client.get(commented.headers["location"])).text
    )
    assert await request_state(db, rid) == (RequestStatus.IN_PROGRESS, executor.id)
    assert await count(db, Comment) == 0
    assert await outbox_rows(db) == 0


# ------------------------------------------------------------------------- files
async def test_a_comments_files_are_shown_under_that_comment(
    harness: Harness, client: httpx.AsyncClient, db: Pool, author: User
) -> None:
    await logged_in(harness, client)
    rid = await add_request(db, author)
    comment_id = await add_comment(harness, rid, author, "Вот ещё фото")
    own = await add_file(harness, rid, kind=AttachmentKind.PHOTO, file_id="own")
    attached = await add_file(
        harness, rid, mime_type="application/pdf", file_id="scan", comment_id=comment_id
    )

    page = (await client.get(f"/requests/{rid}")).text

    comment_at = page.index("Вот ещё фото")
    own_at = page.index(f"/requests/{rid}/files/{own}")
    attached_at = page.index(f"/requests/{rid}/files/{attached}")
    assert own_at < comment_at < attached_at  # the scan follows its comment's text
    assert f"{ru(harness, 'web-file')} application/pdf" in page


async def test_a_pdf_is_shown_and_anything_else_is_only_downloaded(
    harness: Harness, client: httpx.AsyncClient, author: User
) -> None:
    await logged_in(harness, client)
    rid = await add_request(harness.session_pool, author)
    pdf = await add_file(harness, rid, mime_type="Application/PDF", file_id="pdf")
    html_file = await add_file(harness, rid, mime_type="text/html", file_id="html")

    shown = await client.get(f"/requests/{rid}/files/{pdf}")
    downloaded = await client.get(f"/requests/{rid}/files/{html_file}")

    assert shown.headers["content-type"] == "application/pdf"
    assert shown.headers["content-disposition"] == "inline"
    assert downloaded.headers["content-type"] == "application/octet-stream"
    assert downloaded.headers["content-disposition"] == f'attachment; filename="file-{html_file}"'


async def test_a_file_of_another_request_is_not_served(
    harness: Harness, client: httpx.AsyncClient, db: Pool, author: User
) -> None:
    executor, _ = await logged_in(harness, client, EXECUTOR, Role.EXECUTOR)
    admin = await add_person(db, ADMIN, Role.ADMIN)
    mine = await add_request(db, author, status=RequestStatus.IN_PROGRESS, assignee=executor)
    theirs = await add_request(db, author, status=RequestStatus.IN_PROGRESS, assignee=admin)
    secret = await add_file(harness, theirs, mime_type="application/pdf", file_id="secret")

    # The executor's own request in the path does not open a file of a request they
    # may not see, and neither does that request's own path.
    for path in (f"/requests/{mine}/files/{secret}", f"/requests/{theirs}/files/{secret}"):
        response = await client.get(path)
        assert response.status_code == 404, path
        assert ru(harness, "web-error-404") in response.text


async def test_a_file_too_big_for_the_bot_api_is_refused_without_a_download(
    harness: Harness,
) -> None:
    rid = await teachers_request(harness)
    known_big = await add_file(harness, rid, file_id="known-big", file_size=11)
    told_big = await add_file(harness, rid, file_id="told-big")  # size unknown in the row
    small = await add_file(harness, rid, file_id="small")
    async with FakeBotAPI(BOT_TOKEN) as api:
        api.add_file("known-big", b"k" * 11, "documents/known.bin")
        api.add_file("told-big", b"t" * 11, "documents/told.bin")
        api.add_file("small", b"s" * 10, "documents/small.bin")
        async with admin_panel(api, harness, FileCache(max_file=10)) as http:
            statuses = [
                (await http.get(f"/requests/{rid}/files/{f}")).status_code
                for f in (known_big, told_big, small)
            ]
        # The row's size refuses before asking Telegram; getFile's size before downloading.
        assert [c.params["file_id"] for c in api.calls_to("getFile")] == ["told-big", "small"]
        assert api.downloads == ["documents/small.bin"]
    assert statuses == [413, 413, 200]


async def test_the_file_cache_forgets_the_least_recently_used_file(harness: Harness) -> None:
    rid = await teachers_request(harness)
    ids = [await add_file(harness, rid, file_id=name) for name in ("a", "b", "c")]
    async with FakeBotAPI(BOT_TOKEN) as api:
        api.add_file("a", b"a" * 6, "documents/a")
        api.add_file("b", b"b" * 6, "documents/b")
        api.add_file("c", b"c" * 20, "documents/c")  # bigger than the whole cache
        async with admin_panel(api, harness, FileCache(max_bytes=10)) as http:
            a, b, c = (f"/requests/{rid}/files/{i}" for i in ids)
            bodies = [(await http.get(path)).content for path in (a, b, a, b, c, c)]
        # b pushed a out (6 + 6 > 10), a pushed b out; c never fits, so it is fetched twice.
        assert api.downloads == [f"documents/{n}" for n in ("a", "b", "a", "b", "c", "c")]
    assert bodies == [b"a" * 6, b"b" * 6, b"a" * 6, b"b" * 6, b"c" * 20, b"c" * 20]


# ---------------------------------------------------------------------- people
async def test_the_people_list_pages_by_ten(harness: Harness, client: httpx.AsyncClient) -> None:
    await logged_in(harness, client)
    for n in range(11):
        await add_person(harness.session_pool, Person(id=910_000 + n, first_name=f"Жилец{n:02d}"))

    first = (await client.get("/people")).text
    assert "Жилец08" in first and "Жилец09" not in first  # the admin is the first of ten
    assert 'rel="next"' in first
    next_path = first.split('<nav class="pages"><a href="', 1)[1].split('"', 1)[0]
    second = (await client.get(next_path.replace("&amp;", "&"))).text
    assert "Жилец09" in second and "Жилец10" in second and "Жилец08" not in second
    assert 'rel="next"' not in second


async def test_a_role_that_does_not_exist_changes_nothing(
    harness: Harness, client: httpx.AsyncClient
) -> None:
    _, csrf = await logged_in(harness, client)
    teacher = await add_person(harness.session_pool, TEACHER)

    posted = await client.post(f"/people/{teacher.id}/role", data={"csrf": csrf, "role": "god"})
    missing = await client.post(f"/people/{NO_SUCH}/block", data={"csrf": csrf, "blocked": "1"})
    huge = await client.post(f"/people/{HUGE}/role", data={"csrf": csrf, "role": "admin"})

    assert posted.headers["location"] == "/people?result=forbidden"
    assert missing.headers["location"] == "/people?result=not_found"
    assert huge.status_code == 404
    async with harness.session_pool() as session:
        row = await session.get(User, teacher.id)
    assert row is not None and (row.role, row.is_blocked) == (Role.USER, False)
    assert await outbox_rows(harness.session_pool) == 0


# ------------------------------------------------------------------ categories
async def category(harness: Harness, category_id: int) -> Category:
    async with harness.session_pool() as session:
        row = await session.get(Category, category_id)
    assert row is not None
    return row


async def test_an_admin_renames_hides_and_shows_a_category(
    harness: Harness, client: httpx.AsyncClient
) -> None:
    _, csrf = await logged_in(harness, client)

    done = "/categories?result=done"
    assert await redirect_of(client, "/categories/1", csrf, names="Вода / Water") == done
    assert (await category(harness, 1)).name_en == "Water"
    assert await redirect_of(client, "/categories/1", csrf, hidden="1") == done
    assert (await category(harness, 1)).is_hidden
    page = (await client.get("/categories")).text
    assert 'class="hidden-row"' in page and ru(harness, "web-show") in page
    assert await redirect_of(client, "/categories/1", csrf, hidden="0") == done
    assert not (await category(harness, 1)).is_hidden


async def test_category_forms_refuse_bad_names_and_unknown_ids(
    harness: Harness, client: httpx.AsyncClient
) -> None:
    _, csrf = await logged_in(harness, client)
    second = (await category(harness, 2)).name_ru
    before = await count(harness.session_pool, Category)

    cases = [
        ("/categories", {"names": " / "}, "empty"),
        ("/categories", {"names": "Я" * 65}, "too_long"),
        ("/categories/1", {"names": "   "}, "empty"),
        ("/categories/1", {"names": second}, "duplicate"),
        (f"/categories/{NO_SUCH}", {"names": "Окна"}, "not_found"),
        (f"/categories/{NO_SUCH}", {"hidden": "1"}, "not_found"),
    ]
    for path, form, result in cases:
        posted = await client.post(path, data={"csrf": csrf, **form})
        assert posted.headers["location"] == f"/categories?result={result}", (path, form)
    page = (await client.get("/categories?result=too_long")).text
    assert ru(harness, "web-result-too_long") in page
    assert await count(harness.session_pool, Category) == before
    first = await category(harness, 1)
    assert first.name_ru != second and not first.is_hidden


async def test_a_file_telegram_no_longer_has_is_the_not_found_page(harness: Harness) -> None:
    rid = await teachers_request(harness)
    gone = await add_file(harness, rid, file_id="expired-long-ago")
    async with FakeBotAPI(BOT_TOKEN) as api, admin_panel(api, harness, FileCache()) as http:
        response = await http.get(f"/requests/{rid}/files/{gone}")
        assert [c.params["file_id"] for c in api.calls_to("getFile")] == ["expired-long-ago"]
    assert response.status_code == 404
    assert ru(harness, "web-error-404") in response.text
