"""/places: admins keep the catalogue of rooms, print QR codes, import a spreadsheet."""

from __future__ import annotations

import asyncio

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter, or_f
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import UpdateContext
from bot.filters import FreeInput, is_admin, role_router
from bot.services import places as places_service
from bot.services.places import ImportReport, PlaceCard, PlaceFields, PlaceProblem, RowVerdict
from bot.staff_ui import alert, ask, edit_pressed, edit_text, gated, toast
from models.places import PLACE_NAME_MAX, PlaceInfo
from utils.callbacks import (
    ALL_BUILDINGS,
    PlaceAddCb,
    PlaceAttachCb,
    PlaceCardCb,
    PlaceHideCb,
    PlaceHistoryCb,
    PlaceImportCb,
    PlaceQrCb,
    PlaceRenameCb,
    PlacesCb,
)
from utils.deep_links import start_link
from utils.i18n import Markup, Translator
from utils.keyboards.places import (
    back_to_place_keyboard,
    buildings_keyboard,
    place_card_keyboard,
    places_keyboard,
)
from utils.keyboards.staff import cancel_keyboard
from utils.pdf import QrLabel, qr_labels_pdf
from utils.tabular import TableProblem, read_table

REPORT_ROWS = 30  # per-row lines of an import report; the rest are counted


class PlaceForm(StatesGroup):
    add = State()
    rename = State()
    attach = State()
    upload = State()


# ------------------------------------------------------------------ rendering
async def _link(bot: Bot, place: PlaceInfo) -> str:
    me = await bot.me()
    return start_link(me.username or "", place.code)


def _problem(t: Translator, problem: PlaceProblem) -> str:
    return t(f"places-problem-{problem}", limit=PLACE_NAME_MAX)


async def _card(bot: Bot, t: Translator, card: PlaceCard) -> tuple[str, InlineKeyboardMarkup]:
    place = card.place
    text = t(
        "places-card",
        name=place.name,
        building=place.building or "—",
        floor=place.floor or "—",
        state=Markup(t("places-hidden" if place.is_hidden else "places-visible")),
        open=card.open,
        link=await _link(bot, place),
    )
    return text, place_card_keyboard(t, place, PlacesCb())


async def _top(session: AsyncSession, t: Translator) -> tuple[str, InlineKeyboardMarkup]:
    buildings = await places_service.buildings(session)
    if len(buildings) > 1:
        places = await places_service.list_places(session)
        return t("places-title", count=len(places)), buildings_keyboard(t, buildings)
    return await _building(session, t, ALL_BUILDINGS, several=False, buildings=buildings)


def _pick(buildings: list[str], index: int) -> str | None:
    """The building a button's index names (None: every building, or a stale index)."""
    return buildings[index] if 0 <= index < len(buildings) else None


async def _building(
    session: AsyncSession,
    t: Translator,
    index: int,
    *,
    several: bool = True,
    buildings: list[str] | None = None,
) -> tuple[str, InlineKeyboardMarkup]:
    if buildings is None:
        buildings = await places_service.buildings(session)
    name = _pick(buildings, index)
    places = await places_service.list_places(session, name)
    if name is None:
        text = t("places-title", count=len(places)) if places else t("places-empty")
    else:
        text = t(
            "places-building-title", building=name or t("places-no-building"), count=len(places)
        )
    keyboard = places_keyboard(t, places, building=index, several_buildings=several)
    return text, keyboard


def _report(t: Translator, report: ImportReport) -> str:
    lines = [
        t(
            "places-import-report",
            added=report.count(RowVerdict.ADDED),
            skipped=report.count(RowVerdict.SKIPPED),
            rejected=report.count(RowVerdict.REJECTED),
        )
    ]
    problems = [r for r in report.rows if r.verdict is not RowVerdict.ADDED]
    for row in problems[:REPORT_ROWS]:
        if row.verdict is RowVerdict.SKIPPED:
            lines.append(t("places-import-row-skipped", line=row.line, label=row.label))
        else:
            problem = Markup(_problem(t, row.problem or PlaceProblem.EMPTY))
            lines.append(
                t("places-import-row-rejected", line=row.line, label=row.label, problem=problem)
            )
    if len(problems) > REPORT_ROWS:
        lines.append(t("places-import-more", count=len(problems) - REPORT_ROWS))
    return "\n".join(lines)


# ------------------------------------------------------------------ browsing
async def places_command(message: Message, state: FSMContext, ctx: UpdateContext) -> None:
    await state.clear()
    text, keyboard = await _top(ctx.session, ctx.t)
    await message.answer(text, reply_markup=keyboard)


