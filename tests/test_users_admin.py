"""/users: the list with roles and counts, search, role changes that take effect at once,
blocking, and the ADMIN_IDS admins nobody can demote from the bot."""

from __future__ import annotations

from aiogram.methods import (
    AnswerCallbackQuery,
    DeleteMyCommands,
    EditMessageText,
    SendMessage,
    SetMyCommands,
)
from aiogram.types import BotCommandScopeChat, ReplyKeyboardMarkup
from sqlalchemy import select

from models import RequestStatus, Role, User
from tests.conftest import ADMIN, EXECUTOR, OTHER_TEACHER, TEACHER, Harness
from tests.staff import add_person, add_request, button_data, button_texts, on_card
from tests.updates import Person, message, press
from utils.callbacks import UserBlockCb, UserCardCb, UserRoleCb, UserSearchCb, UsersPageCb

ADMIN2 = Person(id=900_011, first_name="Peter", last_name="Second", language_code="en")
LIST = 640


def keyboard_texts(markup: object) -> list[str]:
    assert isinstance(markup, ReplyKeyboardMarkup)
    return [b.text for row in markup.keyboard for b in row]


def card_ids(markup: object) -> list[int]:
    return [int(d.split(":")[1]) for d in button_data(markup) if d.startswith("auc:")]


async def role_of(harness: Harness, person: Person) -> tuple[Role, bool]:
    async with harness.session_pool() as session:
        user = await session.scalar(select(User).where(User.telegram_id == person.id))
    assert user is not None
    return user.role, user.is_blocked


async def test_list_shows_roles_and_counts_and_pages(harness: Harness) -> None:
    pool = harness.session_pool
    admin = await add_person(pool, ADMIN, Role.ADMIN)
    teacher = await add_person(pool, TEACHER)
    executor = await add_person(pool, EXECUTOR, Role.EXECUTOR)
    for _ in range(3):
        await add_request(pool, teacher)
    await add_request(pool, teacher, status=RequestStatus.IN_PROGRESS, assignee=executor)
    extra = [
        await add_person(pool, Person(id=920_000 + i, first_name=f"Гость{i}")) for i in range(9)
    ]

    await harness.feed(message(ADMIN, "/users"))
    first = harness.pop(SendMessage)
    assert "Мария Учителева @teacher · пользователь · заявок: 4 · задач: 0" in first.text
    assert "Иван Мастеров @fixer · исполнитель · заявок: 0 · задач: 1" in first.text
    ids = card_ids(first.reply_markup)
    assert ids == [admin.id, teacher.id, executor.id] + [u.id for u in extra[:7]]
    nxt = next(
        d for d in button_data(first.reply_markup) if d.startswith("aup:") and d != "aup:0:0"
    )
    await harness.feed(press(ADMIN, UsersPageCb.unpack(nxt), on_card(ADMIN, LIST)))
    harness.pop(AnswerCallbackQuery)
    second = harness.pop(EditMessageText)
    assert card_ids(second.reply_markup) == [u.id for u in extra[7:]]
    assert "⏮ В начало" in button_texts(second.reply_markup)


async def test_search_by_name_username_and_id(harness: Harness) -> None:
    pool = harness.session_pool
    await add_person(pool, ADMIN, Role.ADMIN)
    teacher = await add_person(pool, TEACHER)
    other = await add_person(pool, OTHER_TEACHER)

    async def search(query: str) -> SendMessage:
        await harness.feed(press(ADMIN, UserSearchCb()))
        harness.pop(AnswerCallbackQuery)
        harness.pop(SendMessage)  # the prompt to type a name
        await harness.feed(message(ADMIN, query))
        return harness.pop(SendMessage)

    for query, want in (
        ("учител", [teacher.id]),
        ("@olegteach", [other.id]),
        (str(TEACHER.id), [teacher.id]),
    ):
        assert card_ids((await search(query)).reply_markup) == want, query
    assert "Никого не нашлось" in (await search("никто")).text


