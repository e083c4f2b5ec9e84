"""`python -m bot <command>`: the operator's one-off commands.

    python -m bot                # run the bot (polling or webhook)
    python -m bot setup-link     # print a fresh one-time admin link (the previous one dies)
    python -m bot demo           # fill an empty database with a demo school

Each reads the same settings as the bot (.env, the environment) and migrates the
database first when AUTO_MIGRATE is on.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

import structlog

from bot.logging import configure_logging
from bot.settings import Settings
from database import migrate
from database.engine import create_engine, create_session_pool
from utils.i18n import Catalogue

log = structlog.get_logger(__name__)

#: Seconds `setup-link` waits for Telegram's getMe (for the bot's username).
GET_ME_TIMEOUT = 15


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m bot", description="ZAVhoz, the repair bot.")
    commands = root.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser(
        "setup-link",
        help="print a fresh one-time link that makes its first opener admin",
    )
    commands.add_parser(
        "demo", help="fill an empty database with a demo school (refuses if it has requests)"
    )
    return root


async def _prepared(settings: Settings) -> None:
    if settings.auto_migrate:
        await migrate.upgrade_async(settings.database_url.get_secret_value())


async def setup_link(settings: Settings) -> int:
    from bot.client import build_bot
    from bot.first_run import announce, bot_link
    from bot.services import onboarding
    from utils.deep_links import start_link

    await _prepared(settings)
    engine = create_engine(settings.database_url.get_secret_value())
    try:
        async with create_session_pool(engine)() as session:
            code = await onboarding.issue_setup_code(session)
    finally:
        await engine.dispose()
    bot = build_bot(settings)
    try:
        link = await asyncio.wait_for(bot_link(bot, code), GET_ME_TIMEOUT)
    except Exception as exc:  # no Telegram from here: the operator puts the name in
        log.warning("get_me_failed", error=type(exc).__name__)
        link = start_link("YOUR_BOT", code)
    finally:
        await bot.session.close()
    announce(link, Catalogue(settings.default_language))
    return 0


async def demo(settings: Settings) -> int:
    from bot.services.demo import DemoOutcome, fill_demo_school
    from bot.services.notifications import Notifier

    await _prepared(settings)
    engine = create_engine(settings.database_url.get_secret_value())
    try:
        notifier = Notifier(Catalogue(settings.default_language), settings.tz)
        result = await fill_demo_school(
            create_session_pool(engine), notifier, sla_hours=settings.sla_hours()
        )
    finally:
        await engine.dispose()
    if result.outcome is DemoOutcome.REFUSED:
        print("The database already holds requests: the demo school is only for an empty one.")
        return 1
    statuses = ", ".join(f"{status}: {n}" for status, n in sorted(result.by_status.items()))
    print(
        f"Demo school ready: {result.requests} requests ({statuses}), "
        f"{result.comments} comments, {result.ratings} ratings. "
        "Start the bot (make run) and open /admin, /stats, /export."
    )
    return 0


COMMANDS: dict[str, Callable[[Settings], Coroutine[Any, Any, int]]] = {
    "setup-link": setup_link,
    "demo": demo,
}


def main(settings: Settings, argv: Sequence[str]) -> int:
    args = parser().parse_args(list(argv))
    if args.command is None:
        parser().print_help()
        return 2
    configure_logging(settings.log_level, settings.log_format)
    return asyncio.run(COMMANDS[args.command](settings))