async def places_list(
    query: CallbackQuery, callback_data: PlacesCb, ctx: UpdateContext, bot: Bot
) -> None:
    await query.answer()
    if not isinstance(query.message, Message):
        return
    if callback_data.building == ALL_BUILDINGS:
        text, keyboard = await _top(ctx.session, ctx.t)
    else:
        text, keyboard = await _building(ctx.session, ctx.t, callback_data.building)
    await edit_text(bot, query.message.chat.id, query.message.message_id, text, keyboard)


async def place_card(
    query: CallbackQuery, callback_data: PlaceCardCb, ctx: UpdateContext, bot: Bot
) -> None:
    card = await places_service.place_card(ctx.session, callback_data.id)
    await _show_card(query, bot, ctx.t, card, None)


async def place_hide(
    query: CallbackQuery, callback_data: PlaceHideCb, ctx: UpdateContext, bot: Bot
) -> None:
    session = ctx.session
    result = await places_service.set_hidden(session, callback_data.id, hidden=callback_data.hide)
    await ctx.places.reload(session)
    card = await places_service.place_card(session, callback_data.id) if result.place else None
    done = ctx.t("places-hidden-done" if callback_data.hide else "places-shown-done")
    await _show_card(query, bot, ctx.t, card, done)


async def _show_card(
    query: CallbackQuery, bot: Bot, t: Translator, card: PlaceCard | None, done: str | None
) -> None:
    """The place's card in place of the pressed message (with `done` as a toast)."""
    if card is None or not isinstance(query.message, Message):
        await alert(query, t("places-not-found"))
        return
    if done is None:
        await query.answer()
    else:
        await toast(query, done)
    text, keyboard = await _card(bot, t, card)
    await edit_text(bot, query.message.chat.id, query.message.message_id, text, keyboard)


async def place_history(
    query: CallbackQuery, callback_data: PlaceHistoryCb, ctx: UpdateContext, bot: Bot
) -> None:
    t = ctx.t
    history = await places_service.place_history(ctx.session, callback_data.id)
    if history is None or not isinstance(query.message, Message):
        await alert(query, t("places-not-found"))
        return
    await query.answer()
    lines = [t("places-history-title", label=history.place.label)]
    for title, rows in (
        ("places-history-open", history.open),
        ("places-history-recent", history.recent),
    ):
        lines.extend(["", t(title)])
        lines.extend(
            t(
                "places-history-line",
                number=r.id,
                mark=Markup(t(f"status-{r.status}")),
                category=r.category(t.language),
                description=" ".join(r.description.split())[:60],
            )
            for r in rows
        )
        if not rows:
            lines.append(t("places-history-none"))
    keyboard = back_to_place_keyboard(t, history.place.id)
    await edit_pressed(query, bot, "\n".join(lines), keyboard)


async def place_qr(
    query: CallbackQuery, callback_data: PlaceQrCb, ctx: UpdateContext, bot: Bot
) -> None:
    session, t = ctx.session, ctx.t
    if callback_data.id:
        one = await places_service.get_place(session, callback_data.id)
        places = [one] if one is not None and not one.is_hidden else []
    else:
        name = _pick(await places_service.buildings(session), callback_data.building)
        places = [p for p in await places_service.list_places(session, name) if not p.is_hidden]
    if not places or not isinstance(query.message, Message):
        await alert(query, t("places-qr-none"))
        return
    await query.answer()
    username = (await bot.me()).username or ""
    caption = t("places-qr-label")
    labels = [QrLabel(p.label, start_link(username, p.code), caption) for p in places]
    pdf = await asyncio.to_thread(qr_labels_pdf, labels)
    await query.message.answer_document(
        BufferedInputFile(pdf, filename="zavhoz-qr.pdf"),
        caption=t("places-qr-caption", count=len(places)),
    )


# ------------------------------------------------------------------ forms
async def add_start(query: CallbackQuery, state: FSMContext, t: Translator) -> None:
    text = t("places-ask", limit=PLACE_NAME_MAX)
    await ask(query, state, PlaceForm.add, text, cancel_keyboard(t))


async def import_start(query: CallbackQuery, state: FSMContext, t: Translator) -> None:
    await ask(query, state, PlaceForm.upload, t("places-ask-import"), cancel_keyboard(t))


