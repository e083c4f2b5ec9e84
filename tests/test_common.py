"""The first slice: /start, menus per role, help, cancel, language, fallback, blocking."""

from __future__ import annotations

from aiogram.methods import AnswerCallbackQuery, SendMessage
from aiogram.types import ReplyKeyboardMarkup
from sqlalchemy import select, update

from models import Role, User
from tests.conftest import ADMIN, EXECUTOR, OTHER_TEACHER, TEACHER, Harness
from tests.updates import Person, message, photo, press, sticker
from utils.callbacks import LanguageCb


def keyboard_texts(markup: object) -> list[str]:
    assert isinstance(markup, ReplyKeyboardMarkup)
    return [button.text for row in markup.keyboard for button in row]


async def set_role(harness: Harness, person: Person, role: Role) -> None:
    async with harness.session_pool() as session, session.begin():
        await session.execute(update(User).where(User.telegram_id == person.id).values(role=role))


async def test_start_registers_and_shows_requester_menu(harness: Harness) -> None:
    await harness.feed(message(TEACHER, "/start"))
    sent = harness.pop(SendMessage)
    assert sent.chat_id == TEACHER.id
    assert "Мария Учителева" in sent.text
    assert keyboard_texts(sent.reply_markup) == ["📝 Новая заявка", "📋 Мои заявки", "❓ Помощь"]
    async with harness.session_pool() as session:
        user = await session.scalar(select(User).where(User.telegram_id == TEACHER.id))
    assert user is not None
    assert (user.role, user.language, user.username) == (Role.USER, "ru", "teacher")


async def test_name_is_escaped_in_greeting(harness: Harness) -> None:
    evil = Person(id=900_100, first_name="<b>Boss</b> & co", language_code="en")
    await harness.feed(message(evil, "/start"))
    sent = harness.pop(SendMessage)
    assert "&lt;b&gt;Boss&lt;/b&gt; &amp; co" in sent.text
    assert "<b>Boss</b>" not in sent.text


async def test_menu_depends_on_role(harness: Harness) -> None:
    await harness.feed(message(EXECUTOR, "/start"))
    harness.pop(SendMessage)
    await set_role(harness, EXECUTOR, Role.EXECUTOR)
    await harness.feed(message(EXECUTOR, "/start"))
    assert "🛠 Мои задачи" in keyboard_texts(harness.pop(SendMessage).reply_markup)

    await harness.feed(message(ADMIN, "/start"))  # ADMIN_IDS: admin from the first contact
    texts = keyboard_texts(harness.pop(SendMessage).reply_markup)
    assert {"🛠 Мои задачи", "⚙️ Панель администратора"} <= set(texts)


async def test_admin_ids_cannot_be_demoted_in_the_table(harness: Harness) -> None:
    await harness.feed(message(ADMIN, "/start"))
    harness.pop(SendMessage)
    await set_role(harness, ADMIN, Role.USER)
    await harness.feed(message(ADMIN, "/help"))
    assert "/users" in harness.pop(SendMessage).text
    async with harness.session_pool() as session:
        role = await session.scalar(select(User.role).where(User.telegram_id == ADMIN.id))
    assert role is Role.ADMIN


async def test_help_is_role_aware(harness: Harness) -> None:
    await harness.feed(message(TEACHER, "❓ Помощь"))
    text = harness.pop(SendMessage).text
    assert "/new" in text and "/tasks" not in text and "/users" not in text


async def test_english_user_gets_english(harness: Harness) -> None:
    await harness.feed(message(OTHER_TEACHER, "/start"))
    sent = harness.pop(SendMessage)
    assert sent.text.startswith("Hello, <b>Олег</b>")
    assert keyboard_texts(sent.reply_markup)[0] == "📝 New request"


async def test_language_switch(harness: Harness) -> None:
    await harness.feed(message(TEACHER, "/language"))
    prompt = harness.pop(SendMessage)
    assert prompt.reply_markup is not None
    await harness.feed(press(TEACHER, LanguageCb(code="en")))
    harness.pop(AnswerCallbackQuery)
    done = harness.pop(SendMessage)
    assert done.text == "Done: the language is English."
    assert keyboard_texts(done.reply_markup)[0] == "📝 New request"
    await harness.feed(message(TEACHER, "/help"))
    assert "How to use the bot" in harness.pop(SendMessage).text


