"""The admin panel on seeded data: queue counts, every queue page by page, filters, search,
the full card with history, comments, internal notes, photos and comment deletion."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageReplyMarkup,
    EditMessageText,
    SendDocument,
    SendMediaGroup,
    SendMessage,
)
from sqlalchemy import select

from database.repositories import queues as queues_repo
from models import (
    Attachment,
    AttachmentKind,
    Comment,
    Priority,
    Request,
    RequestStatus,
    Role,
    User,
    utcnow,
)
from models.queues import UNASSIGNED, FilterField, Queue
from tests.conftest import ADMIN, EXECUTOR, TEACHER, Harness
from tests.staff import add_person, add_request, button_data, button_texts, on_card
from tests.updates import Person, message, press
from utils.callbacks import (
    AdminMenuCb,
    CommentDeleteCb,
    CommentDeleteListCb,
    OpenRequestCb,
    PhotosCb,
    QueueCb,
    QueueFilterCb,
    SearchPageCb,
    SearchStartCb,
    StaffCommentCb,
)

EXECUTOR2 = Person(id=900_012, first_name="Сергей", last_name="Слесарев", username="plumber")
PANEL = 321  # the message id of the panel the admin works in


@dataclass
class Seeded:
    id: int
    status: RequestStatus
    category_id: int
    priority: Priority
    assignee_id: int | None
    due_at: datetime | None


async def seed_queue(harness: Harness) -> tuple[list[Seeded], dict[str, User]]:
    """41 requests over every status, two categories, priorities, two executors."""
    pool = harness.session_pool
    author = await add_person(pool, TEACHER)
    admin = await add_person(pool, ADMIN, Role.ADMIN)
    ex1 = await add_person(pool, EXECUTOR, Role.EXECUTOR)
    ex2 = await add_person(pool, EXECUTOR2, Role.EXECUTOR)
    now = utcnow()
    past, future = now - timedelta(hours=1), now + timedelta(days=2)
    plan: list[tuple[RequestStatus, User | None, int]] = [
        (RequestStatus.NEW, None, 14),
        (RequestStatus.IN_PROGRESS, ex1, 8),
        (RequestStatus.IN_PROGRESS, ex2, 4),
        (RequestStatus.ON_HOLD, ex1, 3),
        (RequestStatus.DONE, ex2, 5),
        (RequestStatus.CLOSED, ex1, 4),
        (RequestStatus.REJECTED, None, 2),
        (RequestStatus.CANCELLED, None, 1),
    ]
    seeded: list[Seeded] = []
    i = 0
    for status, assignee, n in plan:
        for _ in range(n):
            i += 1
            category = 1 if i % 3 else 2
            priority = Priority.URGENT if i % 4 == 0 else Priority.NORMAL
            due = past if i % 5 == 0 else future
            rid = await add_request(
                pool,
                author,
                status=status,
                assignee=assignee,
                category_id=category,
                priority=priority,
                due_at=due,
                description=f"Заявка номер {i}",
            )
            seeded.append(
                Seeded(rid, status, category, priority, assignee.id if assignee else None, due)
            )
    return seeded, {"author": author, "admin": admin, "ex1": ex1, "ex2": ex2}


def expected(
    seeded: list[Seeded],
    queue: Queue,
    *,
    c: int = 0,
    p: Priority | None = None,
    a: int = 0,
) -> list[int]:
    now = utcnow()
    open_ = {RequestStatus.NEW, RequestStatus.IN_PROGRESS, RequestStatus.ON_HOLD}
    by_queue = {
        Queue.NEW: lambda s: s.status is RequestStatus.NEW,
        Queue.IN_PROGRESS: lambda s: s.status is RequestStatus.IN_PROGRESS,
        Queue.ON_HOLD: lambda s: s.status is RequestStatus.ON_HOLD,
        Queue.DONE: lambda s: s.status is RequestStatus.DONE,
        Queue.OVERDUE: lambda s: s.status in open_ and s.due_at is not None and s.due_at < now,
        Queue.ALL: lambda s: True,
    }
    rows = [
        s
        for s in seeded
        if by_queue[queue](s)
        and (not c or s.category_id == c)
        and (p is None or s.priority is p)
        and (a == 0 or (s.assignee_id is None if a == UNASSIGNED else s.assignee_id == a))
    ]
    return [s.id for s in reversed(rows)]  # newest first (created in id order)


def opened_ids(markup: Any) -> list[int]:
    return [int(d.split(":")[1]) for d in button_data(markup) if d.startswith("ro:")]


async def walk_queue(harness: Harness, first: QueueCb) -> tuple[list[list[int]], str]:
    """Every page of a queue, following the Next button; returns the ids and the header."""
    pages: list[list[int]] = []
    data: QueueCb | None = first
    header = ""
    while data is not None:
        await harness.feed(press(ADMIN, data, on_card(ADMIN, PANEL)))
        harness.pop(AnswerCallbackQuery)
        page = harness.pop(EditMessageText)
        header = header or page.text.split("\n")[0]
        pages.append(opened_ids(page.reply_markup))
        nxt = [
            d
            for d in button_data(page.reply_markup)
            if d.startswith("aq:") and not d.endswith(":0")
        ]
        data = QueueCb.unpack(nxt[0]) if nxt else None
        assert len(pages) < 10
    return pages, header


async def test_panel_counts_every_queue_on_its_button(harness: Harness) -> None:
    seeded, _ = await seed_queue(harness)
    await harness.feed(message(ADMIN, "⚙️ Панель администратора"))
    panel = harness.pop(SendMessage)
    texts = button_texts(panel.reply_markup)
    counts = {q: len(expected(seeded, q)) for q in Queue}
    assert counts[Queue.NEW] == 14 and counts[Queue.ALL] == 41
    assert texts[:6] == [
        f"🆕 Новые ({counts[Queue.NEW]})",
        f"🔧 В работе ({counts[Queue.IN_PROGRESS]})",
        f"⏸ Приостановлены ({counts[Queue.ON_HOLD]})",
        f"✅ Ждут подтверждения ({counts[Queue.DONE]})",
        f"⚠ Просрочены ({counts[Queue.OVERDUE]})",
        f"📋 Все ({counts[Queue.ALL]})",
    ]
    assert counts[Queue.OVERDUE] > 0
    # Refresh redraws it in place.
    await harness.feed(press(ADMIN, AdminMenuCb(refresh=True), on_card(ADMIN, PANEL)))
    harness.pop(AnswerCallbackQuery)
    assert button_texts(harness.pop(EditMessageText).reply_markup)[:6] == texts[:6]


@pytest.mark.parametrize("queue", list(Queue))
async def test_each_queue_pages_by_ten_newest_first(harness: Harness, queue: Queue) -> None:
    seeded, _ = await seed_queue(harness)
    pages, header = await walk_queue(harness, QueueCb(q=queue))
    want = expected(seeded, queue)
    assert [i for page in pages for i in page] == want
    assert all(len(page) == 10 for page in pages[:-1]) and 0 < len(pages[-1]) <= 10
    assert header.endswith(f" · {len(want)}")


@pytest.mark.parametrize(
    ("flt", "label"),
    [
        ({"q": Queue.ALL, "c": 2}, "📂 Сантехника"),
        ({"q": Queue.NEW, "p": Priority.URGENT}, "🔴 Срочно"),
        ({"q": Queue.IN_PROGRESS, "a": "ex2"}, "🛠 Сергей Слесарев"),
        ({"q": Queue.ALL, "a": UNASSIGNED}, "🛠 не назначен"),
        ({"q": Queue.ALL, "c": 1, "p": Priority.NORMAL, "a": "ex1"}, "📂 Электрика"),
        ({"q": Queue.OVERDUE, "c": 1}, "📂 Электрика"),
    ],
)
async def test_queue_filters(harness: Harness, flt: dict[str, Any], label: str) -> None:
    seeded, people = await seed_queue(harness)
    if isinstance(flt.get("a"), str):
        flt = {**flt, "a": people[flt["a"]].id}
    pages, _ = await walk_queue(harness, QueueCb(**flt))
    options = {k: v for k, v in flt.items() if k != "q"}
    assert [i for page in pages for i in page] == expected(seeded, flt["q"], **options)
    await harness.feed(press(ADMIN, QueueCb(**flt), on_card(ADMIN, PANEL)))
    harness.pop(AnswerCallbackQuery)
    shown = harness.pop(EditMessageText)
    assert label in shown.text
    assert "✖ Сбросить фильтры" in button_texts(shown.reply_markup)


async def test_filter_options_lead_to_the_filtered_queue(harness: Harness) -> None:
    _, people = await seed_queue(harness)
    await harness.feed(
        press(ADMIN, QueueFilterCb(q=Queue.NEW, f=FilterField.CATEGORY), on_card(ADMIN, PANEL))
    )
    harness.pop(AnswerCallbackQuery)
    options = harness.pop(EditMessageReplyMarkup).reply_markup
    assert button_texts(options)[:3] == ["✓ Любая", "Электрика", "Сантехника"]
    assert QueueCb(q=Queue.NEW, c=2).pack() in button_data(options)
    assert button_data(options)[-1] == QueueCb(q=Queue.NEW).pack()  # back

    await harness.feed(
        press(ADMIN, QueueFilterCb(q=Queue.ALL, f=FilterField.ASSIGNEE, c=2), on_card(ADMIN, PANEL))
    )
    harness.pop(AnswerCallbackQuery)
    options = harness.pop(EditMessageReplyMarkup).reply_markup
    texts = button_texts(options)
    assert texts[:2] == ["✓ Любая", "Не назначен"]
    assert "🛠 Иван Мастеров" in texts and "⚙️ Анна Админова" in texts
    # The chosen assignee keeps the other filters.
    assert QueueCb(q=Queue.ALL, c=2, a=people["ex1"].id).pack() in button_data(options)


async def test_queues_are_for_admins_only(harness: Harness) -> None:
    await seed_queue(harness)
    await harness.feed(message(EXECUTOR, "/admin"))
    assert "только сотрудникам" in harness.pop(SendMessage).text
    await harness.feed(press(EXECUTOR, QueueCb(q=Queue.ALL)))
    assert harness.pop(AnswerCallbackQuery).show_alert


# ------------------------------------------------------------------------- search
async def seed_search(harness: Harness) -> dict[str, int]:
    pool = harness.session_pool
    author = await add_person(pool, TEACHER)
    await add_person(pool, ADMIN, Role.ADMIN)
    return {
        "tap": await add_request(
            pool, author, description="Течёт кран в туалете", location="2 этаж"
        ),
        "taps": await add_request(pool, author, description="Сломались краны", location="Столовая"),
        "lamp": await add_request(pool, author, description="Не горит лампа", location="Спортзал"),
        "door": await add_request(pool, author, description="Скрипит дверь", location="каб. 7"),
    }


async def search_for(harness: Harness, text: str) -> SendMessage:
    await harness.feed(press(ADMIN, SearchStartCb()))
    harness.pop(AnswerCallbackQuery)
    assert "номер заявки" in harness.pop(SendMessage).text
    await harness.feed(message(ADMIN, text))
    return harness.pop(SendMessage)


async def test_search_by_words_in_description_and_place(harness: Harness) -> None:
    ids = await seed_search(harness)
    found = await search_for(harness, "кран")  # a prefix: "кран", "краны"
    assert opened_ids(found.reply_markup) == [ids["taps"], ids["tap"]]
    assert "«кран»" in found.text
    found = await search_for(harness, "СПОРТЗАЛ")
    assert opened_ids(found.reply_markup) == [ids["lamp"]]
    found = await search_for(harness, "кран туалет")  # every word must match
    assert opened_ids(found.reply_markup) == [ids["tap"]]
    found = await search_for(harness, "лифт")
    assert "ничего не найдено" in found.text and opened_ids(found.reply_markup) == []


async def test_search_by_number_opens_the_card(harness: Harness) -> None:
    ids = await seed_search(harness)
    card = await search_for(harness, f"#{ids['lamp']}")
    assert f"Заявка #{ids['lamp']}</b>" in card.text and "<b>История</b>" in card.text
    missing = await search_for(harness, "#999")
    assert "ничего не найдено" in missing.text


async def test_search_results_page_with_keyset(harness: Harness) -> None:
    pool = harness.session_pool
    author = await add_person(pool, TEACHER)
    await add_person(pool, ADMIN, Role.ADMIN)
    ids = [
        await add_request(pool, author, description=f"Кран течёт, случай {i}") for i in range(13)
    ]
    first = await search_for(harness, "кран")
    assert opened_ids(first.reply_markup) == ids[::-1][:10]
    nxt = next(d for d in button_data(first.reply_markup) if d.startswith("asn:"))
    await harness.feed(press(ADMIN, SearchPageCb.unpack(nxt), on_card(ADMIN, PANEL)))
    harness.pop(AnswerCallbackQuery)
    second = harness.pop(EditMessageText)
    assert opened_ids(second.reply_markup) == ids[::-1][10:]


async def test_search_fallback_on_sqlite(tmp_path: Any) -> None:
    from database import migrate
    from database.engine import create_engine, create_session_pool

    url = f"sqlite+aiosqlite:///{tmp_path}/search.sqlite3"
    import asyncio

    await asyncio.to_thread(migrate.upgrade, url)
    engine = create_engine(url)
    pool = create_session_pool(engine)
    try:
        async with pool() as session, session.begin():
            user = User(telegram_id=1, full_name="A")
            session.add(user)
            await session.flush()
            for desc, loc in (("Течёт кран", "Столовая"), ("Лампа", "Спортзал 100%")):
                session.add(
                    Request(author_id=user.id, category_id=1, description=desc, location=loc)
                )
        async with pool() as session:
            found = await queues_repo.search(session, "кран")
            assert [r.description for r in found.rows] == ["Течёт кран"]
            found = await queues_repo.search(session, "спортзал")
            assert [r.location for r in found.rows] == ["Спортзал 100%"]
            assert (await queues_repo.search(session, "%")).rows == []
    finally:
        await engine.dispose()


# ----------------------------------------------------------------------- full card
async def seed_card(harness: Harness) -> dict[str, Any]:
    pool = harness.session_pool
    author = await add_person(pool, TEACHER)
    admin = await add_person(pool, ADMIN, Role.ADMIN)
    executor = await add_person(pool, EXECUTOR, Role.EXECUTOR)
    rid = await add_request(pool, author, status=RequestStatus.IN_PROGRESS, assignee=executor)
    t0 = datetime(2026, 1, 11, 9, 0, tzinfo=UTC)
    async with pool() as session, session.begin():
        public = Comment(request_id=rid, author_id=author.id, text="Когда придёте?", created_at=t0)
        note = Comment(
            request_id=rid,
            author_id=admin.id,
            text="Позвонить поставщику",
            is_internal=True,
            created_at=t0 + timedelta(minutes=1),
        )
        rude = Comment(
            request_id=rid,
            author_id=author.id,
            text="Грубость",
            created_at=t0 + timedelta(minutes=2),
        )
        session.add_all([public, note, rude])
        await session.flush()
        for fid, kind in (("before-1", AttachmentKind.PHOTO), ("before-2", AttachmentKind.PHOTO)):
            session.add(Attachment(request_id=rid, kind=kind, file_id=fid, file_unique_id=fid))
        session.add(
            Attachment(
                request_id=rid,
                kind=AttachmentKind.DOCUMENT,
                file_id="act.pdf",
                file_unique_id="act",
                comment_id=public.id,
            )
        )
    return {"rid": rid, "rude": rude.id, "admin": admin, "author": author}


async def test_full_card_shows_history_comments_notes_and_photos(harness: Harness) -> None:
    s = await seed_card(harness)
    await harness.feed(press(ADMIN, OpenRequestCb(id=s["rid"])))
    harness.pop(AnswerCallbackQuery)
    card = harness.pop(SendMessage)
    assert "<b>История</b>" in card.text and "<b>Комментарии</b>" in card.text
    assert "💬 11.01.2026 12:00 Мария Учителева: Когда придёте? 📎 1" in card.text
    assert "🔒 <i>служебная</i> 11.01.2026 12:01 Анна Админова: Позвонить поставщику" in card.text
    assert button_texts(card.reply_markup) == [
        "👤 Назначить…",
        "✅ Выполнено",
        "⏸ Приостановить",
        "📷 Фото (3)",
        "💬 Комментарий автору",
        "🔒 Служебная заметка",
        "🗑 Удалить комментарий",
        "◀ Назад",
    ]
    await harness.feed(press(ADMIN, PhotosCb(id=s["rid"])))
    harness.pop(AnswerCallbackQuery)
    album = harness.pop(SendMediaGroup)
    assert [m.media for m in album.media] == ["before-1", "before-2"]
    assert harness.pop(SendDocument).document == "act.pdf"


async def test_internal_note_reaches_staff_only(harness: Harness) -> None:
    s = await seed_card(harness)
    await harness.feed(press(ADMIN, StaffCommentCb(id=s["rid"], internal=True)))
    harness.pop(AnswerCallbackQuery)
    assert "только сотрудники" in harness.pop(SendMessage).text
    await harness.feed(message(ADMIN, "Счёт у бухгалтерии"))
    assert "сохранена" in harness.pop(SendMessage).text
    await harness.deliver_outbox()
    told = harness.pop(SendMessage)
    assert told.chat_id == EXECUTOR.id and "Служебная заметка" in told.text
    harness.expect_nothing()  # the author hears nothing
    async with harness.session_pool() as session:
        note = await session.scalar(select(Comment).where(Comment.text == "Счёт у бухгалтерии"))
    assert note is not None and note.is_internal

    await harness.feed(press(ADMIN, StaffCommentCb(id=s["rid"])))
    harness.pop(AnswerCallbackQuery)
    harness.pop(SendMessage)
    await harness.feed(message(ADMIN, "Придём завтра"))
    assert "отправлен" in harness.pop(SendMessage).text
    await harness.deliver_outbox()
    told = harness.pop(SendMessage)
    assert told.chat_id == TEACHER.id and "Придём завтра" in told.text


async def test_admin_deletes_a_comment_softly(harness: Harness) -> None:
    s = await seed_card(harness)
    card = on_card(ADMIN, 555)
    await harness.feed(press(ADMIN, CommentDeleteListCb(id=s["rid"]), card))
    harness.pop(AnswerCallbackQuery)
    choices = harness.pop(EditMessageReplyMarkup).reply_markup
    assert CommentDeleteCb(id=s["rude"]).pack() in button_data(choices)

    # An executor's forged delete is refused.
    await harness.feed(press(EXECUTOR, CommentDeleteCb(id=s["rude"])))
    assert harness.pop(AnswerCallbackQuery).show_alert

    await harness.feed(press(ADMIN, CommentDeleteCb(id=s["rude"]), card))
    assert harness.pop(AnswerCallbackQuery).text == "Комментарий удалён."
    redrawn = harness.pop(EditMessageText)
    assert redrawn.message_id == 555
    assert "Мария Учителева: <i>удалено администратором</i>" in redrawn.text
    assert "Грубость" not in redrawn.text
    async with harness.session_pool() as session:
        rude = await session.get(Comment, s["rude"])
    assert rude is not None and rude.deleted_at is not None
    assert rude.deleted_by_id == s["admin"].id and rude.text == "Грубость"  # kept, only hidden
