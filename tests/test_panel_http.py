"""The web panel over HTTP: every refusal path, and actions that behave like the bot's.

The app is the production factory's, on the real PostgreSQL test database; logging in
goes through /panel in the bot. What the requester receives is read from the recording
Bot session after the outbox sender ran.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import timedelta
from urllib.parse import urlsplit

import httpx
from aiogram.methods import DeleteMyCommands, EditMessageText, SendMessage, SetMyCommands
from aiogram.types import InlineKeyboardMarkup
from sqlalchemy import select, update

from bot.services import panel_auth
from models import (
    AttachmentKind,
    Comment,
    PanelLoginToken,
    PanelSession,
    Request,
    RequestStatus,
    Role,
    User,
    utcnow,
)
from models.workflow import Subject, Viewer, may_see
from tests.conftest import ADMIN, EXECUTOR, TEACHER, Harness
from tests.fake_bot_api import FakeBotAPI
from tests.panel_support import (
    Pool,
    add_file,
    admin_panel,
    author,
    client,
    csrf_of,
    log_in,
    logged_in,
    login_link,
    post_action,
    redirect_of,
    teachers_request,
)
from tests.recording_session import BOT_TOKEN
from tests.staff import (
    STAFF_GROUP,
    add_card_copy,
    add_person,
    add_request,
    count,
    history,
    outbox_rows,
    request_state,
)
from tests.updates import Person, message

__all__ = ["author", "client"]  # the fixtures


def ru(harness: Harness, key: str, **kwargs: object) -> str:
    return harness.catalogue.get("ru", key, **kwargs)


# ------------------------------------------------------------------------- login
async def test_panel_command_gives_staff_a_one_time_link(harness: Harness) -> None:
    await add_person(harness.session_pool, ADMIN, Role.ADMIN)

    await harness.feed(message(ADMIN, "/panel"))

    answer = harness.pop(SendMessage)
    assert answer.text == ru(harness, "panel-login-text", minutes=10)
    assert isinstance(answer.reply_markup, InlineKeyboardMarkup)
    [[button]] = answer.reply_markup.inline_keyboard
    assert button.text == ru(harness, "panel-login-button")
    assert button.url is not None
    assert button.url.startswith(harness.settings.panel_url + "/login/")
    token = button.url.rsplit("/", 1)[1]
    async with harness.session_pool() as session:
        stored = (await session.scalars(select(PanelLoginToken))).all()
    # Only the hash is kept: the table alone does not log anybody in.
    assert [row.token_hash for row in stored] == [hashlib.sha256(token.encode()).hexdigest()]
    assert stored[0].expires_at - stored[0].created_at == timedelta(minutes=10)


async def test_a_requester_gets_no_link(harness: Harness) -> None:
    await add_person(harness.session_pool, TEACHER)

    await harness.feed(message(TEACHER, "/panel"))

    answer = harness.pop(SendMessage)
    assert answer.text == ru(harness, "fallback-hint")
    assert await count(harness.session_pool, PanelLoginToken) == 0


async def test_without_a_session_every_page_is_the_login_page(
    harness: Harness, client: httpx.AsyncClient, author: User
) -> None:
    rid = await add_request(harness.session_pool, author, description="Секретная протечка")

    for path in ("/queue", f"/requests/{rid}", "/people", "/stats", "/export"):
        response = await client.get(path)
        assert response.status_code == 401, path
        assert ru(harness, "web-login-how") in response.text, path
        assert "Секретная протечка" not in response.text
    api = await client.get("/api/counts")
    assert api.status_code == 401
    assert api.json() == {"error": "not_logged_in"}
    client.cookies.set("zavhoz_panel", "made-up")
    assert (await client.get("/queue")).status_code == 401


async def test_the_link_logs_in_once_with_a_strict_cookie(
    harness: Harness, client: httpx.AsyncClient
) -> None:
    await add_person(harness.session_pool, ADMIN, Role.ADMIN)
    path = urlsplit(await login_link(harness, ADMIN)).path

    first = await client.get(path)
    assert first.status_code == 303 and first.headers["location"] == "/queue"
    cookie = first.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "max-age=43200" in cookie
    assert "secure" not in cookie  # PANEL_URL is http here
    queue = await client.get("/queue")
    assert queue.status_code == 200 and ru(harness, "web-queue-new") in queue.text

    client.cookies.clear()
    again = await client.get(path)
    assert again.status_code == 403
    assert ru(harness, "web-login-refused") in again.text
    assert "set-cookie" not in again.headers
    assert await count(harness.session_pool, PanelSession) == 1


async def test_an_expired_link_is_refused(harness: Harness, client: httpx.AsyncClient) -> None:
    admin = await add_person(harness.session_pool, ADMIN, Role.ADMIN)
    async with harness.session_pool() as session:
        token = await panel_auth.issue_login_token(
            session, user=admin, now=utcnow() - timedelta(minutes=11)
        )

    response = await client.get(f"/login/{token}")

    assert response.status_code == 403
    assert ru(harness, "web-login-refused") in response.text
    assert await count(harness.session_pool, PanelSession) == 0


async def test_https_panel_sets_a_secure_cookie(harness: Harness) -> None:
    from panel.app import create_panel_app

    await add_person(harness.session_pool, ADMIN, Role.ADMIN)
    settings = harness.settings.model_copy(update={"panel_url": "https://panel.example.org"})
    app = create_panel_app(settings, harness.session_pool, harness.bot, harness.catalogue)
    harness.settings = settings
    harness.restart()
    path = urlsplit(await login_link(harness, ADMIN)).path
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="https://panel.example.org"
    ) as http:
        response = await http.get(path)
    assert response.status_code == 303
    assert "secure" in response.headers["set-cookie"].lower()


def telegram_signed(telegram_id: int, auth_date: int) -> dict[str, str]:
    """What Telegram Login appends to the redirect, signed as Telegram signs it."""
    fields = {"id": str(telegram_id), "first_name": "Анна", "auth_date": str(auth_date)}
    check = "\n".join(f"{k}={fields[k]}" for k in sorted(fields))
    key = hashlib.sha256(BOT_TOKEN.encode()).digest()
    return {**fields, "hash": hmac.new(key, check.encode(), hashlib.sha256).hexdigest()}


async def test_telegram_login_checks_the_signature_age_and_role(
    harness: Harness, client: httpx.AsyncClient
) -> None:
    await add_person(harness.session_pool, ADMIN, Role.ADMIN)
    await add_person(harness.session_pool, TEACHER)
    now = int(utcnow().timestamp())

    forged = {**telegram_signed(ADMIN.id, now), "id": str(TEACHER.id)}
    stale = telegram_signed(ADMIN.id, now - 6 * 60)
    requester = telegram_signed(TEACHER.id, now)
    for params in (forged, stale, requester, {}):
        response = await client.get("/auth/telegram", params=params)
        assert response.status_code == 403, params
        assert "set-cookie" not in response.headers
    assert await count(harness.session_pool, PanelSession) == 0

    good = await client.get("/auth/telegram", params=telegram_signed(ADMIN.id, now))
    assert good.status_code == 303 and good.headers["location"] == "/queue"
    assert (await client.get("/queue")).status_code == 200


async def test_https_panel_offers_telegram_login_when_enabled(harness: Harness) -> None:
    await add_person(harness.session_pool, ADMIN, Role.ADMIN)
    harness.settings = harness.settings.model_copy(
        update={"panel_url": "https://panel.example.org", "panel_telegram_login": True}
    )
    harness.restart()

    await harness.feed(message(ADMIN, "/panel"))

    markup = harness.pop(SendMessage).reply_markup
    assert isinstance(markup, InlineKeyboardMarkup)
    [[link], [telegram]] = markup.inline_keyboard
    assert link.url is not None and link.url.startswith("https://panel.example.org/login/")
    assert telegram.text == ru(harness, "panel-login-telegram")
    assert telegram.login_url is not None
    assert telegram.login_url.url == "https://panel.example.org/auth/telegram"


async def test_a_demoted_or_blocked_person_is_out_on_the_next_click(
    harness: Harness, client: httpx.AsyncClient
) -> None:
    executor, _ = await logged_in(harness, client, EXECUTOR, Role.EXECUTOR)

    async with harness.session_pool() as session, session.begin():
        await session.execute(update(User).where(User.id == executor.id).values(role=Role.USER))
    assert (await client.get("/queue")).status_code == 401

    async with harness.session_pool() as session, session.begin():
        await session.execute(
            update(User).where(User.id == executor.id).values(role=Role.EXECUTOR, is_blocked=True)
        )
    assert (await client.get("/queue")).status_code == 401


async def test_a_session_lapses_after_12_idle_hours_and_clicks_extend_it(
    harness: Harness, client: httpx.AsyncClient
) -> None:
    await logged_in(harness, client)

    async def idle_for(delta: timedelta) -> None:
        async with harness.session_pool() as session, session.begin():
            await session.execute(update(PanelSession).values(last_seen_at=utcnow() - delta))

    await idle_for(timedelta(hours=11))
    active = await client.get("/queue")
    assert active.status_code == 200
    assert "max-age=43200" in active.headers["set-cookie"].lower()  # another 12 h
    assert "set-cookie" not in (await client.get("/queue")).headers  # touched a moment ago

    await idle_for(timedelta(hours=12, minutes=1))
    assert (await client.get("/queue")).status_code == 401
    assert await count(harness.session_pool, PanelSession) == 0


async def test_logout_ends_the_session(harness: Harness, client: httpx.AsyncClient) -> None:
    _, csrf = await logged_in(harness, client)

    response = await client.post("/logout", data={"csrf": csrf})

    assert response.status_code == 303 and response.headers["location"] == "/login"
    assert await count(harness.session_pool, PanelSession) == 0
    assert (await client.get("/queue")).status_code == 401


async def test_pages_speak_the_persons_language(
    harness: Harness, client: httpx.AsyncClient
) -> None:
    english_admin = Person(id=900_021, first_name="Peter", language_code="en")
    await logged_in(harness, client, english_admin, Role.ADMIN)

    for path, key in (("/queue", "web-queue-done"), ("/people", "web-col-open-tasks")):
        page = (await client.get(path)).text
        assert harness.catalogue.get("en", key) in page
        assert '<html lang="en">' in page


# ------------------------------------------------------------------------ roles
async def test_an_executor_cannot_open_or_post_admin_pages(
    harness: Harness, client: httpx.AsyncClient
) -> None:
    _, csrf = await logged_in(harness, client, EXECUTOR, Role.EXECUTOR)
    teacher = await add_person(harness.session_pool, TEACHER)

    for path in ("/people", "/categories", "/stats", "/stats/chart.png", "/export"):
        response = await client.get(path)
        assert response.status_code == 403, path
        assert ru(harness, "web-error-403") in response.text
    posted = await client.post(
        f"/people/{teacher.id}/role", data={"csrf": csrf, "role": Role.ADMIN.value}
    )
    assert posted.status_code == 403
    async with harness.session_pool() as session:
        assert (await session.get(User, teacher.id)).role is Role.USER  # type: ignore[union-attr]
    assert await outbox_rows(harness.session_pool) == 0


async def test_an_executor_sees_new_requests_and_their_own(
    harness: Harness, client: httpx.AsyncClient, db: Pool, author: User
) -> None:
    admin = await add_person(db, ADMIN, Role.ADMIN)
    executor, _ = await logged_in(harness, client, EXECUTOR, Role.EXECUTOR)
    new = await add_request(db, author, description="Новая никому")
    mine = await add_request(
        db, author, status=RequestStatus.IN_PROGRESS, assignee=executor, description="Моя"
    )
    other = await add_request(
        db, author, status=RequestStatus.IN_PROGRESS, assignee=admin, description="Чужая"
    )

    everything = (await client.get("/queue?queue=all")).text
    assert f"#{mine}<" in everything and f"#{new}<" in everything
    assert f"#{other}<" not in everything
    in_progress = (await client.get("/queue?queue=work")).text
    assert f"#{mine}<" in in_progress and f"#{other}<" not in in_progress
    # Asking for somebody else's requests does not widen the view.
    asked = (await client.get(f"/queue?queue=work&assignee={admin.id}")).text
    assert f"#{other}<" not in asked
    assert f"#{new}<" in (await client.get("/queue?queue=new")).text
    assert (await client.get(f"/requests/{other}")).status_code == 404
    assert (await client.get(f"/requests/{mine}")).status_code == 200
    found = (await client.get("/queue?q=Чужая")).text
    assert f"#{other}<" not in found


async def test_the_panel_shows_an_executor_exactly_what_the_workflow_rule_lets_them_see(
    harness: Harness, client: httpx.AsyncClient, db: Pool, author: User
) -> None:
    """One rule for the chat and the panel: `models.workflow.may_see`. A request the
    executor filed themselves is theirs to see, whoever works on it."""
    admin = await add_person(db, ADMIN, Role.ADMIN)
    executor, _ = await logged_in(harness, client, EXECUTOR, Role.EXECUTOR)
    S = RequestStatus
    cases = [  # (author, status, assignee)
        (author, S.NEW, None),
        (author, S.ON_HOLD, executor),
        (author, S.IN_PROGRESS, admin),
        (author, S.NEW, admin),
        (executor, S.IN_PROGRESS, admin),  # filed by the executor themselves
    ]
    requests = [
        await add_request(db, who, status=status, assignee=to, description=f"Заявка {i}")
        for i, (who, status, to) in enumerate(cases)
    ]
    listed = (await client.get("/queue?queue=all")).text
    viewer = Viewer(executor.id, Role.EXECUTOR)
    for request_id, (who, status, to) in zip(requests, cases, strict=True):
        visible = may_see(Subject(status, who.id, to.id if to else None), viewer)
        assert (f"#{request_id}<" in listed) is visible, request_id
        page = await client.get(f"/requests/{request_id}")
        assert page.status_code == (200 if visible else 404), request_id
    assert sum(may_see(Subject(st, w.id, t.id if t else None), viewer) for w, st, t in cases) == 3
    own = requests[-1]
    assert f"#{own}<" in (await client.get("/queue?q=Заявка 4")).text


# ------------------------------------------------------------------------- CSRF
async def test_a_forged_or_missing_csrf_token_changes_nothing(
    harness: Harness, client: httpx.AsyncClient, db: Pool, author: User
) -> None:
    _, csrf = await logged_in(harness, client)
    rid = await add_request(db, author)

    for form in ({"action": "take", "csrf": "forged-" + csrf}, {"action": "take"}):
        response = await client.post(f"/requests/{rid}/action", data=form)
        assert response.status_code == 403
    assert (await client.post("/categories", data={"names": "Окна / Windows"})).status_code == 403

    assert await request_state(db, rid) == (RequestStatus.NEW, None)
    assert await history(db, rid) == []
    assert await outbox_rows(db) == 0
    assert await count(db, Comment) == 0


# ---------------------------------------------------------------------- actions
async def test_take_in_the_browser_is_the_bots_take(
    harness: Harness, client: httpx.AsyncClient, db: Pool, author: User
) -> None:
    admin, csrf = await logged_in(harness, client)
    rid = await add_request(db, author)
    group_copy = await add_card_copy(db, rid, STAFF_GROUP.id)

    response = await post_action(client, csrf, rid, "take")

    assert response.status_code == 303
    assert response.headers["location"] == f"/requests/{rid}?result=done"
    assert await request_state(db, rid) == (RequestStatus.IN_PROGRESS, admin.id)
    assert await history(db, rid) == [
        (RequestStatus.NEW, RequestStatus.IN_PROGRESS, admin.id, None)
    ]
    page = await client.get(response.headers["location"])
    assert ru(harness, "web-result-done") in page.text
    await harness.deliver_outbox()
    told = harness.pop(SendMessage)
    assert told.chat_id == TEACHER.id and "В работе" in told.text
    card = harness.pop(EditMessageText)  # the card copy in the staff group, redrawn
    assert card.chat_id == STAFF_GROUP.id and card.message_id == group_copy
    assert "Взял(а) в работу: Анна Админова (@caretaker)" in card.text


async def test_hold_needs_a_reason_as_in_the_bot(
    harness: Harness, client: httpx.AsyncClient, db: Pool, author: User
) -> None:
    admin, csrf = await logged_in(harness, client)
    rid = await add_request(db, author, status=RequestStatus.IN_PROGRESS, assignee=admin)

    refused = await post_action(client, csrf, rid, "hold")
    assert refused.headers["location"].endswith("result=reason_required")
    assert await request_state(db, rid) == (RequestStatus.IN_PROGRESS, admin.id)

    held = await post_action(client, csrf, rid, "hold", reason="Ждём <детали>")
    assert held.headers["location"].endswith("result=done")
    assert (await history(db, rid))[-1][3] == "Ждём <детали>"
    page = (await client.get(f"/requests/{rid}")).text
    assert "Ждём &lt;детали&gt;" in page
    await harness.deliver_outbox()
    assert "Ждём &lt;детали&gt;" in harness.pop(SendMessage).text


async def test_an_executor_takes_then_finishes_with_a_report(
    harness: Harness, client: httpx.AsyncClient, db: Pool, author: User
) -> None:
    executor, csrf = await logged_in(harness, client, EXECUTOR, Role.EXECUTOR)
    rid = await add_request(db, author)

    took = await post_action(client, csrf, rid, "take")
    assert took.headers["location"].endswith("result=done")
    done = await post_action(client, csrf, rid, "finish", text="Заменил прокладку")

    assert done.headers["location"].endswith("result=done")
    assert await request_state(db, rid) == (RequestStatus.DONE, executor.id)
    assert [h[1] for h in await history(db, rid)] == [
        RequestStatus.IN_PROGRESS,
        RequestStatus.DONE,
    ]
    await harness.deliver_outbox()
    to_author = [m for m in harness.pop_all() if isinstance(m, SendMessage)]
    assert all(m.chat_id == TEACHER.id for m in to_author)
    report = ru(harness, "notify-result-comment", text="Заменил прокладку")
    assert any(report in m.text for m in to_author)
    page = (await client.get(f"/requests/{rid}")).text
    assert "Заменил прокладку" in page


async def test_an_admin_blocks_a_person_who_then_cannot_log_in(
    harness: Harness, client: httpx.AsyncClient
) -> None:
    _, csrf = await logged_in(harness, client)
    executor = await add_person(harness.session_pool, EXECUTOR, Role.EXECUTOR)
    link = await login_link(harness, EXECUTOR)

    blocked = await client.post(f"/people/{executor.id}/block", data={"csrf": csrf, "blocked": "1"})

    assert blocked.headers["location"] == "/people?result=done"
    client.cookies.clear()
    assert (await client.get(urlsplit(link).path)).status_code == 403


async def test_comment_reaches_the_author_and_a_note_does_not(
    harness: Harness, client: httpx.AsyncClient, db: Pool, author: User
) -> None:
    admin, csrf = await logged_in(harness, client)
    rid = await add_request(db, author, status=RequestStatus.IN_PROGRESS, assignee=admin)

    await post_action(client, csrf, rid, "note", text="Только нам")
    await post_action(client, csrf, rid, "comment", text="Завтра")

    await harness.deliver_outbox()
    told = harness.pop(SendMessage)
    assert told.chat_id == TEACHER.id
    assert told.text == ru(
        harness, "notify-comment", number=rid, author="Анна Админова", text="Завтра"
    )
    page = (await client.get(f"/requests/{rid}")).text
    assert "Только нам" in page and ru(harness, "web-internal") in page


async def test_user_text_is_escaped_and_files_come_through_the_panel(
    harness: Harness, client: httpx.AsyncClient, db: Pool, author: User
) -> None:
    await logged_in(harness, client)
    rid = await add_request(db, author, description="<script>alert(1)</script>")
    photo = await add_file(harness, rid, kind=AttachmentKind.PHOTO, file_id="photo-file-id")

    page = await client.get(f"/requests/{rid}")

    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "<script>" not in page.text
    assert BOT_TOKEN not in page.text and "photo-file-id" not in page.text
    image = await client.get(f"/requests/{rid}/files/{photo}")
    assert image.status_code == 200
    assert image.headers["content-type"] == "image/jpeg"
    assert image.content == b"fake-file-content"  # what the Bot API download returned
    assert (await client.get(f"/requests/{rid}/files/{photo + 1}")).status_code == 404


async def test_a_photo_is_fetched_from_the_bot_api_once_then_cached(harness: Harness) -> None:
    rid = await teachers_request(harness)
    photo = await add_file(harness, rid, kind=AttachmentKind.PHOTO, file_id="real-photo-id")
    async with FakeBotAPI(BOT_TOKEN) as api:
        api.add_file("real-photo-id", b"\xff\xd8 jpeg bytes", "photos/file_7.jpg")
        async with admin_panel(api, harness) as http:
            page = (await http.get(f"/requests/{rid}")).text
            for _ in range(2):
                image = await http.get(f"/requests/{rid}/files/{photo}")
                assert image.content == b"\xff\xd8 jpeg bytes"
        assert api.downloads == ["photos/file_7.jpg"]  # the second time from the cache
    assert api.url not in page and "photos/file_7.jpg" not in page


async def test_search_by_number_opens_the_request(
    harness: Harness, client: httpx.AsyncClient, author: User
) -> None:
    await logged_in(harness, client)
    rid = await add_request(harness.session_pool, author, description="Сломан стул")
    await add_request(harness.session_pool, author, description="Течёт кран")

    by_number = await client.get(f"/queue?q=%23{rid}")
    assert by_number.status_code == 303 and by_number.headers["location"] == f"/requests/{rid}"
    by_words = (await client.get("/queue?q=стул")).text
    assert "Сломан стул" in by_words and "Течёт кран" not in by_words


async def test_queue_filters_by_place_and_bad_input_is_ignored(
    harness: Harness, client: httpx.AsyncClient, author: User
) -> None:
    await logged_in(harness, client)
    await add_request(harness.session_pool, author, location="Спортзал", description="Мяч")
    await add_request(harness.session_pool, author, location="каб. 12", description="Парта")

    gym = (await client.get("/queue?queue=new&place=спорт")).text
    assert "Мяч" in gym and "Парта" not in gym
    junk = await client.get(
        "/queue?queue=zzz&category=x&priority=%00&since=2026-13-45&until=9999-12-31&after=-5"
    )
    assert junk.status_code == 200 and "Мяч" in junk.text and "Парта" in junk.text


async def test_the_total_counts_what_the_queue_lists_filtered_or_not(
    harness: Harness, client: httpx.AsyncClient, db: Pool, author: User
) -> None:
    admin, _ = await logged_in(harness, client)
    executor = await add_person(db, EXECUTOR, Role.EXECUTOR)
    for place in ("Спортзал", "Спортзал", "каб. 12"):
        await add_request(db, author, location=place)
    await add_request(db, author, status=RequestStatus.IN_PROGRESS, assignee=executor)
    await add_request(db, author, status=RequestStatus.IN_PROGRESS, assignee=admin)

    def total(page: httpx.Response) -> int:
        found = re.search(r'<p class="total">([^<]*)</p>', page.text)
        assert found is not None
        return next(n for n in range(10) if found.group(1) == ru(harness, "web-total", count=n))

    assert total(await client.get("/queue?queue=new")) == 3
    assert total(await client.get("/queue?queue=all")) == 5
    assert total(await client.get("/queue?queue=new&place=спорт")) == 2
    assert total(await client.get(f"/queue?queue=work&assignee={executor.id}")) == 1

    await log_in(harness, client, EXECUTOR)  # the new ones and their own, not the admin's
    assert total(await client.get("/queue?queue=all")) == 4
    assert total(await client.get("/queue?queue=work")) == 1


async def test_queue_filters_by_period_and_sorts_oldest_first(
    harness: Harness, client: httpx.AsyncClient, author: User
) -> None:
    await logged_in(harness, client)
    old = await add_request(harness.session_pool, author, description="Январская")
    fresh = await add_request(
        harness.session_pool, author, description="Сегодняшняя", created_at=utcnow()
    )
    today = utcnow().astimezone(harness.settings.tz).date().isoformat()

    recent = (await client.get(f"/queue?queue=all&since={today}")).text
    assert "Сегодняшняя" in recent and "Январская" not in recent
    january = (await client.get("/queue?queue=all&since=2026-01-01&until=2026-01-31")).text
    assert "Январская" in january and "Сегодняшняя" not in january
    oldest = (await client.get("/queue?queue=all&sort=old")).text
    assert oldest.index(f"#{old}<") < oldest.index(f"#{fresh}<")
    newest = (await client.get("/queue?queue=all")).text
    assert newest.index(f"#{fresh}<") < newest.index(f"#{old}<")


async def test_keyset_pages_show_every_request_once_in_either_order(
    harness: Harness, client: httpx.AsyncClient, author: User
) -> None:
    await logged_in(harness, client)
    ids = [await add_request(harness.session_pool, author) for _ in range(30)]

    for sort, expected in (("new", ids[::-1]), ("old", ids)):
        seen: list[int] = []
        path: str | None = f"/queue?queue=all&sort={sort}"
        while path is not None:
            page = (await client.get(path)).text
            seen += [int(n) for n in re.findall(r'<td><a href="/requests/(\d+)">', page)]
            found = re.search(r'href="(/queue\?[^"]*)" rel="next"', page)
            path = found.group(1).replace("&amp;", "&") if found else None
        assert seen == expected, sort


async def test_an_admin_changes_a_role_as_in_the_bot(
    harness: Harness, client: httpx.AsyncClient
) -> None:
    _, csrf = await logged_in(harness, client)
    teacher = await add_person(harness.session_pool, TEACHER)

    response = await client.post(
        f"/people/{teacher.id}/role", data={"csrf": csrf, "role": Role.EXECUTOR.value}
    )

    assert response.headers["location"] == "/people?result=done"
    commands = harness.pop(SetMyCommands)
    assert commands.scope.chat_id == TEACHER.id  # type: ignore[union-attr]
    assert "panel" in [c.command for c in commands.commands]  # staff get /panel in the menu
    await harness.deliver_outbox()
    told = harness.pop(SendMessage)
    assert told.chat_id == TEACHER.id
    assert ru(harness, "role-executor") in told.text
    people = (await client.get("/people")).text
    assert "Мария Учителева" in people and ru(harness, "web-result-done") not in people

    back = await client.post(
        f"/people/{teacher.id}/role", data={"csrf": csrf, "role": Role.USER.value}
    )
    assert back.headers["location"] == "/people?result=done"
    harness.pop(DeleteMyCommands)
    await harness.deliver_outbox()
    harness.pop(SendMessage)


async def test_an_admin_adds_and_hides_a_category(
    harness: Harness, client: httpx.AsyncClient
) -> None:
    _, csrf = await logged_in(harness, client)

    for result in ("done", "duplicate"):
        added = await redirect_of(client, "/categories", csrf, names="Окна / Windows")
        assert added == f"/categories?result={result}"
    page = (await client.get("/categories")).text
    assert "Окна / Windows" in page


async def test_stats_chart_and_export_download(
    harness: Harness, client: httpx.AsyncClient, author: User
) -> None:
    await logged_in(harness, client)
    await add_request(harness.session_pool, author, created_at=utcnow())
    rated = await add_request(harness.session_pool, author, status=RequestStatus.CLOSED)
    async with harness.session_pool() as session, session.begin():
        await session.execute(
            update(Request)
            .where(Request.id == rated)
            .values(rating=4, rating_comment="<script>x</script> спасибо", closed_at=utcnow())
        )

    stats = await client.get("/stats")
    assert stats.status_code == 200 and ru(harness, "web-export") in stats.text
    assert ru(harness, "web-stats-feedback") in stats.text
    assert f"#{rated}</a> ⭐⭐⭐⭐ «&lt;script&gt;x&lt;/script&gt; спасибо»" in stats.text
    chart = await client.get("/stats/chart.png")
    assert chart.headers["content-type"] == "image/png" and chart.content[:4] == b"\x89PNG"
    xlsx = await client.get("/export?period=month&status=any")
    assert xlsx.status_code == 200
    assert "attachment" in xlsx.headers["content-disposition"]
    assert xlsx.content[:2] == b"PK"  # a zip: the .xlsx
    assert (await client.get("/export?period=forever")).status_code == 404


async def test_pages_carry_no_token_and_strict_headers(
    harness: Harness, client: httpx.AsyncClient
) -> None:
    _, csrf = await logged_in(harness, client)
    page = await client.get("/queue")
    assert csrf_of(page.text) == csrf
    assert page.headers["referrer-policy"] == "no-referrer"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["cache-control"] == "no-store"