async def test_forged_language_changes_nothing(harness: Harness) -> None:
    await harness.feed(message(TEACHER, "/start"))
    harness.pop(SendMessage)
    await harness.feed(press(TEACHER, LanguageCb(code="xx")))
    harness.pop(AnswerCallbackQuery)
    async with harness.session_pool() as session:
        lang = await session.scalar(select(User.language).where(User.telegram_id == TEACHER.id))
    assert lang == "ru"


async def test_unknown_input_gets_a_hint(harness: Harness) -> None:
    for incoming in (message(TEACHER, "привет"), sticker(TEACHER), photo(TEACHER)):
        await harness.feed(incoming)
        sent = harness.pop(SendMessage)
        assert "/help" in sent.text
        assert isinstance(sent.reply_markup, ReplyKeyboardMarkup)


async def test_unknown_button_is_answered(harness: Harness) -> None:
    await harness.feed(press(TEACHER, "zz:unknown"))
    answer = harness.pop(AnswerCallbackQuery)
    assert answer.show_alert and "устарела" in (answer.text or "")


async def test_cancel_outside_a_dialog(harness: Harness) -> None:
    await harness.feed(message(TEACHER, "/cancel"))
    assert harness.pop(SendMessage).text == "Нечего отменять. Вы в главном меню."


async def test_blocked_user_gets_one_refusal_and_nothing_runs(harness: Harness) -> None:
    await harness.feed(message(TEACHER, "/start"))
    harness.pop(SendMessage)
    async with harness.session_pool() as session, session.begin():
        await session.execute(
            update(User).where(User.telegram_id == TEACHER.id).values(is_blocked=True)
        )
    await harness.feed(message(TEACHER, "/help"))
    assert "закрыт" in harness.pop(SendMessage).text
    harness.expect_nothing()


async def test_flooding_user_is_told_once_then_silence(harness: Harness) -> None:
    harness.dp = harness.build_dispatcher(rate_limit_per_second=0.01, rate_limit_burst=3)
    for _ in range(3):
        await harness.feed(message(TEACHER, "/help"))
        harness.pop(SendMessage)
    await harness.feed(message(TEACHER, "/help"))
    assert harness.pop(SendMessage).text.startswith("Слишком много сообщений")
    for _ in range(5):
        await harness.feed(message(TEACHER, "/help"))
    harness.expect_nothing()
    # Another user is not affected.
    await harness.feed(message(OTHER_TEACHER, "/help"))
    harness.pop(SendMessage)


async def test_webhook_replicas_share_each_users_bucket(harness: Harness) -> None:
    """Replicas keep a user's bucket in Redis: three messages spread over two replicas
    use it up, and the fourth is refused by whichever replica takes it."""
    replicas = [
        harness.build_dispatcher(
            webhook_url="https://bot.example.org",
            webhook_secret="s3cret",
            rate_limit_per_second=0.01,
            rate_limit_burst=3,
        )
        for _ in range(2)
    ]
    for i in range(3):
        harness.dp = replicas[i % 2]
        await harness.feed(message(TEACHER, "/help"))
        assert not harness.pop(SendMessage).text.startswith("Слишком много")
    harness.dp = replicas[1]
    await harness.feed(message(TEACHER, "/help"))
    assert harness.pop(SendMessage).text.startswith("Слишком много сообщений")


async def test_bot_blocked_flag_follows_membership(harness: Harness) -> None:
    from datetime import UTC, datetime

    from aiogram.types import ChatMemberBanned, ChatMemberMember, ChatMemberUpdated, Update
    from aiogram.types import User as TgUser

    await harness.feed(message(TEACHER, "/start"))
    harness.pop(SendMessage)
    bot_user = TgUser(id=42, is_bot=True, first_name="ZAVhoz")
    kicked = Update(
        update_id=777_001,
        my_chat_member=ChatMemberUpdated(
            chat=TEACHER.chat,
            from_user=TEACHER.tg,
            date=datetime.now(UTC),
            old_chat_member=ChatMemberMember(user=bot_user),
            new_chat_member=ChatMemberBanned(user=bot_user, until_date=0),
        ),
    )
    await harness.feed(kicked)
    async with harness.session_pool() as session:
        flag = await session.scalar(select(User.bot_blocked).where(User.telegram_id == TEACHER.id))
    assert flag is True
    await harness.feed(message(TEACHER, "/help"))  # writing again means unblocked
    harness.pop(SendMessage)
    async with harness.session_pool() as session:
        flag = await session.scalar(select(User.bot_blocked).where(User.telegram_id == TEACHER.id))
    assert flag is False
