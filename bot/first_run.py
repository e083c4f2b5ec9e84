"""What the bot does once at start for the first five minutes.

* the staff chat bound with /here is loaded into memory and re-read periodically
  (`bot.services.staff_chat`), so new requests find it without a query;
* when nobody can administer the bot yet (no admin in the database, ADMIN_IDS empty), a
  one-time setup link is issued and shown on the console (stdout) and in the log.

Hooked to the dispatcher's startup/shutdown, which both long polling and the webhook
server emit; tests that only feed updates never trigger it.
"""

from __future__ import annotations

import sys
from typing import TextIO

import structlog
from aiogram import Bot, Dispatcher
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services import onboarding
from bot.services.notifications import Notifier
from bot.services.staff_chat import RouteRefresher
from bot.settings import Settings
from utils.deep_links import start_link
from utils.i18n import Catalogue

log = structlog.get_logger(__name__)


def announce(link: str, catalogue: Catalogue, out: TextIO | None = None) -> None:
    """The setup link, framed so that it stands out among the log lines."""
    out = out or sys.stdout
    rule = "=" * max(len(link), 40)
    print(
        f"\n{rule}\n{catalogue.get(None, 'setup-console')}\n\n    {link}\n\n{rule}\n",
        file=out,
        flush=True,
    )


async def bot_link(bot: Bot, payload: str | None = None) -> str:
    me = await bot.me()
    return start_link(me.username or "", payload)


class FirstRun:
    def __init__(self, notifier: Notifier) -> None:
        self.refresher = RouteRefresher(notifier.staff_route)

    async def on_startup(
        self,
        bot: Bot,
        session_pool: async_sessionmaker[AsyncSession],
        settings: Settings,
        catalogue: Catalogue,
    ) -> None:
        chat = await self.refresher.route.load(session_pool)
        if chat is not None and settings.admin_chat_id is None:
            log.info("staff_chat_loaded", chat_id=chat.chat_id, thread_id=chat.thread_id)
        self.refresher.start(session_pool)
        code = await onboarding.issue_if_needed(session_pool, settings.admin_ids)
        if code is None:
            return
        link = await bot_link(bot, code)
        announce(link, catalogue)
        log.warning("setup_link_issued", setup_link=link, detail="open it to become the admin")

    async def on_shutdown(self) -> None:
        await self.refresher.stop()


def install(dp: Dispatcher, notifier: Notifier) -> None:
    first_run = FirstRun(notifier)
    dp.startup.register(first_run.on_startup)
    dp.shutdown.register(first_run.on_shutdown)
