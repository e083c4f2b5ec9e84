"""The admin panel: queues with counts, filters, keyset pages, search by #number or words."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, or_f
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.context import UpdateContext
from bot.filters import FreeInput, TextKey, is_admin, role_router
from bot.services import triage
from bot.staff_ui import (
    alert,
    ask,
    edit_markup,
    edit_pressed,
    edit_text,
    full_card_view,
    gated,
    toast,
)
from models import utcnow
from models.queues import FilterField, QueueFilter
from models.views import QueuePage
from models.workflow import Viewer
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


def _search(t: Translator, query: str, page: QueuePage) -> tuple[str, InlineKeyboardMarkup]:
    keyboard = search_results_keyboard(
        t, button_rows(page.rows), has_more=page.has_more, last_id=page.last_id
    )
    if not page.rows:
        return t("search-nothing", query=query), keyboard
    lines = [t("search-title", query=query), ""]
    lines.extend(request_line(t, r, now=utcnow()) for r in page.rows)
    return "\n".join(lines), keyboard


async def _panel(ctx: UpdateContext) -> tuple[str, InlineKeyboardMarkup]:
    counts = await triage.panel_counts(ctx.session, user=ctx.user)
    return ctx.t("panel-title"), admin_panel_keyboard(ctx.t, counts)


async def panel(message: Message, state: FSMContext, ctx: UpdateContext) -> None:
    await state.clear()
    text, keyboard = await _panel(ctx)
    await message.answer(text, reply_markup=keyboard)


async def panel_again(
    query: CallbackQuery, callback_data: AdminMenuCb, ctx: UpdateContext, bot: Bot
) -> None:
    screen = await _panel(ctx)
    await (toast(query, ctx.t("panel-refreshed")) if callback_data.refresh else query.answer())
    await edit_pressed(query, bot, *screen)


async def queue_page(
    query: CallbackQuery, callback_data: QueueCb, ctx: UpdateContext, bot: Bot
) -> None:
    cb, t, viewer = callback_data, ctx.t, Viewer(ctx.user.id, ctx.user.role)
    flt = QueueFilter(queue=cb.q, category_id=cb.c, priority=cb.p, assignee=cb.a, viewer=viewer)
    view = await triage.queue(ctx.session, flt, after_id=cb.after)
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


async def queue_filter(
    query: CallbackQuery, callback_data: QueueFilterCb, ctx: UpdateContext
) -> None:
    cb = callback_data
    categories, staff, more = await triage.categories_and_staff(
        ctx.session, after_id=cb.after if cb.f is FilterField.ASSIGNEE else 0
    )
    await query.answer()
    if isinstance(query.message, Message):
        await edit_markup(
            query.message,
            filter_options_keyboard(
                ctx.t,
                cb,
                categories=categories,
                staff=[(s.id, s.full_name, s.role) for s in staff],
                more_staff=more,
            ),
        )


# ------------------------------------------------------------------- search
async def search_start(query: CallbackQuery, state: FSMContext, t: Translator) -> None:
    await ask(query, state, SearchForm.query, t("search-ask"), cancel_keyboard(t))


async def search_query(message: Message, state: FSMContext, ctx: UpdateContext) -> None:
    t, text = ctx.t, (message.text or "").strip()
    if len(text) > SEARCH_MAX:
        await message.answer(t("search-too-long", limit=SEARCH_MAX))
        return
    result = await triage.search(ctx.session, text, user=ctx.user)
    if result.number is not None:
        await state.clear()
        if result.card is not None:
            view_text, keyboard = full_card_view(ctx, result.card)
            await message.answer(view_text, reply_markup=keyboard)
            return
    page = result.page or QueuePage([], False)
    if not page.rows and result.number is None and not triage.has_words(text):
        await message.answer(t("search-ask"), reply_markup=cancel_keyboard(t))
        return
    # The query stays in the dialog data for the next pages.
    await state.set_state(None)
    await state.set_data({"search_q": text})
    reply, keyboard = _search(t, text, page)
    await message.answer(reply, reply_markup=keyboard)


async def search_not_text(message: Message, t: Translator) -> None:
    await message.answer(t("search-ask"), reply_markup=cancel_keyboard(t))


async def search_page(
    query: CallbackQuery,
    callback_data: SearchPageCb,
    state: FSMContext,
    ctx: UpdateContext,
    bot: Bot,
) -> None:
    t, text = ctx.t, (await state.get_data()).get("search_q")
    if not text or not isinstance(query.message, Message):
        await alert(query, t("button-outdated"))
        return
    result = await triage.search(ctx.session, text, user=ctx.user, after_id=callback_data.after)
    page = result.page or QueuePage([], False)
    await query.answer()
    await edit_pressed(query, bot, *_search(t, text, page))


def get_router() -> Router:
    opens = or_f(Command("admin"), TextKey("menu-admin"))
    admin = role_router("admin-only", is_admin())
    admin.message.register(panel, opens, F.chat.type == "private")
    admin.callback_query.register(panel_again, AdminMenuCb.filter())
    admin.callback_query.register(queue_page, QueueCb.filter())
    admin.callback_query.register(queue_filter, QueueFilterCb.filter())
    admin.callback_query.register(search_start, SearchStartCb.filter())
    admin.message.register(search_query, SearchForm.query, F.text, FreeInput())
    admin.message.register(search_not_text, SearchForm.query, ~F.text)
    admin.callback_query.register(search_page, SearchPageCb.filter())
    return gated("admin", admin, commands=opens, dialogs=SearchForm)
