"""Card actions by staff: take, assign, reject, hold, resume, finish — on real PostgreSQL.

Card copies stay in sync, two simultaneous takes have one winner, and a forged or stale
button from any wrong role or in any wrong status is refused and changes nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
from aiogram.filters.callback_data import CallbackData
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageReplyMarkup,
    EditMessageText,
    SendMediaGroup,
    SendMessage,
)
from aiogram.types import ForceReply
from sqlalchemy import select

from bot.services.notifications import Notifier
from bot.services.transitions import perform
from models import (
    Action,
    Attachment,
    AttachmentKind,
    CardMessage,
    OutboxMessage,
    RequestStatus,
    Role,
    StatusChange,
)
from models.workflow import Actor, is_allowed
from tests.conftest import ADMIN, EXECUTOR, OTHER_TEACHER, TEACHER, Harness
from tests.staff import (
    STAFF_GROUP,
    add_card_copy,
    add_person,
    add_request,
    button_data,
    button_texts,
    count,
    fsm_state,
    history,
    on_card,
    outbox_rows,
    pop_many,
    request_state,
)
from tests.updates import Person, album, message, press
from utils.callbacks import (
    AssignPageCb,
    AssignToCb,
    CardKeyboardCb,
    FinishSubmitCb,
    OpenRequestCb,
    PhotosCb,
    RequestActionCb,
    StaffCancelCb,
    StaffCommentCb,
    TasksCb,
)

ADMIN2 = Person(id=900_011, first_name="Peter", last_name="Second", language_code="en")
EXECUTOR2 = Person(id=900_012, first_name="Сергей", last_name="Слесарев", username="plumber")


def card_of(harness: Harness, kind: type = EditMessageText) -> EditMessageText:
    return harness.pop(kind)  # type: ignore[no-any-return]


# ---------------------------------------------------------------------------- take
async def test_take_edits_every_copy_in_each_viewers_language(harness: Harness) -> None:
    pool = harness.session_pool
    author = await add_person(pool, TEACHER)
    admin = await add_person(pool, ADMIN, Role.ADMIN)
    await add_person(pool, ADMIN2, Role.ADMIN)
    rid = await add_request(pool, author)
    mine = await add_card_copy(pool, rid, ADMIN.id)
    theirs = await add_card_copy(pool, rid, ADMIN2.id)
    group = await add_card_copy(pool, rid, STAFF_GROUP.id)

    await harness.feed(
        press(ADMIN, RequestActionCb(action=Action.TAKE, id=rid), on_card(ADMIN, mine))
    )
    answer = harness.pop(AnswerCallbackQuery)
    assert not answer.show_alert and "#1" in (answer.text or "")
    in_place = harness.pop(EditMessageText)  # the pressed copy, redrawn at once
    assert in_place.message_id == mine and "🔧 В работе" in in_place.text
    assert "Взял(а) в работу: Анна Админова (@caretaker)" in in_place.text

    assert await request_state(pool, rid) == (RequestStatus.IN_PROGRESS, admin.id)
    await harness.deliver_outbox()
    told = harness.pop(SendMessage)
    assert told.chat_id == TEACHER.id and "В работе" in told.text
    edits = {e.chat_id: e for e in pop_many(harness, 3) if isinstance(e, EditMessageText)}
    assert set(edits) == {ADMIN.id, ADMIN2.id, STAFF_GROUP.id}
    assert edits[ADMIN.id].message_id == mine
    assert edits[ADMIN.id].text == in_place.text  # the outbox redraws it the same way
    # The assignee's own buttons: hold and finish; nobody can take it any more.
    assert "⏸ Приостановить" in button_texts(edits[ADMIN.id].reply_markup)
    english = edits[ADMIN2.id]
    assert english.message_id == theirs
    assert "In progress" in english.text and "Taken by Анна Админова" in english.text
    assert "✋ Take" not in button_texts(english.reply_markup)
    assert "👤 Assign…" in button_texts(english.reply_markup)
    grp = edits[STAFF_GROUP.id]
    assert grp.message_id == group and "Взял(а) в работу" in grp.text
    assert await history(pool, rid) == [
        (RequestStatus.NEW, RequestStatus.IN_PROGRESS, admin.id, None)
    ]


async def test_two_admins_take_at_once_exactly_one_wins(harness: Harness) -> None:
    pool = harness.session_pool
    author = await add_person(pool, TEACHER)
    admin = await add_person(pool, ADMIN, Role.ADMIN)
    admin2 = await add_person(pool, ADMIN2, Role.ADMIN)
    names = {admin.id: "Анна Админова", admin2.id: "Peter Second"}
    for _ in range(3):  # several rounds: the presses really overlap in some of them
        rid = await add_request(pool, author)
        take = RequestActionCb(action=Action.TAKE, id=rid)
        await asyncio.gather(harness.feed(press(ADMIN, take)), harness.feed(press(ADMIN2, take)))
        calls = harness.pop_all()
        answers = [c for c in calls if isinstance(c, AnswerCallbackQuery)]
        assert len(answers) == 2
        alerts = [a for a in answers if a.show_alert]
        assert len(alerts) == 1, answers
        status, winner = await request_state(pool, rid)
        assert status is RequestStatus.IN_PROGRESS and winner in names
        # The loser is told who took it.
        assert names[winner] in (alerts[0].text or "")
        assert len([c for c in calls if isinstance(c, EditMessageText)]) == 1
        assert len(await history(pool, rid)) == 1
    await harness.deliver_outbox()
    for _ in range(3):
        assert harness.pop(SendMessage).chat_id == TEACHER.id  # one notice per request


# ----------------------------------------------------------------- forged buttons
WHO = ("author", "stranger", "executor", "assignee", "admin")
FORGEABLE = (
    Action.TAKE,
    Action.ASSIGN,
    Action.REJECT,
    Action.HOLD,
    Action.RESUME,
    Action.FINISH,
    "assign_to",
)


def _actor(who: str) -> Actor:
    return {
        "author": Actor(Role.USER, is_author=True),
        "stranger": Actor(Role.USER),
        "executor": Actor(Role.EXECUTOR),
        "assignee": Actor(Role.EXECUTOR, is_assignee=True),
        "admin": Actor(Role.ADMIN),
    }[who]


def _forged_cases() -> list[tuple[str, RequestStatus, list[str]]]:
    """(action, status, the people for whom it is forged: wrong role, or wrong status)."""
    cases = []
    for action in FORGEABLE:
        rule = Action.ASSIGN if action == "assign_to" else Action(action)
        for status in RequestStatus:
            wrong = [
                who
                for who in WHO
                if not (who == "assignee" and status is RequestStatus.NEW)  # nobody assigned
                and not is_allowed(status, rule, _actor(who))
            ]
            if wrong:
                cases.append((str(action), status, wrong))
    return cases


PEOPLE = {
    "author": TEACHER,
    "stranger": OTHER_TEACHER,
    "executor": EXECUTOR,
    "assignee": EXECUTOR2,
    "admin": ADMIN,
}


FORGED = _forged_cases()


@pytest.mark.parametrize(
    ("action", "status", "wrong"), FORGED, ids=[f"{a}-{s}" for a, s, _ in FORGED]
)
async def test_forged_or_stale_button_is_refused_and_changes_nothing(
    harness: Harness, action: str, status: RequestStatus, wrong: list[str]
) -> None:
    pool = harness.session_pool
    author = await add_person(pool, TEACHER)
    await add_person(pool, OTHER_TEACHER)
    await add_person(pool, EXECUTOR, Role.EXECUTOR)
    assignee = await add_person(pool, EXECUTOR2, Role.EXECUTOR)
    await add_person(pool, ADMIN, Role.ADMIN)
    has_assignee = status is not RequestStatus.NEW
    for who in wrong:
        rid = await add_request(
            pool, author, status=status, assignee=assignee if has_assignee else None
        )
        person = PEOPLE[who]
        data = (
            AssignToCb(id=rid, uid=assignee.id)
            if action == "assign_to"
            else RequestActionCb(action=Action(action), id=rid)
        )
        before = await request_state(pool, rid)

        await harness.feed(press(person, data))

        answer = harness.pop(AnswerCallbackQuery)
        assert answer.show_alert and answer.text, who
        harness.expect_nothing()
        assert await request_state(pool, rid) == before, who
        assert await fsm_state(harness, person) is None, who
    assert await count(pool, StatusChange) == 0
    assert await outbox_rows(pool) == 0


# ---------------------------------------------------------------------- assigning
async def test_assign_from_the_picker_sends_the_assignee_a_remembered_card(
    harness: Harness,
) -> None:
    pool = harness.session_pool
    author = await add_person(pool, TEACHER)
    await add_person(pool, ADMIN, Role.ADMIN)
    executor = await add_person(pool, EXECUTOR, Role.EXECUTOR)
    for i in range(9):  # more staff than one picker page
        await add_person(pool, Person(id=910_000 + i, first_name=f"Мастер{i}"), Role.EXECUTOR)
    rid = await add_request(pool, author)

    await harness.feed(press(ADMIN, OpenRequestCb(id=rid)))
    harness.pop(AnswerCallbackQuery)
    full = harness.pop(SendMessage)
    assert "<b>История</b>" in full.text
    assert button_texts(full.reply_markup)[:3] == ["✋ Взять", "👤 Назначить…", "⛔ Отклонить"]
    full_card = on_card(ADMIN, 777)

    await harness.feed(press(ADMIN, RequestActionCb(action=Action.ASSIGN, id=rid), full_card))
    harness.pop(AnswerCallbackQuery)
    picker = harness.pop(EditMessageReplyMarkup)
    names = button_texts(picker.reply_markup)
    assert names[0].startswith("⚙️ Анна Админова") and names[1] == "🛠 Иван Мастеров · 0"
    assert "Дальше ▶" in names and names[-1] == "◀ Назад"
    assert len([n for n in names if n.startswith(("🛠", "⚙️"))]) == 8
    nxt = next(d for d in button_data(picker.reply_markup) if d.startswith("asp:"))
    await harness.feed(press(ADMIN, AssignPageCb.unpack(nxt), full_card))
    harness.pop(AnswerCallbackQuery)
    page2 = button_texts(harness.pop(EditMessageReplyMarkup).reply_markup)
    assert page2 == ["🛠 Мастер6 · 0", "🛠 Мастер7 · 0", "🛠 Мастер8 · 0", "◀ Назад"]
    await harness.feed(press(ADMIN, CardKeyboardCb(id=rid), full_card))  # back
    harness.pop(AnswerCallbackQuery)
    assert "✋ Взять" in button_texts(harness.pop(EditMessageText).reply_markup)

    await harness.feed(press(ADMIN, AssignToCb(id=rid, uid=executor.id), full_card))
    assert "Иван Мастеров" in (harness.pop(AnswerCallbackQuery).text or "")
    redrawn = harness.pop(EditMessageText)
    assert redrawn.message_id == 777 and "🛠 Исполнитель: Иван Мастеров" in redrawn.text
    assert await request_state(pool, rid) == (RequestStatus.IN_PROGRESS, executor.id)

    await harness.deliver_outbox()
    assert harness.pop(SendMessage).chat_id == TEACHER.id
    card = harness.pop(SendMessage)
    assert card.chat_id == EXECUTOR.id and "Вам назначена заявка #1" in card.text
    assert button_texts(card.reply_markup) == ["✅ Выполнено", "⏸ Приостановить", "🔎 Открыть"]
    async with pool() as session:
        kept = (await session.scalars(select(CardMessage))).all()
        kind = await session.scalar(
            select(OutboxMessage.kind).where(OutboxMessage.chat_id == EXECUTOR.id)
        )
    assert [(c.chat_id, c.request_id) for c in kept] == [(EXECUTOR.id, rid)]
    assert kind == "card"

    # The executor's copy is now kept in sync: holding it redraws it through the outbox.
    copy = on_card(EXECUTOR, kept[0].message_id)
    await harness.feed(press(EXECUTOR, RequestActionCb(action=Action.HOLD, id=rid), copy))
    harness.pop(AnswerCallbackQuery)
    assert "Почему заявка #1 приостановлена" in harness.pop(SendMessage).text
    await harness.feed(message(EXECUTOR, "Ждём трубы"))
    assert "приостановлена" in harness.pop(SendMessage).text
    await harness.deliver_outbox()
    assert "Причина: Ждём трубы" in harness.pop(SendMessage).text  # the author
    synced = harness.pop(EditMessageText)
    assert synced.chat_id == EXECUTOR.id and synced.message_id == kept[0].message_id
    assert button_texts(synced.reply_markup) == ["▶ Возобновить", "🔎 Открыть"]


async def test_the_picker_shows_each_persons_open_requests_only(harness: Harness) -> None:
    pool = harness.session_pool
    author = await add_person(pool, TEACHER)
    await add_person(pool, ADMIN, Role.ADMIN)
    busy = await add_person(pool, EXECUTOR, Role.EXECUTOR)
    idle = await add_person(pool, Person(id=910_100, first_name="Пётр"), Role.EXECUTOR)
    for status in (RequestStatus.IN_PROGRESS, RequestStatus.ON_HOLD, RequestStatus.IN_PROGRESS):
        await add_request(pool, author, status=status, assignee=busy)
    for status in (RequestStatus.DONE, RequestStatus.CLOSED, RequestStatus.REJECTED):
        await add_request(pool, author, status=status, assignee=idle)
    rid = await add_request(pool, author)

    await harness.feed(press(ADMIN, RequestActionCb(action=Action.ASSIGN, id=rid)))
    harness.pop(AnswerCallbackQuery)
    names = button_texts(harness.pop(EditMessageReplyMarkup).reply_markup)
    assert "🛠 Иван Мастеров · 3" in names and "🛠 Пётр · 0" in names


async def test_reassigning_tells_the_previous_assignee(harness: Harness) -> None:
    pool = harness.session_pool
    author = await add_person(pool, TEACHER)
    await add_person(pool, ADMIN, Role.ADMIN)
    first = await add_person(pool, EXECUTOR, Role.EXECUTOR)
    second = await add_person(pool, EXECUTOR2, Role.EXECUTOR)
    rid = await add_request(pool, author, status=RequestStatus.IN_PROGRESS, assignee=first)
    await harness.feed(press(ADMIN, AssignToCb(id=rid, uid=second.id)))
    harness.pop(AnswerCallbackQuery)
    harness.pop(EditMessageText)
    await harness.deliver_outbox()
    assert harness.pop(SendMessage).chat_id == TEACHER.id
    assert harness.pop(SendMessage).chat_id == EXECUTOR2.id
    told = harness.pop(SendMessage)
    assert told.chat_id == EXECUTOR.id and "передана" in told.text and "Сергей" in told.text


# -------------------------------------------------------------------- rejecting
async def test_reject_asks_the_reason_and_the_author_learns_it(harness: Harness) -> None:
    pool = harness.session_pool
    author = await add_person(pool, TEACHER)
    admin = await add_person(pool, ADMIN, Role.ADMIN)
    rid = await add_request(pool, author)
    card = on_card(ADMIN, 4242)

    # Cancel first: nothing changes.
    await harness.feed(press(ADMIN, RequestActionCb(action=Action.REJECT, id=rid), card))
    harness.pop(AnswerCallbackQuery)
    prompt = harness.pop(SendMessage)
    assert "причину отказа" in prompt.text
    assert button_data(prompt.reply_markup) == [StaffCancelCb().pack()]
    await harness.feed(press(ADMIN, StaffCancelCb()))
    harness.pop(AnswerCallbackQuery)
    assert harness.pop(EditMessageText).text == "Отменено."
    assert await fsm_state(harness, ADMIN) is None

    await harness.feed(press(ADMIN, RequestActionCb(action=Action.REJECT, id=rid), card))
    harness.pop(AnswerCallbackQuery)
    harness.pop(SendMessage)
    await harness.feed(message(ADMIN, "x" * 501))
    assert "от 1 до 500" in harness.pop(SendMessage).text  # the same step again
    await harness.feed(message(ADMIN, "Это <не> к завхозу"))
    assert "отклонена" in harness.pop(SendMessage).text
    redrawn = harness.pop(EditMessageText)  # the card the button was on
    assert redrawn.message_id == 4242 and "⛔ Отклонена" in redrawn.text
    assert "Это &lt;не&gt; к завхозу" in redrawn.text  # the history shows the reason
    assert await request_state(pool, rid) == (RequestStatus.REJECTED, None)
    assert await history(pool, rid) == [
        (RequestStatus.NEW, RequestStatus.REJECTED, admin.id, "Это <не> к завхозу")
    ]
    await harness.deliver_outbox()
    told = harness.pop(SendMessage)
    assert told.chat_id == TEACHER.id and "Причина: Это &lt;не&gt; к завхозу" in told.text


# ------------------------------------------------------------ the executor's path
async def test_executor_from_tasks_to_done_with_after_photos(harness: Harness) -> None:
    pool = harness.session_pool
    author = await add_person(pool, TEACHER)
    admin = await add_person(pool, ADMIN, Role.ADMIN)
    executor = await add_person(pool, EXECUTOR, Role.EXECUTOR)
    rid = await add_request(pool, author)
    other = await add_request(pool, author, description="Не горит лампа")
    held = await add_request(pool, author, status=RequestStatus.ON_HOLD, assignee=executor)
    await harness.feed(press(ADMIN, AssignToCb(id=rid, uid=executor.id)))
    harness.pop(AnswerCallbackQuery)
    harness.pop(EditMessageText)
    await harness.deliver_outbox()
    harness.pop(SendMessage)  # the author
    harness.pop(SendMessage)  # the executor's card

    await harness.feed(message(EXECUTOR, "🛠 Мои задачи"))
    tasks = harness.pop(SendMessage)
    assert "🔧 В работе</b> (1)" in tasks.text and "⏸ Приостановлены</b> (1)" in tasks.text
    assert tasks.text.index(f"#{rid}<") < tasks.text.index(f"#{held}<")
    assert f"#{other}<" not in tasks.text  # not theirs
    assert button_data(tasks.reply_markup) == [
        OpenRequestCb(id=rid).pack(),
        OpenRequestCb(id=held).pack(),
        TasksCb().pack(),
    ]

    await harness.feed(press(EXECUTOR, OpenRequestCb(id=rid)))
    harness.pop(AnswerCallbackQuery)
    full = harness.pop(SendMessage)
    assert button_texts(full.reply_markup) == [
        "✅ Выполнено",
        "⏸ Приостановить",
        "💬 Комментарий автору",
        "🔒 Служебная заметка",
        "◀ Назад",
    ]
    card = on_card(EXECUTOR, 9001)

    # On hold with a reason, then resume.
    await harness.feed(press(EXECUTOR, RequestActionCb(action=Action.HOLD, id=rid), card))
    harness.pop(AnswerCallbackQuery)
    harness.pop(SendMessage)
    await harness.feed(message(EXECUTOR, "Нет прокладок"))
    harness.pop(SendMessage)
    assert "▶ Возобновить" in button_texts(harness.pop(EditMessageText).reply_markup)
    await harness.feed(press(EXECUTOR, RequestActionCb(action=Action.RESUME, id=rid), card))
    harness.pop(AnswerCallbackQuery)
    assert "✅ Выполнено" in button_texts(harness.pop(EditMessageText).reply_markup)

    # Done: a comment and two "after" photos.
    await harness.feed(press(EXECUTOR, RequestActionCb(action=Action.FINISH, id=rid), card))
    harness.pop(AnswerCallbackQuery)
    prompt = harness.pop(SendMessage)
    assert "Завершение заявки #1" in prompt.text and "Фото: 0" in prompt.text
    await harness.feed(message(EXECUTOR, "Заменил смеситель"))
    prompt2 = harness.pop(SendMessage)
    assert "Комментарий: есть" in prompt2.text
    await harness.feed(*album(EXECUTOR, ["after-1", "after-2"]))
    assert "Фото: 1" in harness.pop(EditMessageText).text
    assert "Фото: 2" in harness.pop(EditMessageText).text
    await harness.feed(press(EXECUTOR, FinishSubmitCb(id=rid)))
    assert "выполнена" in (harness.pop(AnswerCallbackQuery).text or "")
    assert "Фото «после»: 2" in harness.pop(EditMessageText).text
    assert await request_state(pool, rid) == (RequestStatus.DONE, executor.id)

    await harness.deliver_outbox()
    calls = harness.pop_all()
    to_author = [c for c in calls if getattr(c, "chat_id", None) == TEACHER.id]
    # The rest: the executor's remembered card, redrawn after each change.
    others = [c for c in calls if c not in to_author]
    assert len(others) == 3
    assert all(isinstance(c, EditMessageText) and c.chat_id == EXECUTOR.id for c in others)
    held_msg, resumed_msg, photos, question = to_author
    assert "Причина: Нет прокладок" in held_msg.text  # type: ignore[attr-defined]
    assert "В работе" in resumed_msg.text  # type: ignore[attr-defined]
    assert isinstance(photos, SendMediaGroup)  # the "after" photos come first...
    assert [m.media for m in photos.media] == ["after-1", "after-2"]
    assert "Заменил смеситель" in (photos.media[0].caption or "")
    assert isinstance(question, SendMessage)  # ...then the question
    assert "Выполнена" in question.text
    assert button_texts(question.reply_markup)[:2] == ["✅ Исправлено", "↩ Не исправлено"]

    async with pool() as session:
        results = (await session.scalars(select(Attachment).order_by(Attachment.id))).all()
    assert [(a.file_id, a.is_result) for a in results] == [
        ("after-1", True),
        ("after-2", True),
    ]
    assert [(h[0], h[1], h[2]) for h in await history(pool, rid)] == [
        (RequestStatus.NEW, RequestStatus.IN_PROGRESS, admin.id),
        (RequestStatus.IN_PROGRESS, RequestStatus.ON_HOLD, executor.id),
        (RequestStatus.ON_HOLD, RequestStatus.IN_PROGRESS, executor.id),
        (RequestStatus.IN_PROGRESS, RequestStatus.DONE, executor.id),
    ]

    # The full card's history is in order, with the actor and the reason.
    await harness.feed(press(EXECUTOR, OpenRequestCb(id=rid)))
    harness.pop(AnswerCallbackQuery)
    text = harness.pop(SendMessage).text
    steps = [
        "🔧 В работе · Анна Админова",
        "⏸ Приостановлена · Иван Мастеров",
        "✅ Выполнена · Иван",
    ]
    positions = [text.index(s) for s in steps]
    assert positions == sorted(positions)
    assert "«Нет прокладок»" in text
    assert "✅ <i>отчёт</i>" in text and "Заменил смеситель" in text


# --------------------------------------------------------------- the staff group
async def test_reject_from_the_staff_group_asks_for_a_reply(harness: Harness) -> None:
    pool = harness.session_pool
    author = await add_person(pool, TEACHER)
    await add_person(pool, ADMIN, Role.ADMIN)
    rid = await add_request(pool, author)
    copy = await add_card_copy(pool, rid, STAFF_GROUP.id)
    card = on_card(ADMIN, copy, chat=STAFF_GROUP)

    await harness.feed(press(ADMIN, RequestActionCb(action=Action.REJECT, id=rid), card))
    harness.pop(AnswerCallbackQuery)
    prompt = harness.pop(SendMessage)
    # In a group the bot sees only replies to itself: the client is asked to reply.
    assert prompt.chat_id == STAFF_GROUP.id and isinstance(prompt.reply_markup, ForceReply)
    await harness.feed(message(ADMIN, "Дубликат #3", chat=STAFF_GROUP))
    assert "отклонена" in harness.pop(SendMessage).text
    assert await request_state(pool, rid) == (RequestStatus.REJECTED, None)
    await harness.deliver_outbox()
    assert "Причина: Дубликат #3" in harness.pop(SendMessage).text
    redrawn = harness.pop(EditMessageText)  # the group's copy, by the outbox
    assert redrawn.chat_id == STAFF_GROUP.id and redrawn.message_id == copy
    assert "⛔ Отклонена" in redrawn.text and "Отклонил(а): Анна Админова" in redrawn.text
    assert button_texts(redrawn.reply_markup) == ["🔎 Открыть"]


async def test_reopened_request_tells_the_assignee_why(harness: Harness) -> None:
    pool = harness.session_pool
    author = await add_person(pool, TEACHER)
    executor = await add_person(pool, EXECUTOR, Role.EXECUTOR)
    rid = await add_request(pool, author, status=RequestStatus.DONE, assignee=executor)
    async with pool() as session:
        result = await perform(
            session,
            Notifier(harness.catalogue, harness.settings.tz),
            request_id=rid,
            action=Action.REOPEN,
            user=author,
            reason="Всё ещё течёт",
        )
    assert result.ok
    await harness.deliver_outbox()
    told = harness.pop(SendMessage)
    assert told.chat_id == EXECUTOR.id
    assert "снова в работе" in told.text and "Причина: Всё ещё течёт" in told.text


# ------------------------------------------------------- what an executor may see
SOMEONE_ELSES: list[tuple[str, Callable[[int], CallbackData]]] = [
    ("open", lambda id: OpenRequestCb(id=id)),
    ("photos", lambda id: PhotosCb(id=id)),
    ("back-to-card", lambda id: CardKeyboardCb(id=id)),
    ("comment", lambda id: StaffCommentCb(id=id)),
    ("note", lambda id: StaffCommentCb(id=id, internal=True)),
    ("hold", lambda id: RequestActionCb(action=Action.HOLD, id=id)),
    ("finish", lambda id: RequestActionCb(action=Action.FINISH, id=id)),
    ("resume", lambda id: RequestActionCb(action=Action.RESUME, id=id)),
]


@pytest.mark.parametrize(("button", "make"), SOMEONE_ELSES, ids=[b for b, _ in SOMEONE_ELSES])
@pytest.mark.parametrize("status", [RequestStatus.IN_PROGRESS, RequestStatus.ON_HOLD])
async def test_an_executor_pressing_buttons_of_someone_elses_task_sees_nothing(
    harness: Harness, button: str, make: Callable[[int], CallbackData], status: RequestStatus
) -> None:
    pool = harness.session_pool
    author = await add_person(pool, TEACHER)
    await add_person(pool, EXECUTOR, Role.EXECUTOR)
    other = await add_person(pool, EXECUTOR2, Role.EXECUTOR)
    rid = await add_request(pool, author, status=status, assignee=other)
    async with pool() as session, session.begin():
        session.add(
            Attachment(request_id=rid, kind=AttachmentKind.PHOTO, file_id="f", file_unique_id="u")
        )

    await harness.feed(press(EXECUTOR, make(rid), on_card(EXECUTOR, 9100)))

    answer = harness.pop(AnswerCallbackQuery)
    assert answer.show_alert and answer.text, button
    assert "Течёт кран" not in answer.text
    harness.expect_nothing()  # no card, no photos, no prompt
    assert await fsm_state(harness, EXECUTOR) is None
    assert await request_state(pool, rid) == (status, other.id)


async def test_an_executor_opens_a_new_unassigned_request_to_take_it(harness: Harness) -> None:
    pool = harness.session_pool
    author = await add_person(pool, TEACHER)
    await add_person(pool, EXECUTOR, Role.EXECUTOR)
    rid = await add_request(pool, author)

    await harness.feed(press(EXECUTOR, OpenRequestCb(id=rid)))

    harness.pop(AnswerCallbackQuery)
    card = harness.pop(SendMessage)
    assert f"Заявка #{rid}" in card.text and "Течёт кран" in card.text
    assert RequestActionCb(action=Action.TAKE, id=rid).pack() in button_data(card.reply_markup)


async def test_an_executor_pressing_a_staff_group_copy_of_a_taken_request_is_refused(
    harness: Harness,
) -> None:
    """A card copy in the staff group shows everyone the admin's buttons; once somebody
    else has the request, an executor's press on it shows them nothing."""
    pool = harness.session_pool
    author = await add_person(pool, TEACHER)
    await add_person(pool, EXECUTOR, Role.EXECUTOR)
    other = await add_person(pool, EXECUTOR2, Role.EXECUTOR)
    rid = await add_request(pool, author, status=RequestStatus.IN_PROGRESS, assignee=other)
    copy = await add_card_copy(pool, rid, STAFF_GROUP.id)

    await harness.feed(
        press(EXECUTOR, CardKeyboardCb(id=rid), on_card(EXECUTOR, copy, STAFF_GROUP))
    )

    assert harness.pop(AnswerCallbackQuery).show_alert
    harness.expect_nothing()
