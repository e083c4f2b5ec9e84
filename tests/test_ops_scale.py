"""Two webhook processes behind one address (as with the compose `scale` profile): one
PostgreSQL, one Redis, the same users' updates spread over both."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import User
from tests.conftest import TEST_REDIS_URL
from tests.ops_support import (
    RunningBot,
    SlowBotAPI,
    post_update,
    running_bot,
    webhook_env,
)
from tests.updates import Person, command, press
from utils.callbacks import LanguageCb
from utils.i18n import Catalogue

PEOPLE = [Person(id=556_000 + n, first_name=f"Учитель{n}") for n in range(1, 5)]


def sent_to(api: SlowBotAPI, person: Person) -> list[str]:
    return [
        c.params["text"]
        for c in api.calls_to("sendMessage")
        if c.ok and c.params["chat_id"] == person.id
    ]


async def replies(api: SlowBotAPI, person: Person, count: int, bots: list[RunningBot]) -> None:
    """Until `person` has received `count` messages in all."""
    for _ in range(300):
        if len(sent_to(api, person)) >= count:
            return
        await asyncio.sleep(0.05)
    logs = "\n".join(bot.output for bot in bots)
    raise AssertionError(f"{person.id} got {sent_to(api, person)}\n{logs}")


async def handled_intervals(
    bots: list[RunningBot], update_ids: set[int]
) -> list[tuple[float, float]]:
    """(start, end) of each of these updates, from the processes' `update` log lines
    (written just after the reply, so they may take a moment to arrive)."""
    for _ in range(100):
        lines = [
            line
            for bot in bots
            for line in bot.json_lines()
            if line["event"] == "update" and line["update_id"] in update_ids
        ]
        if len(lines) >= len(update_ids):
            break
        await asyncio.sleep(0.05)
    assert len(lines) == len(update_ids), lines
    spans = []
    for line in lines:
        assert line["outcome"] == "handled", line
        end = datetime.fromisoformat(line["timestamp"]).timestamp()
        spans.append((end - line["duration_ms"] / 1000, end))
    return sorted(spans)


async def test_two_webhook_processes_share_dialogs_and_never_interleave_a_user(
    database_url: str,
    db: async_sessionmaker[AsyncSession],
    catalogue: Catalogue,
    tmp_path: Path,
) -> None:
    async with SlowBotAPI() as api, aiohttp.ClientSession() as http:
        envs = [webhook_env(api, database_url, TEST_REDIS_URL) for _ in range(2)]
        ports = [int(env["WEBHOOK_PORT"]) for env in envs]
        async with (
            running_bot(envs[0], tmp_path) as first,
            running_bot(envs[1], tmp_path) as second,
        ):
            bots = [first, second]
            for _ in bots:
                try:
                    await api.wait_for("setWebhook", timeout=90)
                except TimeoutError:
                    raise AssertionError("\n".join(b.output for b in bots)) from None
            # Each handler waits 0.3 s for Telegram: two updates of one user handled at
            # the same time would overlap for sure without the shared per-user lock.
            api.delays["sendMessage"] = 0.3

            # 1. A new user's first two updates reach both processes at the same moment.
            burst: dict[int, set[int]] = {}
            posts = []
            for person in PEOPLE:
                start, help_ = command(person, "/start"), command(person, "/help")
                burst[person.id] = {start.update_id, help_.update_id}
                posts += [post_update(http, ports[0], start), post_update(http, ports[1], help_)]
            assert set(await asyncio.gather(*posts)) == {200}
            for person in PEOPLE:
                await replies(api, person, 2, bots)
            for person in PEOPLE:
                (_, first_end), (second_start, _) = await handled_intervals(bots, burst[person.id])
                assert first_end <= second_start + 0.005, f"{person.id}: updates interleaved"
                texts = sent_to(api, person)
                assert any(person.first_name in text for text in texts)
                assert catalogue.get("ru", "error-generic") not in texts

            # 2. A dialog whose steps alternate between the processes, all users at once.
            async def dialog(k: int, person: Person) -> None:
                steps = [
                    command(person, "/language"),
                    press(person, LanguageCb(code="en")),
                    command(person, "/help"),
                ]
                for i, update in enumerate(steps):
                    assert await post_update(http, ports[(i + k) % 2], update) == 200
                    await replies(api, person, 3 + i, bots)

            await asyncio.gather(*(dialog(k, p) for k, p in enumerate(PEOPLE)))

            for person in PEOPLE:
                texts = sent_to(api, person)
                assert len(texts) == 5, texts  # every reply exactly once
                assert texts[2] == catalogue.get("ru", "language-choose")
                assert texts[3] == catalogue.get("en", "language-set")
                assert texts[4].startswith(catalogue.get("en", "help-user")[:20])
            answers = [c.params for c in api.calls_to("answerCallbackQuery")]
            assert len(answers) == len(PEOPLE)

            codes = await asyncio.gather(first.stop(), second.stop())
            assert codes == [0, 0], "\n".join(b.output for b in bots)

    async with db() as session:
        rows: Any = await session.execute(
            select(User.telegram_id, func.count(), func.min(User.language))
            .where(User.telegram_id.in_([p.id for p in PEOPLE]))
            .group_by(User.telegram_id)
        )
        assert sorted(rows.all()) == [(p.id, 1, "en") for p in PEOPLE]
