"""The web panel in a real browser: Debian's headless Chromium driven by Playwright.

The panel is served by uvicorn on a free local port inside the test process, over the
test database and the recording Bot session. The journey: log in through the link the
bot sends, filter the queue, open a request, assign it, see the new status; then the
requester's notification comes out of the outbox.

UPDATE_SCREENSHOT=1 also saves panel/static/screenshot.png (shown in the README).
"""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from aiogram.methods import SendMessage
from playwright.async_api import Browser, Page, async_playwright, expect

from models import Priority, RequestStatus, Role, utcnow
from panel.app import create_panel_app
from panel.server import build_server, serve
from tests.conftest import ADMIN, EXECUTOR, TEACHER, Harness
from tests.panel_support import login_link
from tests.staff import add_person, add_request, history, request_state

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOT = Path(__file__).resolve().parents[1] / "panel" / "static" / "screenshot.png"
HOW_TO_INSTALL = (
    "The browser tests need Debian's Chromium at {path}: "
    "`apt-get install -y chromium chromium-driver` (bash .ci/run installs it), "
    "or point CHROMIUM at another Chromium binary."
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    """A missing Chromium fails the run with how to install it; it never skips."""
    if not CHROMIUM.exists():
        pytest.fail(HOW_TO_INSTALL.format(path=CHROMIUM), pytrace=False)
    return CHROMIUM


@pytest.fixture
async def browser(chromium_path: Path) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=str(chromium_path), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        await chromium.close()


@pytest.fixture
async def panel_url(harness: Harness) -> AsyncIterator[str]:
    """The production app under uvicorn; the bot's links point at it."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    harness.settings = harness.settings.model_copy(update={"panel_url": url})
    harness.restart()
    app = create_panel_app(harness.settings, harness.session_pool, harness.bot, harness.catalogue)
    server = build_server(app, "127.0.0.1", port)
    task = asyncio.create_task(serve(server))
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.02)
    yield url
    server.should_exit = True
    await asyncio.wait_for(task, timeout=10)


@pytest.fixture
async def page(browser: Browser) -> AsyncIterator[Page]:
    context = await browser.new_context(viewport={"width": 1280, "height": 800}, locale="ru-RU")
    tab = await context.new_page()
    yield tab
    await context.close()


def ru(harness: Harness, key: str, **kwargs: object) -> str:
    return harness.catalogue.get("ru", key, **kwargs)


async def test_log_in_filter_open_assign_and_the_requester_is_told(
    harness: Harness, panel_url: str, page: Page
) -> None:
    pool = harness.session_pool
    author = await add_person(pool, TEACHER)
    await add_person(pool, ADMIN, Role.ADMIN)
    executor = await add_person(pool, EXECUTOR, Role.EXECUTOR)
    soon, late = utcnow() + timedelta(days=2), utcnow() - timedelta(hours=3)
    await add_request(
        pool, author, category_id=2, location="Спортзал", description="Сетка порвана", due_at=soon
    )
    rid = await add_request(
        pool,
        author,
        category_id=1,
        location="каб. 12",
        description="Течёт кран в лаборантской",
        due_at=soon,
    )
    await add_request(
        pool,
        author,
        category_id=1,
        priority=Priority.URGENT,
        location="Столовая",
        description="Не работает мойка",
        due_at=late,
    )
    await add_request(
        pool,
        author,
        category_id=3,
        status=RequestStatus.IN_PROGRESS,
        assignee=executor,
        location="каб. 31",
        description="Мигает лампа",
        due_at=soon,
    )

    # Log in through the link the bot sends on /panel.
    await page.goto(await login_link(harness, ADMIN))
    await expect(page).to_have_url(f"{panel_url}/queue")
    await expect(page.get_by_role("link", name="Сетка порвана")).to_be_visible()

    # Filter the New queue by a place.
    await page.get_by_label(ru(harness, "web-filter-place")).fill("каб")
    await page.get_by_role("button", name=ru(harness, "web-apply")).click()
    await expect(page.get_by_role("link", name="Сетка порвана")).to_have_count(0)
    await expect(page.get_by_role("link", name="Не работает мойка")).to_have_count(0)

    # Open the request and assign it to the executor.
    await page.get_by_role("link", name="Течёт кран в лаборантской").click()
    await expect(page).to_have_url(f"{panel_url}/requests/{rid}")
    await expect(page.locator("#status")).to_contain_text(ru(harness, "status-new"))
    await page.locator("form.action-assign select").select_option(str(executor.id))
    await page.get_by_role("button", name=ru(harness, "action-assign")).click()

    await expect(page.get_by_role("status")).to_have_text(ru(harness, "web-result-done"))
    await expect(page.locator("#status")).to_contain_text(ru(harness, "status-in_progress"))
    await expect(page.locator("#assignee")).to_contain_text("Иван Мастеров")
    assert await request_state(pool, rid) == (RequestStatus.IN_PROGRESS, executor.id)
    assert len(await history(pool, rid)) == 1

    # The outbox sender tells the requester in Telegram, as for the bot's Assign button.
    await harness.deliver_outbox()
    sent = [m for m in harness.pop_all() if isinstance(m, SendMessage)]
    to_author = [m for m in sent if m.chat_id == TEACHER.id]
    assert len(to_author) == 1 and ru(harness, "status-in_progress") in to_author[0].text
    assert any(m.chat_id == EXECUTOR.id for m in sent)  # the assignee is told too

    if os.environ.get("UPDATE_SCREENSHOT") == "1":
        await page.goto(f"{panel_url}/queue?queue=all")
        await page.screenshot(path=str(SCREENSHOT), full_page=False)


async def test_a_used_link_shows_the_login_page(
    harness: Harness, panel_url: str, page: Page
) -> None:
    await add_person(harness.session_pool, ADMIN, Role.ADMIN)
    link = await login_link(harness, ADMIN)
    await page.goto(link)
    await expect(page).to_have_url(f"{panel_url}/queue")
    await page.get_by_role("button", name=ru(harness, "web-logout")).click()
    await expect(page).to_have_url(f"{panel_url}/login")

    await page.goto(link)

    await expect(page.get_by_text(ru(harness, "web-login-refused"))).to_be_visible()
    await page.goto(f"{panel_url}/queue")
    await expect(page.get_by_text(ru(harness, "web-login-how"))).to_be_visible()
