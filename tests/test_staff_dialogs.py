"""A staff dialog outlives nobody's role: demoted or blocked with a prompt open, the next
step shows nothing and the prompt is gone."""

from __future__ import annotations

import pytest
from aiogram.filters.callback_data import CallbackData
from aiogram.methods import (
    AnswerCallbackQuery,
    DeleteMyCommands,
    EditMessageText,
    SendMessage,
    SetMyCommands,
)
from sqlalchemy import select

from models import Action, Category, RequestStatus, Role, StatusChange, User
from tests.conftest import ADMIN, EXECUTOR, TEACHER, Harness
from tests.staff import add_person, add_request, count, fsm_state, on_card, request_state
from tests.updates import Person, message, press
from utils.callbacks import (
    CategoryAddCb,
    RequestActionCb,
    SearchStartCb,
    UserBlockCb,
    UserRoleCb,
    UserSearchCb,
)

# An admin by the bot (not listed in ADMIN_IDS), so another admin may demote them.
DEPUTY = Person(id=900_021, first_name="Пётр", last_name="Замов", username="deputy")


async def demote(harness: Harness, person: User, role: Role) -> None:
    """ADMIN changes `person`'s role from the user card, as in the bot."""
    await harness.feed(press(ADMIN, UserRoleCb(id=person.id, role=role), on_card(ADMIN, 77)))
    harness.pop(DeleteMyCommands if role is Role.USER else SetMyCommands)
    harness.pop(AnswerCallbackQuery)
    harness.pop(EditMessageText)


async def open_prompt(harness: Harness, person: Person, button: CallbackData) -> None:
    await harness.feed(press(person, button))
    harness.pop(AnswerCallbackQuery)
    harness.pop(SendMessage)
    assert await fsm_state(harness, person) is not None


@pytest.fixture
async def deputy(harness: Harness) -> User:
    await add_person(harness.session_pool, ADMIN, Role.ADMIN)
    return await add_person(harness.session_pool, DEPUTY, Role.ADMIN)


def refused(harness: Harness) -> None:
    """One reply, the refusal; no card, no list."""
    assert "только сотрудникам" in harness.pop(SendMessage).text
    harness.expect_nothing()


async def test_demoted_admin_searching_by_number_gets_no_card(
    harness: Harness, deputy: User
) -> None:
    author = await add_person(harness.session_pool, TEACHER)
    rid = await add_request(harness.session_pool, author, description="Ключ от серверной")
    await open_prompt(harness, DEPUTY, SearchStartCb())
    await demote(harness, deputy, Role.EXECUTOR)

    await harness.feed(message(DEPUTY, f"#{rid}"))

    refused(harness)
    assert await fsm_state(harness, DEPUTY) is None


async def test_demoted_admin_searching_users_gets_no_list(harness: Harness, deputy: User) -> None:
    await add_person(harness.session_pool, TEACHER)
    await open_prompt(harness, DEPUTY, UserSearchCb())
    await demote(harness, deputy, Role.USER)

    await harness.feed(message(DEPUTY, "Мария"))

    refused(harness)
    assert await fsm_state(harness, DEPUTY) is None


async def test_demoted_admin_naming_a_category_creates_nothing(
    harness: Harness, deputy: User
) -> None:
    await open_prompt(harness, DEPUTY, CategoryAddCb())
    await demote(harness, deputy, Role.EXECUTOR)

    await harness.feed(message(DEPUTY, "Лифты / Elevators"))

    refused(harness)
    assert await fsm_state(harness, DEPUTY) is None
    async with harness.session_pool() as session:
        assert await session.scalar(select(Category).where(Category.name_en == "Elevators")) is None


async def test_executor_demoted_while_giving_a_reason_changes_nothing(harness: Harness) -> None:
    pool = harness.session_pool
    await add_person(pool, ADMIN, Role.ADMIN)
    executor = await add_person(pool, EXECUTOR, Role.EXECUTOR)
    author = await add_person(pool, TEACHER)
    rid = await add_request(pool, author, status=RequestStatus.IN_PROGRESS, assignee=executor)
    await open_prompt(harness, EXECUTOR, RequestActionCb(action=Action.HOLD, id=rid))
    await demote(harness, executor, Role.USER)

    await harness.feed(message(EXECUTOR, "Нет прокладок"))

    refused(harness)
    assert await fsm_state(harness, EXECUTOR) is None
    assert await request_state(pool, rid) == (RequestStatus.IN_PROGRESS, executor.id)
    assert await count(pool, StatusChange) == 0


async def test_blocking_clears_the_dialog_at_once(harness: Harness, deputy: User) -> None:
    await open_prompt(harness, DEPUTY, SearchStartCb())

    await harness.feed(press(ADMIN, UserBlockCb(id=deputy.id, block=True)))

    harness.pop(AnswerCallbackQuery)
    harness.pop(EditMessageText)
    assert await fsm_state(harness, DEPUTY) is None
