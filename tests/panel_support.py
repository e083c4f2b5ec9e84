"""The web panel under test: the production app factory over the test database and Bot.

Logging in goes the way a person does it: /panel to the bot, the URL of the button.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlsplit

import httpx
import pytest
from aiogram.methods import SendMessage
from aiogram.types import InlineKeyboardMarkup
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import build_bot
from models import Attachment, AttachmentKind, Comment, Role, User
from panel.app import create_panel_app
from panel.files import FileCache
from tests.conftest import ADMIN, TEACHER, Harness
from tests.fake_bot_api import FakeBotAPI
from tests.staff import add_person, add_request
from tests.updates import Person, message

BASE_URL = "http://panel.test"
Pool = async_sessionmaker[AsyncSession]
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def build_app(harness: Harness) -> FastAPI:
    return create_panel_app(harness.settings, harness.session_pool, harness.bot, harness.catalogue)


@pytest.fixture
async def client(harness: Harness) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=build_app(harness))
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as http:
        yield http


@pytest.fixture
async def author(harness: Harness) -> User:
    """The teacher, who files the requests in the panel tests (added before anybody else)."""
    return await add_person(harness.session_pool, TEACHER)


async def login_link(harness: Harness, person: Person) -> str:
    """/panel in the private chat: the URL on the button the bot answers with."""
    await harness.feed(message(person, "/panel"))
    answer = harness.pop(SendMessage)
    markup = answer.reply_markup
    assert isinstance(markup, InlineKeyboardMarkup), answer
    url = markup.inline_keyboard[0][0].url
    assert url is not None
    return url


async def log_in(harness: Harness, http: httpx.AsyncClient, person: Person) -> str:
    """Log `person` in on `http`; returns the session's CSRF token (from the queue page)."""
    path = urlsplit(await login_link(harness, person)).path
    landed = await http.get(path, follow_redirects=True)
    assert landed.status_code == 200, landed.text
    assert landed.url.path == "/queue"
    return csrf_of(landed.text)


async def logged_in(
    harness: Harness, http: httpx.AsyncClient, person: Person = ADMIN, role: Role = Role.ADMIN
) -> tuple[User, str]:
    """`person` added with `role` and logged in on `http`: their row and the CSRF token."""
    user = await add_person(harness.session_pool, person, role)
    return user, await log_in(harness, http, person)


async def teachers_request(harness: Harness) -> int:
    """A new request by the teacher, and the admin there (not yet logged in) to handle it."""
    author = await add_person(harness.session_pool, TEACHER)
    await add_person(harness.session_pool, ADMIN, Role.ADMIN)
    return await add_request(harness.session_pool, author)


async def post_action(
    http: httpx.AsyncClient, csrf: str, request_id: int, action: str, **fields: str
) -> httpx.Response:
    """The action form on a request's page, posted with the session's CSRF token."""
    data = {"csrf": csrf, "action": action, **fields}
    return await http.post(f"/requests/{request_id}/action", data=data)


async def redirect_of(http: httpx.AsyncClient, path: str, csrf: str, **form: str) -> str:
    """A form posted to `path` with the session's CSRF token: where the browser is sent."""
    return (await http.post(path, data={"csrf": csrf, **form})).headers["location"]


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found is not None, "no CSRF token on the page"
    return found.group(1)


async def add_file(
    harness: Harness,
    request_id: int,
    *,
    kind: AttachmentKind = AttachmentKind.DOCUMENT,
    file_id: str = "doc-id",
    mime_type: str | None = None,
    file_size: int | None = None,
    comment_id: int | None = None,
) -> int:
    """A file attached to the request (or to one of its comments); its id."""
    async with harness.session_pool() as session, session.begin():
        row = Attachment(
            request_id=request_id,
            comment_id=comment_id,
            kind=kind,
            file_id=file_id,
            file_unique_id=f"u-{file_id}",
            mime_type=mime_type,
            file_size=file_size,
        )
        session.add(row)
        await session.flush()
        return row.id


@asynccontextmanager
async def admin_panel(
    api: FakeBotAPI, harness: Harness, cache: FileCache | None = None
) -> AsyncIterator[httpx.AsyncClient]:
    """The panel with this file cache, its Bot on the fake Bot API, the admin logged in."""
    bot = build_bot(harness.settings.model_copy(update={"telegram_api_url": api.url}))
    app = create_panel_app(
        harness.settings, harness.session_pool, bot, harness.catalogue, files=cache
    )
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as http:
            await log_in(harness, http, ADMIN)
            yield http
    finally:
        await bot.session.close()


async def add_comment(harness: Harness, request_id: int, author: User, text: str) -> int:
    """A comment on the request by `author`; its id."""
    async with harness.session_pool() as session, session.begin():
        row = Comment(request_id=request_id, author_id=author.id, text=text)
        session.add(row)
        await session.flush()
        return row.id