async def place_prompt(
    query: CallbackQuery,
    callback_data: PlaceRenameCb | PlaceAttachCb,
    state: FSMContext,
    ctx: UpdateContext,
) -> None:
    """Rename a place, or attach typed locations to it: ask, if the place still exists."""
    session, t = ctx.session, ctx.t
    place = await places_service.get_place(session, callback_data.id)
    if place is None:
        await alert(query, t("places-not-found"))
        return
    if isinstance(callback_data, PlaceRenameCb):
        form, text = PlaceForm.rename, t("places-ask-rename", label=place.label)
    else:
        common = await places_service.unplaced_locations(session)
        examples = ", ".join(f"«{text}» ({n})" for text, n in common[:8]) or "—"
        form, text = PlaceForm.attach, t("places-ask-attach", label=place.label, examples=examples)
    await ask(query, state, form, text, cancel_keyboard(t), {"place_id": place.id})


async def _place_id(state: FSMContext) -> int:
    return int((await state.get_data()).get("place_id", 0))


async def place_given(message: Message, state: FSMContext, ctx: UpdateContext, bot: Bot) -> None:
    session, t = ctx.session, ctx.t
    parsed = places_service.parse_place(message.text or "")
    if isinstance(parsed, PlaceProblem):
        await message.answer(_problem(t, parsed), reply_markup=cancel_keyboard(t))
        return
    if await state.get_state() == PlaceForm.rename.state:
        result = await places_service.rename_place(session, await _place_id(state), parsed)
    else:
        result = await places_service.add_place(session, parsed)
    if result.problem is PlaceProblem.DUPLICATE:
        await message.answer(_problem(t, result.problem), reply_markup=cancel_keyboard(t))
        return
    await state.clear()
    await ctx.places.reload(session)
    card = await places_service.place_card(session, result.place.id) if result.place else None
    if card is None:
        await message.answer(t("places-not-found"))
        return
    text, keyboard = await _card(bot, t, card)
    await message.answer(t("places-saved") + "\n\n" + text, reply_markup=keyboard)


async def attach_given(message: Message, state: FSMContext, ctx: UpdateContext) -> None:
    t = ctx.t
    place_id = await _place_id(state)
    attached = await places_service.attach_location(ctx.session, place_id, message.text or "")
    await state.clear()
    if attached is None:
        await message.answer(t("places-not-found"))
        return
    await message.answer(
        t("places-attached", count=attached), reply_markup=back_to_place_keyboard(t, place_id)
    )


async def table_given(message: Message, state: FSMContext, ctx: UpdateContext, bot: Bot) -> None:
    session, t = ctx.session, ctx.t
    document = message.document
    if document is None:
        await message.answer(t("places-import-not-file"), reply_markup=cancel_keyboard(t))
        return
    if (document.file_size or 0) > 2 * 1024 * 1024:
        await message.answer(t("places-import-too_big"), reply_markup=cancel_keyboard(t))
        return
    buffer = await bot.download(document.file_id)
    data = buffer.read() if buffer is not None else b""
    table = read_table(document.file_name or "", data)
    if isinstance(table, TableProblem):
        await message.answer(t(f"places-import-{table}"), reply_markup=cancel_keyboard(t))
        return
    rows = [
        (line, PlaceFields(v["name"], v["building"] or None, v["floor"] or None))
        for line, v in table
    ]
    report = await places_service.import_places(session, rows)
    await state.clear()
    await ctx.places.reload(session)
    text, keyboard = await _top(session, t)
    await message.answer(_report(t, report))
    await message.answer(text, reply_markup=keyboard)


async def not_text(message: Message, t: Translator) -> None:
    await message.answer(_problem(t, PlaceProblem.EMPTY), reply_markup=cancel_keyboard(t))


def get_router() -> Router:
    admin = role_router("places-admin", is_admin())
    admin.message.register(places_command, Command("places"), F.chat.type == "private")
    admin.callback_query.register(places_list, PlacesCb.filter())
    admin.callback_query.register(place_card, PlaceCardCb.filter())
    admin.callback_query.register(place_hide, PlaceHideCb.filter())
    admin.callback_query.register(place_history, PlaceHistoryCb.filter())
    admin.callback_query.register(place_qr, PlaceQrCb.filter())
    admin.callback_query.register(add_start, PlaceAddCb.filter())
    admin.callback_query.register(import_start, PlaceImportCb.filter())
    admin.callback_query.register(
        place_prompt, or_f(PlaceRenameCb.filter(), PlaceAttachCb.filter())
    )
    text_forms = StateFilter(PlaceForm.add, PlaceForm.rename)
    admin.message.register(place_given, text_forms, F.text, FreeInput())
    admin.message.register(not_text, text_forms, ~F.text)
    admin.message.register(attach_given, StateFilter(PlaceForm.attach), F.text, FreeInput())
    admin.message.register(table_given, StateFilter(PlaceForm.upload), FreeInput())
    return gated("places", admin, commands=Command("places"), dialogs=PlaceForm)
