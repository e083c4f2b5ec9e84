"""/outbox: an admin sees what could not be delivered and sends it again (issue 13 item 1)."""

from __future__ import annotations

from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage
from sqlalchemy import select, update

from bot.metrics import Metrics, refresh_gauges
from bot.services import outbox
from models import OutboxMessage, OutboxStatus, Role
from tests.conftest import ADMIN, EXECUTOR, Harness
from tests.staff import add_person, button_data, button_texts, on_card
from tests.updates import message, press
from utils.callbacks import OutboxCb

LOST = 700_501


async def fail_two_notifications(harness: Harness) -> None:
    async with harness.session_pool() as session, session.begin():
        for n in range(2):
            outbox.enqueue(session, SendMessage(chat_id=LOST, text=f"потеряно {n}"))
        outbox.enqueue(session, SendMessage(chat_id=LOST + 1, text="ждёт"))
    async with harness.session_pool() as session, session.begin():
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.chat_id == LOST)
            .values(
                status=OutboxStatus.FAILED,
                attempts=577,
                last_error="TelegramServerError: Bad Gateway <html>",
            )
        )


async def test_admin_sees_failures_and_requeues_them(harness: Harness) -> None:
    await add_person(harness.session_pool, ADMIN, Role.ADMIN)
    await fail_two_notifications(harness)
    metrics = Metrics(process=False)
    await refresh_gauges(metrics, harness.session_pool)
    assert metrics.outbox_failed._value.get() == 2  # the gauge still counts them

    await harness.feed(message(ADMIN, "/outbox"))

    shown = harness.pop(SendMessage)
    t = harness.catalogue.translator("ru")
    assert t("outbox-counts", pending=1, sent=0, failed=2) in shown.text
    assert shown.text.count("попыток: 577") == 2
    assert "Bad Gateway &lt;html&gt;" in shown.text  # escaped
    assert button_texts(shown.reply_markup)[0] == t("outbox-requeue")

    requeue = OutboxCb.unpack(button_data(shown.reply_markup)[0])
    await harness.feed(press(ADMIN, requeue, on_card(ADMIN, 31)))

    assert harness.pop(AnswerCallbackQuery).text == t("outbox-requeued", count=2)
    refreshed = harness.pop(EditMessageText)
    assert t("outbox-no-failures") in refreshed.text
    await harness.deliver_outbox()
    delivered = sorted(harness.pop(SendMessage).text for _ in range(3))
    assert delivered == ["ждёт", "потеряно 0", "потеряно 1"]
    async with harness.session_pool() as session:
        statuses = set(await session.scalars(select(OutboxMessage.status)))
    assert statuses == {OutboxStatus.SENT}


async def test_outbox_is_for_admins_only(harness: Harness) -> None:
    await add_person(harness.session_pool, EXECUTOR, Role.EXECUTOR)
    await fail_two_notifications(harness)

    await harness.feed(message(EXECUTOR, "/outbox"))
    assert harness.pop(SendMessage).text == harness.catalogue.get("ru", "fallback-hint")
    await harness.feed(press(EXECUTOR, OutboxCb(requeue=True)))

    assert harness.pop(AnswerCallbackQuery).text == harness.catalogue.get("ru", "button-outdated")
    async with harness.session_pool() as session:
        failed = await outbox.counts(session)
    assert failed[OutboxStatus.FAILED] == 2
