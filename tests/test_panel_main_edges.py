"""`python -m panel`: the panel alone, as its own container runs it.

A real process on the test database (migrations run at start: AUTO_MIGRATE, already at
head), reached over HTTP on its port: a login link issued by the bot's service logs in, the
queue shows the database's requests, a photo comes from the Bot API the process was given,
and SIGTERM ends it cleanly.
"""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services import panel_auth
from models import Attachment, AttachmentKind, Role
from tests.conftest import ADMIN, TEACHER
from tests.fake_bot_api import FakeBotAPI
from tests.process import bot_env, bot_process, output_of
from tests.staff import add_person, add_request

TOKEN = "123456:PANEL-ALONE-TOKEN"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def until_listening(
    http: httpx.AsyncClient, url: str, proc: asyncio.subprocess.Process
) -> None:
    for _ in range(1200):  # two minutes: a loaded machine, coverage on
        if proc.returncode is not None:
            raise AssertionError(await output_of(proc))
        try:
            await http.get(url)
            return
        except httpx.TransportError:
            await asyncio.sleep(0.1)
    raise TimeoutError(url)


async def test_python_m_panel_serves_the_database_and_stops_on_sigterm(
    tmp_path: Path, database_url: str, db: async_sessionmaker[AsyncSession]
) -> None:
    admin = await add_person(db, ADMIN, Role.ADMIN)
    author = await add_person(db, TEACHER)
    rid = await add_request(db, author, description="Не закрывается окно")
    async with db() as session, session.begin():
        photo = Attachment(
            request_id=rid, kind=AttachmentKind.PHOTO, file_id="window", file_unique_id="w"
        )
        session.add(photo)
    async with db() as session:
        token = await panel_auth.issue_login_token(session, user=admin)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    async with FakeBotAPI(TOKEN) as api:
        api.add_file("window", b"\xff\xd8 window", "photos/window.jpg")
        env = bot_env(
            BOT_TOKEN=TOKEN,
            TELEGRAM_API_URL=api.url,
            DATABASE_URL=database_url,
            AUTO_MIGRATE="true",
            PANEL_PORT=str(port),
            PANEL_URL=base,
        )
        async with bot_process(env, tmp_path, module="panel") as proc, httpx.AsyncClient() as http:
            try:
                await until_listening(http, f"{base}/login", proc)
                landed = await http.get(f"{base}/login/{token}", follow_redirects=True)
                assert str(landed.url) == f"{base}/queue", landed.text
                assert "Не закрывается окно" in landed.text
                image = await http.get(f"{base}/requests/{rid}/files/{photo.id}")
                assert image.headers["content-type"] == "image/jpeg"
                assert image.content == b"\xff\xd8 window"
            except (TimeoutError, AssertionError, httpx.HTTPError):
                proc.terminate()
                raise AssertionError(await output_of(proc)) from None
            proc.terminate()  # SIGTERM
            assert await proc.wait() == 0, await output_of(proc)
        output = await output_of(proc)
        assert api.downloads == ["photos/window.jpg"]
    assert token is not None
    [downloaded] = [line for line in output.splitlines() if "panel_file_downloaded" in line]
    assert "size=9" in downloaded  # what an operator reads: the bytes fetched