async def test_promotion_gives_the_new_menu_and_commands_at_once(harness: Harness) -> None:
    pool = harness.session_pool
    await add_person(pool, ADMIN, Role.ADMIN)
    teacher = await add_person(pool, TEACHER)
    card = on_card(ADMIN, LIST)
    await harness.feed(press(ADMIN, UserCardCb(id=teacher.id), card))
    harness.pop(AnswerCallbackQuery)
    shown = harness.pop(EditMessageText)
    assert "Роль: 👤 пользователь" in shown.text
    assert button_texts(shown.reply_markup) == [
        "🛠 Сделать исполнителем",
        "⚙️ Сделать админом",
        "⛔ Заблокировать",
        "◀ Назад",
    ]

    await harness.feed(press(ADMIN, UserRoleCb(id=teacher.id, role=Role.EXECUTOR), card))
    commands = harness.pop(SetMyCommands)
    assert commands.scope == BotCommandScopeChat(chat_id=TEACHER.id)
    assert "tasks" in [c.command for c in commands.commands]
    assert "исполнитель" in (harness.pop(AnswerCallbackQuery).text or "")
    assert "Роль: 🛠 исполнитель" in harness.pop(EditMessageText).text
    assert await role_of(harness, TEACHER) == (Role.EXECUTOR, False)

    await harness.deliver_outbox()
    told = harness.pop(SendMessage)
    assert told.chat_id == TEACHER.id and "Ваша роль теперь: исполнитель" in told.text
    assert "🛠 Мои задачи" in keyboard_texts(told.reply_markup)
    # The very next message already runs with the new role.
    await harness.feed(message(TEACHER, "/tasks"))
    assert "нет назначенных задач" in harness.pop(SendMessage).text

    await harness.feed(press(ADMIN, UserRoleCb(id=teacher.id, role=Role.USER), card))
    assert harness.pop(DeleteMyCommands).scope == BotCommandScopeChat(chat_id=TEACHER.id)
    harness.pop(AnswerCallbackQuery)
    harness.pop(EditMessageText)
    await harness.deliver_outbox()
    assert "🛠 Мои задачи" not in keyboard_texts(harness.pop(SendMessage).reply_markup)
    await harness.feed(message(TEACHER, "/tasks"))
    assert "только сотрудникам" in harness.pop(SendMessage).text


async def test_admin_ids_and_oneself_cannot_be_demoted_or_blocked(harness: Harness) -> None:
    pool = harness.session_pool
    root = await add_person(pool, ADMIN, Role.ADMIN)  # listed in ADMIN_IDS
    second = await add_person(pool, ADMIN2, Role.ADMIN)
    for data in (
        UserRoleCb(id=root.id, role=Role.USER),
        UserBlockCb(id=root.id, block=True),
        UserRoleCb(id=second.id, role=Role.USER),  # oneself
    ):
        await harness.feed(press(ADMIN2, data))
        answer = harness.pop(AnswerCallbackQuery)
        assert answer.show_alert, data
    assert await role_of(harness, ADMIN) == (Role.ADMIN, False)
    assert await role_of(harness, ADMIN2) == (Role.ADMIN, False)
    # The card of a protected admin offers no role or block buttons.
    await harness.feed(press(ADMIN2, UserCardCb(id=root.id), on_card(ADMIN2, LIST)))
    harness.pop(AnswerCallbackQuery)
    shown = harness.pop(EditMessageText)
    assert "ADMIN_IDS" in shown.text and button_texts(shown.reply_markup) == ["◀ Back"]
    # Anyone may demote the second admin, though.
    await harness.feed(press(ADMIN, UserRoleCb(id=second.id, role=Role.EXECUTOR)))
    harness.pop(SetMyCommands)
    harness.pop(AnswerCallbackQuery)
    harness.pop(EditMessageText)
    assert await role_of(harness, ADMIN2) == (Role.EXECUTOR, False)
    await harness.deliver_outbox()
    harness.pop(SendMessage)


async def test_block_and_unblock(harness: Harness) -> None:
    pool = harness.session_pool
    await add_person(pool, ADMIN, Role.ADMIN)
    teacher = await add_person(pool, TEACHER)
    await harness.feed(press(ADMIN, UserBlockCb(id=teacher.id, block=True)))
    assert harness.pop(AnswerCallbackQuery).text == "Пользователь заблокирован."
    shown = harness.pop(EditMessageText)
    assert "⛔ Заблокирован" in shown.text and "✅ Разблокировать" in button_texts(
        shown.reply_markup
    )
    await harness.feed(message(TEACHER, "/start"))
    assert "закрыт" in harness.pop(SendMessage).text

    await harness.feed(press(ADMIN, UserBlockCb(id=teacher.id, block=False)))
    harness.pop(AnswerCallbackQuery)
    harness.pop(EditMessageText)
    await harness.feed(message(TEACHER, "/start"))
    assert "Здравствуйте" in harness.pop(SendMessage).text


async def test_non_admins_cannot_manage_users(harness: Harness) -> None:
    pool = harness.session_pool
    await add_person(pool, ADMIN, Role.ADMIN)
    teacher = await add_person(pool, TEACHER)
    await add_person(pool, EXECUTOR, Role.EXECUTOR)
    await harness.feed(message(EXECUTOR, "/users"))
    assert "только сотрудникам" in harness.pop(SendMessage).text
    for data in (
        UserRoleCb(id=teacher.id, role=Role.ADMIN),
        UserBlockCb(id=teacher.id, block=True),
        UsersPageCb(),
    ):
        await harness.feed(press(EXECUTOR, data))
        assert harness.pop(AnswerCallbackQuery).show_alert
    assert await role_of(harness, TEACHER) == (Role.USER, False)
