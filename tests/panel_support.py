"""The web panel under test: the production app factory over the test database and Bot.

Logging in goes the way a person does it: /panel to the bot, the URL of the button.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import httpx
import pytest
from aiogram.methods import SendMessage
from aiogram.types import InlineKeyboardMarkup
from fastapi import FastAPI

from models import Role, User
from panel.app import create_panel_app
from tests.conftest import ADMIN, Harness
from tests.staff import add_person
from tests.updates import Person, message

BASE_URL = "http://panel.test"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def build_app(harness: Harness) -> FastAPI:
    return create_panel_app(harness.settings, harness.session_pool, harness.bot, harness.catalogue)


@pytest.fixture
async def client(harness: Harness) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=build_app(harness))
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as http:
        yield http


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


async def post_action(
    http: httpx.AsyncClient, csrf: str, request_id: int, action: str, **fields: str
) -> httpx.Response:
    """The action form on a request's page, posted with the session's CSRF token."""
    data = {"csrf": csrf, "action": action, **fields}
    return await http.post(f"/requests/{request_id}/action", data=data)


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found is not None, "no CSRF token on the page"
    return found.group(1)
