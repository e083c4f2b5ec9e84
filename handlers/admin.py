"""The admin panel: queues with counts, filters, keyset pages, search by #number or words."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.filters import FreeInput, TextKey, is_admin
from bot.services import triage
from bot.settings import Settings
from database.repositories.queues import Page, QueueFilter
from handlers.staff_helpers import alert, edit_markup, edit_text, full_card_view, toast
from models import Role, User, utcnow
from models.queues import FilterField
from utils.callbacks import AdminMenuCb, QueueCb, QueueFilterCb, SearchPageCb, SearchStartCb
from utils.i18n import Translator
from utils.keyboards.staff import (
    admin_panel_keyboard,
    cancel_keyboard,
    filter_options_keyboard,
    queue_keyboard,
    search_results_keyboard,
)
from utils.staff_cards import button_rows, queue_text, request_line

SEARCH_MAX = 100


class SearchForm(StatesGroup):
    query = State()


def _search_text(t: Translator, query: str, page: Page) -> str:
    if not page.rows:
        return t("search-nothing", query=query)
    lines = [t("search-title", query=query), ""]
    lines.extend(request_line(t, r, now=utcnow()) for r in page.rows)
    return "\n".join(lines)


def get_router() -> Router:
    router = Router(name="admin")

    @router.message(Command("admin"), F.chat.type == "private")
    @router.message(TextKey("menu-admin"), F.chat.type == "private")
    async def panel(
        message: Message, state: FSMContext, session: AsyncSession, user: User, t: Translator
    ) -> None:
        if user.role is not Role.ADMIN:
            await message.answer(t("not-allowed"))
            return
        await state.clear()
        counts = await triage.panel_counts(session)
        await message.answer(t("panel-title"), reply_markup=admin_panel_keyboard(t, counts))

    @router.callback_query(AdminMenuCb.filter(), is_admin())
    async def panel_again(
        query: CallbackQuery,
        callback_data: AdminMenuCb,
        session: AsyncSession,
        t: Translator,
        bot: Bot,
    ) -> None:
        counts = await triage.panel_counts(session)
        if callback_data.refresh:
            await toast(query, t("panel-refreshed"))
        else:
            await query.answer()
        if isinstance(query.message, Message):
            await edit_text(
                bot,
                query.message.chat.id,
                query.message.message_id,
                t("panel-title"),
                admin_panel_keyboard(t, counts),
            )

    @router.callback_query(QueueCb.filter(), is_admin())
    async def queue_page(
        query: CallbackQuery, callback_data: QueueCb, session: AsyncSession, t: Translator, bot: Bot
    ) -> None:
        cb = callback_data
        flt = QueueFilter(queue=cb.q, category_id=cb.c, priority=cb.p, assignee=cb.a)
        view = await triage.queue(session, flt, after_id=cb.after)
        await query.answer()
        if not isinstance(query.message, Message):
            return
        category = None
        if view.category is not None:
            category = view.category[1] if t.language == "en" else view.category[0]
        text = queue_text(
            t,
            cb.q,
            view.page.rows,
            total=view.total,
            now=utcnow(),
            category=category,
            priority=cb.p,
            assignee=cb.a,
            assignee_name=view.assignee_name,
        )
        keyboard = queue_keyboard(
            t,
            cb,
            button_rows(view.page.rows),
            has_more=view.page.has_more,
            last_id=view.page.last_id,
        )
        await edit_text(bot, query.message.chat.id, query.message.message_id, text, keyboard)

    @router.callback_query(QueueFilterCb.filter(), is_admin())
    async def queue_filter(
        query: CallbackQuery, callback_data: QueueFilterCb, session: AsyncSession, t: Translator
    ) -> None:
        cb = callback_data
        categories, staff, more = await triage.categories_and_staff(
            session, after_id=cb.after if cb.f is FilterField.ASSIGNEE else 0
        )
        await query.answer()
        if isinstance(query.message, Message):
            await edit_markup(
                query.message,
                filter_options_keyboard(
                    t,
                    cb,
                    categories=categories,
                    staff=[(s.id, s.full_name, s.role) for s in staff],
                    more_staff=more,
                ),
            )

    # ------------------------------------------------------------------- search
    @router.callback_query(SearchStartCb.filter(), is_admin())
    async def search_start(query: CallbackQuery, state: FSMContext, t: Translator) -> None:
        await state.clear()
        await state.set_state(SearchForm.query)
        await query.answer()
        if isinstance(query.message, Message):
            await query.message.answer(t("search-ask"), reply_markup=cancel_keyboard(t))

    @router.message(SearchForm.query, F.text, FreeInput())
    async def search_query(
        message: Message,
        state: FSMContext,
        session: AsyncSession,
        user: User,
        t: Translator,
        settings: Settings,
    ) -> None:
        text = (message.text or "").strip()
        if len(text) > SEARCH_MAX:
            await message.answer(t("search-too-long", limit=SEARCH_MAX))
            return
        result = await triage.search(session, text, user=user)
        if result.number is not None:
            await state.clear()
            if result.card is not None:
                view_text, keyboard = full_card_view(t, result.card, user, settings)
                await message.answer(view_text, reply_markup=keyboard)
                return
        page = result.page or Page([], False)
        if not page.rows and result.number is None and not triage.has_words(text):
            await message.answer(t("search-ask"), reply_markup=cancel_keyboard(t))
            return
        # The query stays in the dialog data for the next pages.
        await state.set_state(None)
        await state.set_data({"search_q": text})
        await message.answer(
            _search_text(t, text, page),
            reply_markup=search_results_keyboard(
                t, button_rows(page.rows), has_more=page.has_more, last_id=page.last_id
            ),
        )

    @router.message(SearchForm.query, ~F.text)
    async def search_not_text(message: Message, t: Translator) -> None:
        await message.answer(t("search-ask"), reply_markup=cancel_keyboard(t))

    @router.callback_query(SearchPageCb.filter(), is_admin())
    async def search_page(
        query: CallbackQuery,
        callback_data: SearchPageCb,
        state: FSMContext,
        session: AsyncSession,
        t: Translator,
        bot: Bot,
    ) -> None:
        text = (await state.get_data()).get("search_q")
        if not text or not isinstance(query.message, Message):
            await alert(query, t("button-outdated"))
            return
        result = await triage.search(session, text, after_id=callback_data.after)
        page = result.page or Page([], False)
        await query.answer()
        await edit_text(
            bot,
            query.message.chat.id,
            query.message.message_id,
            _search_text(t, text, page),
            search_results_keyboard(
                t, button_rows(page.rows), has_more=page.has_more, last_id=page.last_id
            ),
        )

    return router
