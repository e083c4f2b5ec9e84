"""/users off the happy path: paging through search results, an outdated search button,
bad search text, buttons for someone who is not there, a change that changes nothing,
and the service refusing an actor who is not an admin."""

from __future__ import annotations

from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage
from sqlalchemy import func, select

from bot.services import admin_users
from bot.services.admin_users import SEARCH_MAX, ChangeOutcome
from models import OutboxMessage, Role, User
from tests.conftest import ADMIN, EXECUTOR, TEACHER, Harness
from tests.staff import add_person, button_data, button_texts, on_card, said
from tests.test_users_admin import card_ids, role_of
from tests.updates import Person, message, press, sticker
from utils.callbacks import (
    StaffCancelCb,
    UserBlockCb,
    UserCardCb,
    UserRoleCb,
    UserSearchCb,
    UsersPageCb,
)

LIST = 650


async def search(harness: Harness, query: str) -> SendMessage:
    await harness.feed(press(ADMIN, UserSearchCb()))
    harness.pop(AnswerCallbackQuery)
    assert harness.pop(SendMessage).text == said(harness, "users-search-ask")
    await harness.feed(message(ADMIN, query))
    return harness.pop(SendMessage)


async def outbox_count(harness: Harness) -> int:
    async with harness.session_pool() as session:
        return int(await session.scalar(select(func.count(OutboxMessage.id))) or 0)


async def test_search_results_page_on_and_keep_the_query(harness: Harness) -> None:
    pool = harness.session_pool
    await add_person(pool, ADMIN, Role.ADMIN)
    await add_person(pool, TEACHER)
    guests = [
        await add_person(pool, Person(id=930_000 + i, first_name=f"Гость{i}")) for i in range(12)
    ]

    found = await search(harness, "гость")
    assert found.text.split("\n")[0] == said(harness, "users-found", query="гость")
    assert card_ids(found.reply_markup) == [g.id for g in guests[:10]]
    after = guests[9].id
    assert UsersPageCb(after=after, s=True).pack() in button_data(found.reply_markup)
    assert UsersPageCb().pack() in button_data(found.reply_markup)  # "all users"

    await harness.feed(press(ADMIN, UsersPageCb(after=after, s=True), on_card(ADMIN, LIST)))
    harness.pop(AnswerCallbackQuery)
    second = harness.pop(EditMessageText)
    assert second.text.split("\n")[0] == said(harness, "users-found", query="гость")
    assert card_ids(second.reply_markup) == [g.id for g in guests[10:]]  # Maria is not one
    assert said(harness, "page-first") in button_texts(second.reply_markup)
    assert said(harness, "page-next") not in button_texts(second.reply_markup)


async def test_a_search_page_button_after_the_search_is_gone_is_outdated(
    harness: Harness,
) -> None:
    """The search lives in the dialog data: /users (or a restart of the form) drops it."""
    await add_person(harness.session_pool, ADMIN, Role.ADMIN)
    await harness.feed(message(ADMIN, "/users"))
    harness.pop(SendMessage)
    await harness.feed(press(ADMIN, UsersPageCb(after=5, s=True), on_card(ADMIN, LIST)))
    answer = harness.pop(AnswerCallbackQuery)
    assert answer.show_alert and answer.text == said(harness, "button-outdated")


async def test_bad_search_text_is_asked_again(harness: Harness) -> None:
    await add_person(harness.session_pool, ADMIN, Role.ADMIN)
    teacher = await add_person(harness.session_pool, TEACHER)
    await harness.feed(press(ADMIN, UserSearchCb()))
    harness.pop(AnswerCallbackQuery)
    harness.pop(SendMessage)
    invalid = said(harness, "users-search-invalid", limit=SEARCH_MAX)
    for update in (message(ADMIN, "   "), message(ADMIN, "м" * (SEARCH_MAX + 1)), sticker(ADMIN)):
        await harness.feed(update)
        answer = harness.pop(SendMessage)
        assert answer.text == invalid
        assert button_data(answer.reply_markup) == [StaffCancelCb().pack()]
    # Still asking: the next good text is searched.
    await harness.feed(message(ADMIN, "мария"))
    assert card_ids(harness.pop(SendMessage).reply_markup) == [teacher.id]


async def test_buttons_for_someone_who_is_not_there_say_so(harness: Harness) -> None:
    await add_person(harness.session_pool, ADMIN, Role.ADMIN)
    for data in (
        UserCardCb(id=404),
        UserRoleCb(id=404, role=Role.EXECUTOR),
        UserBlockCb(id=404, block=True),
    ):
        await harness.feed(press(ADMIN, data, on_card(ADMIN, LIST)))
        answer = harness.pop(AnswerCallbackQuery)
        assert answer.show_alert and answer.text == said(harness, "users-not-found"), data
        harness.expect_nothing()
    assert await outbox_count(harness) == 0


async def test_the_role_they_have_already_is_no_change_and_no_message(harness: Harness) -> None:
    await add_person(harness.session_pool, ADMIN, Role.ADMIN)
    executor = await add_person(harness.session_pool, EXECUTOR, Role.EXECUTOR)
    await harness.feed(press(ADMIN, UserRoleCb(id=executor.id, role=Role.EXECUTOR)))
    assert harness.pop(AnswerCallbackQuery).text == said(harness, "users-unchanged")
    card = harness.pop(EditMessageText)  # no setMyCommands before it
    assert "Роль: 🛠 исполнитель" in card.text
    assert await role_of(harness, EXECUTOR) == (Role.EXECUTOR, False)
    assert await outbox_count(harness) == 0

    await harness.feed(press(ADMIN, UserBlockCb(id=executor.id, block=False)))
    assert harness.pop(AnswerCallbackQuery).text == said(harness, "users-unchanged")
    harness.pop(EditMessageText)
    assert await role_of(harness, EXECUTOR) == (Role.EXECUTOR, False)


async def test_the_service_refuses_an_actor_who_is_not_an_admin(harness: Harness) -> None:
    """The web panel's session may outlive the admin role; the service checks every time."""
    pool = harness.session_pool
    await add_person(pool, ADMIN, Role.ADMIN)
    executor = await add_person(pool, EXECUTOR, Role.EXECUTOR)
    teacher = await add_person(pool, TEACHER)
    async with pool() as session:
        actor = await session.get(User, executor.id)
    assert actor is not None
    async with pool() as session:
        promoted = await admin_users.change_role(
            session,
            harness.catalogue,
            actor=actor,
            user_id=teacher.id,
            role=Role.ADMIN,
            admin_ids=harness.settings.admin_ids,
        )
        blocked = await admin_users.set_blocked(
            session,
            actor=actor,
            user_id=teacher.id,
            blocked=True,
            admin_ids=harness.settings.admin_ids,
        )
    assert (promoted.outcome, promoted.row) == (ChangeOutcome.FORBIDDEN, None)
    assert (blocked.outcome, blocked.row) == (ChangeOutcome.FORBIDDEN, None)
    assert await role_of(harness, TEACHER) == (Role.USER, False)
    assert await outbox_count(harness) == 0
