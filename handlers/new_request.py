"""The new request dialog: category, place, description, photos, priority, summary.

Everything entered lives in the FSM storage (Redis in production), so a half-filled
request survives a restart. Wrong input gets a specific hint and the same step again;
nothing entered is lost. Every step has Back; /cancel works anywhere.
"""

from __future__ import annotations

import dataclasses
import uuid
from datetime import timedelta
from typing import Any

import structlog
from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.filters import FreeInput, TextKey
from bot.services import requests as service
from bot.services.comments import FileRef
from bot.services.notifications import Notifier
from bot.settings import Settings
from handlers._requester import incoming_file, show
from handlers.my_requests import author_screen, render_author_card
from models import AttachmentKind, Priority, User
from utils.callbacks import (
    DraftCategoryCb,
    DraftEditCb,
    DraftField,
    DraftLocationCb,
    DraftNav,
    DraftNavCb,
    DraftPriorityCb,
    DraftSubmitCb,
)
from utils.i18n import Catalogue, Translator
from utils.keyboards.requester import (
    back_keyboard,
    categories_keyboard,
    edit_fields_keyboard,
    photos_keyboard,
    priority_keyboard,
    summary_keyboard,
)
from utils.requester_cards import draft_summary, shorten
from utils.validation import (
    MAX_PHOTOS,
    FileProblem,
    TextProblem,
    clean_description,
    clean_location,
)

log = structlog.get_logger(__name__)


class NewRequest(StatesGroup):
    category = State()
    location = State()
    description = State()
    photos = State()
    priority = State()
    confirm = State()


STEPS: tuple[State, ...] = (
    NewRequest.category,
    NewRequest.location,
    NewRequest.description,
    NewRequest.photos,
    NewRequest.priority,
    NewRequest.confirm,
)
FIELD_STEP: dict[DraftField, State] = {
    DraftField.CATEGORY: NewRequest.category,
    DraftField.LOCATION: NewRequest.location,
    DraftField.DESCRIPTION: NewRequest.description,
    DraftField.PHOTOS: NewRequest.photos,
    DraftField.PRIORITY: NewRequest.priority,
}
# What each step needs before the summary can be shown.
REQUIRED: tuple[tuple[str, State], ...] = (
    ("category_id", NewRequest.category),
    ("location", NewRequest.location),
    ("description", NewRequest.description),
    ("priority", NewRequest.priority),
)
DRAFT_CALLBACKS = (DraftNavCb, DraftCategoryCb, DraftLocationCb, DraftPriorityCb, DraftEditCb)
MEDIA = F.photo | F.document | F.video | F.animation | F.audio | F.voice | F.video_note
REMEMBERED_ALBUMS = 20


def _dump(ref: FileRef) -> dict[str, Any]:
    return dataclasses.asdict(ref) | {"kind": ref.kind.value}


def _load(raw: dict[str, Any]) -> FileRef:
    return FileRef(
        kind=AttachmentKind(raw["kind"]),
        file_id=raw["file_id"],
        file_unique_id=raw["file_unique_id"],
        mime_type=raw.get("mime_type"),
        file_size=raw.get("file_size"),
    )


# ----------------------------------------------------------------------- screens
async def step_screen(
    state: FSMContext, session: AsyncSession, user: User, t: Translator, settings: Settings
) -> tuple[str, InlineKeyboardMarkup]:
    """The text and buttons of the step the dialog is at, with what is entered so far."""
    current = await state.get_state()
    data = await state.get_data()
    if current == NewRequest.category.state:
        categories = await service.visible_categories(session)
        text = t("draft-step-category")
        if data.get("category_id"):
            text += "\n\n" + t("draft-current", value=_category_name(t, data))
        return text, categories_keyboard(t, categories)
    if current == NewRequest.location.state:
        offered = await service.recent_locations(session, user)
        await state.update_data(offered=offered)
        parts = [t("draft-step-location")]
        if offered:
            parts.append(t("draft-step-location-recent"))
        if data.get("location"):
            parts.append(t("draft-current", value=data["location"]))
        return "\n\n".join(parts), back_keyboard(t, offered)
    if current == NewRequest.description.state:
        text = t("draft-step-description")
        if data.get("description"):
            text += "\n\n" + t("draft-current", value=shorten(data["description"], 300))
        return text, back_keyboard(t)
    if current == NewRequest.photos.state:
        count = len(data.get("files", []))
        text = t("draft-step-photos", max=MAX_PHOTOS)
        if count:
            text += "\n\n" + t("draft-step-photos-count", count=count, max=MAX_PHOTOS)
        return text, photos_keyboard(t, count)
    if current == NewRequest.priority.state:
        text = t("draft-step-priority")
        if data.get("priority"):
            text += "\n\n" + t("draft-current", value=t(f"priority-{data['priority']}"))
        return text, priority_keyboard(t)
    priority = Priority(data["priority"])
    text = draft_summary(
        t,
        category=_category_name(t, data),
        location=data["location"],
        description=data["description"],
        files=len(data.get("files", [])),
        priority=priority,
        sla_hours=settings.sla_hours()[priority.value],
    )
    return text, summary_keyboard(t, data["token"])


def _category_name(t: Translator, data: dict[str, Any]) -> str:
    return str(data.get("category_en" if t.language == "en" else "category_ru", "—"))


async def show_step(
    target: CallbackQuery | Message,
    state: FSMContext,
    session: AsyncSession,
    user: User,
    t: Translator,
    settings: Settings,
    *,
    hint: str | None = None,
    edit: bool = True,
) -> None:
    await _ensure_complete(state)
    text, markup = await step_screen(state, session, user, t, settings)
    if hint:
        text = f"{hint}\n\n{text}"
    await show(target, text, markup, edit=edit)


async def _ensure_complete(state: FSMContext) -> None:
    """The summary needs every field; if one is missing (it should not be), ask for it."""
    if await state.get_state() != NewRequest.confirm.state:
        return
    data = await state.get_data()
    for key, step in REQUIRED:
        if not data.get(key):
            await state.set_state(step)
            return


async def advance(state: FSMContext) -> None:
    """After a valid value: the next step, or back to the summary when editing a field."""
    data = await state.get_data()
    current = await state.get_state()
    if data.get("editing"):
        await state.update_data(editing=False)
        await state.set_state(NewRequest.confirm)
        return
    index = next(i for i, step in enumerate(STEPS) if step.state == current)
    await state.set_state(STEPS[min(index + 1, len(STEPS) - 1)])


def _creation_rules(settings: Settings) -> service.CreationRules:
    return service.CreationRules(
        sla_hours=settings.sla_hours(),
        limit=settings.creation_limit,
        window=timedelta(minutes=settings.creation_window_minutes),
        staff_chat_id=settings.admin_chat_id,
    )


# ------------------------------------------------------------------------ router
def get_router() -> Router:
    router = Router(name="new_request")
    router.message.filter(F.chat.type == "private")

    # -- start -----------------------------------------------------------------------
    @router.message(Command("new"))
    @router.message(TextKey("menu-new-request"))
    async def start(
        message: Message,
        state: FSMContext,
        session: AsyncSession,
        user: User,
        t: Translator,
        settings: Settings,
    ) -> None:
        current = await state.get_state()
        if current in NewRequest.__all_states_names__:
            await show_step(message, state, session, user, t, settings, hint=t("draft-in-progress"))
            return
        await state.clear()
        await state.set_state(NewRequest.category)
        await state.set_data({"token": uuid.uuid4().hex, "files": []})
        log.info("draft_started")
        await show_step(message, state, session, user, t, settings)

    # -- navigation ------------------------------------------------------------------
    @router.callback_query(StateFilter(NewRequest), DraftNavCb.filter(F.action == DraftNav.CANCEL))
    async def cancel(query: CallbackQuery, state: FSMContext, t: Translator) -> None:
        await state.clear()
        await query.answer()
        await show(query, t("draft-cancelled"), None)

    @router.callback_query(StateFilter(NewRequest), DraftNavCb.filter(F.action == DraftNav.BACK))
    async def back(
        query: CallbackQuery,
        state: FSMContext,
        session: AsyncSession,
        user: User,
        t: Translator,
        settings: Settings,
    ) -> None:
        current = await state.get_state()
        data = await state.get_data()
        await query.answer()
        if data.get("editing") and current != NewRequest.confirm.state:
            await state.update_data(editing=False)
            await state.set_state(NewRequest.confirm)
        elif current == NewRequest.category.state:
            await state.clear()
            await show(query, t("draft-cancelled"), None)
            return
        else:
            index = next(i for i, step in enumerate(STEPS) if step.state == current)
            await state.set_state(STEPS[index - 1])
        await show_step(query, state, session, user, t, settings)

    # -- step 1: category --------------------------------------------------------------
    @router.callback_query(NewRequest.category, DraftCategoryCb.filter())
    async def category_chosen(
        query: CallbackQuery,
        callback_data: DraftCategoryCb,
        state: FSMContext,
        session: AsyncSession,
        user: User,
        t: Translator,
        settings: Settings,
    ) -> None:
        categories = {c.id: c for c in await service.visible_categories(session)}
        category = categories.get(callback_data.id)
        if category is None:
            await query.answer(t("draft-category-gone"), show_alert=True)
            await show_step(query, state, session, user, t, settings)
            return
        await state.update_data(
            category_id=category.id, category_ru=category.name_ru, category_en=category.name_en
        )
        await advance(state)
        await query.answer()
        await show_step(query, state, session, user, t, settings)

    # -- step 2: location ---------------------------------------------------------------
    @router.message(NewRequest.location, F.text, FreeInput())
    async def location_typed(
        message: Message,
        state: FSMContext,
        session: AsyncSession,
        user: User,
        t: Translator,
        settings: Settings,
    ) -> None:
        location, problem = clean_location(message.text)
        if problem is not None:
            hint = t(f"req-hint-location-{problem}")
            await show_step(message, state, session, user, t, settings, hint=hint)
            return
        await state.update_data(location=location)
        await advance(state)
        await show_step(message, state, session, user, t, settings)

    @router.callback_query(NewRequest.location, DraftLocationCb.filter())
    async def location_chosen(
        query: CallbackQuery,
        callback_data: DraftLocationCb,
        state: FSMContext,
        session: AsyncSession,
        user: User,
        t: Translator,
        settings: Settings,
    ) -> None:
        offered: list[str] = (await state.get_data()).get("offered", [])
        if not 0 <= callback_data.index < len(offered):
            await query.answer(t("draft-old-button"), show_alert=True)
            await show_step(query, state, session, user, t, settings)
            return
        await state.update_data(location=offered[callback_data.index])
        await advance(state)
        await query.answer()
        await show_step(query, state, session, user, t, settings)

    @router.message(NewRequest.location, FreeInput())
    async def location_not_text(
        message: Message,
        state: FSMContext,
        session: AsyncSession,
        user: User,
        t: Translator,
        settings: Settings,
    ) -> None:
        hint = t("req-hint-location-not-text")
        await show_step(message, state, session, user, t, settings, hint=hint)

    # -- step 3: description ------------------------------------------------------------
    @router.message(NewRequest.description, F.text, FreeInput())
    async def description_typed(
        message: Message,
        state: FSMContext,
        session: AsyncSession,
        user: User,
        t: Translator,
        settings: Settings,
    ) -> None:
        description, problem = clean_description(message.text)
        if problem is not None:
            hint = t(f"req-hint-description-{problem}", length=len(description))
            await show_step(message, state, session, user, t, settings, hint=hint)
            return
        await state.update_data(description=description)
        await advance(state)
        await show_step(message, state, session, user, t, settings)

    # -- steps 3-4 and the tail of an album: files ----------------------------------------
    @router.message(
        StateFilter(NewRequest.description, NewRequest.photos, NewRequest.confirm), MEDIA
    )
    async def file_sent(
        message: Message,
        state: FSMContext,
        session: AsyncSession,
        user: User,
        t: Translator,
        settings: Settings,
    ) -> None:
        await take_file(message, state, session, user, t, settings)

    @router.message(NewRequest.description, FreeInput())
    async def description_not_text(
        message: Message,
        state: FSMContext,
        session: AsyncSession,
        user: User,
        t: Translator,
        settings: Settings,
    ) -> None:
        hint = t("req-hint-description-not-text")
        await show_step(message, state, session, user, t, settings, hint=hint)

    # -- step 4: photos -----------------------------------------------------------------
    @router.callback_query(
        NewRequest.photos, DraftNavCb.filter(F.action.in_({DraftNav.DONE, DraftNav.SKIP}))
    )
    async def photos_done(
        query: CallbackQuery,
        state: FSMContext,
        session: AsyncSession,
        user: User,
        t: Translator,
        settings: Settings,
    ) -> None:
        await advance(state)
        await query.answer()
        await show_step(query, state, session, user, t, settings)

    @router.callback_query(NewRequest.photos, DraftNavCb.filter(F.action == DraftNav.CLEAR))
    async def photos_cleared(
        query: CallbackQuery,
        state: FSMContext,
        session: AsyncSession,
        user: User,
        t: Translator,
        settings: Settings,
    ) -> None:
        await state.update_data(files=[])
        await query.answer(t("draft-photos-cleared"))
        await show_step(query, state, session, user, t, settings)

    @router.message(NewRequest.photos, FreeInput())
    async def photos_not_file(
        message: Message,
        state: FSMContext,
        session: AsyncSession,
        user: User,
        t: Translator,
        settings: Settings,
    ) -> None:
        hint = t("req-hint-photos-not-file")
        await show_step(message, state, session, user, t, settings, hint=hint)

    # -- step 5: priority ---------------------------------------------------------------
    @router.callback_query(NewRequest.priority, DraftPriorityCb.filter())
    async def priority_chosen(
        query: CallbackQuery,
        callback_data: DraftPriorityCb,
        state: FSMContext,
        session: AsyncSession,
        user: User,
        t: Translator,
        settings: Settings,
    ) -> None:
        await state.update_data(priority=callback_data.priority.value)
        await advance(state)
        await query.answer()
        await show_step(query, state, session, user, t, settings)

    # -- summary: edit a field ----------------------------------------------------------
    @router.callback_query(NewRequest.confirm, DraftNavCb.filter(F.action == DraftNav.EDIT))
    async def edit_menu(query: CallbackQuery, t: Translator) -> None:
        await query.answer()
        if isinstance(query.message, Message):
            await show(query, t("draft-edit-choose"), edit_fields_keyboard(t))

    @router.callback_query(NewRequest.confirm, DraftNavCb.filter(F.action == DraftNav.SUMMARY))
    async def edit_menu_closed(
        query: CallbackQuery,
        state: FSMContext,
        session: AsyncSession,
        user: User,
        t: Translator,
        settings: Settings,
    ) -> None:
        await query.answer()
        await show_step(query, state, session, user, t, settings)

    @router.callback_query(NewRequest.confirm, DraftEditCb.filter())
    async def edit_field(
        query: CallbackQuery,
        callback_data: DraftEditCb,
        state: FSMContext,
        session: AsyncSession,
        user: User,
        t: Translator,
        settings: Settings,
    ) -> None:
        await state.update_data(editing=True)
        await state.set_state(FIELD_STEP[callback_data.field])
        await query.answer()
        await show_step(query, state, session, user, t, settings)

    # -- summary: submit ----------------------------------------------------------------
    @router.callback_query(NewRequest.confirm, DraftSubmitCb.filter())
    async def submit(
        query: CallbackQuery,
        callback_data: DraftSubmitCb,
        state: FSMContext,
        session: AsyncSession,
        user: User,
        t: Translator,
        settings: Settings,
        catalogue: Catalogue,
        notifier: Notifier,
    ) -> None:
        data = await state.get_data()
        if callback_data.token != data.get("token"):
            await submitted_before(query, callback_data, state, session, user, t, settings)
            return
        draft = service.Draft(
            category_id=int(data["category_id"]),
            location=data["location"],
            description=data["description"],
            priority=Priority(data["priority"]),
            files=[_load(raw) for raw in data.get("files", [])],
        )
        result = await service.create_request(
            session,
            notifier,
            user=user,
            draft=draft,
            token=callback_data.token,
            rules=_creation_rules(settings),
        )
        if result.outcome is service.CreateOutcome.LIMITED:
            # The dialog is kept: the same Submit works once the window has passed.
            text = t(
                "draft-limit",
                limit=settings.creation_limit,
                minutes=settings.creation_window_minutes,
                wait=result.retry_in_minutes,
            )
            await query.answer(text, show_alert=True)
            return
        if result.outcome is service.CreateOutcome.BAD_CATEGORY:
            await state.update_data(editing=True)
            await state.set_state(NewRequest.category)
            await query.answer(t("draft-category-gone"), show_alert=True)
            await show_step(query, state, session, user, t, settings)
            return
        if result.view is None:
            await query.answer(t("draft-gone"), show_alert=True)
            return
        await state.clear()
        number = result.view.id
        created = result.outcome is service.CreateOutcome.CREATED
        await query.answer(t("draft-created-toast" if created else "draft-already", number=number))
        screen = (
            render_author_card(result.card, t, settings)
            if result.card is not None
            else await author_screen(session, user, t, settings, number)
        )
        text = t("draft-created", number=number)
        if screen is not None:
            await show(query, f"{text}\n\n{screen[0]}", screen[1])
        else:  # pragma: no cover - the author always sees their request
            await show(query, text, None)

    @router.callback_query(DraftSubmitCb.filter())
    async def submit_outside_dialog(
        query: CallbackQuery,
        callback_data: DraftSubmitCb,
        state: FSMContext,
        session: AsyncSession,
        user: User,
        t: Translator,
        settings: Settings,
    ) -> None:
        await submitted_before(query, callback_data, state, session, user, t, settings)

    async def submitted_before(
        query: CallbackQuery,
        callback_data: DraftSubmitCb,
        state: FSMContext,
        session: AsyncSession,
        user: User,
        t: Translator,
        settings: Settings,
    ) -> None:
        """A second press of Submit (or a replayed update): the request already exists."""
        number = await service.request_by_token(session, user, callback_data.token)
        if number is not None:
            await query.answer(t("draft-already", number=number), show_alert=True)
            return
        await stale(query, state, session, user, t, settings)

    # -- anything else: text where a button is expected, buttons from old messages -------
    @router.message(StateFilter(NewRequest.priority, NewRequest.confirm), FreeInput())
    async def buttons_expected(
        message: Message,
        state: FSMContext,
        session: AsyncSession,
        user: User,
        t: Translator,
        settings: Settings,
    ) -> None:
        hint = t("req-hint-use-buttons")
        await show_step(message, state, session, user, t, settings, hint=hint)

    @router.message(NewRequest.category, FreeInput())
    async def category_expected(
        message: Message,
        state: FSMContext,
        session: AsyncSession,
        user: User,
        t: Translator,
        settings: Settings,
    ) -> None:
        hint = t("req-hint-use-buttons")
        await show_step(message, state, session, user, t, settings, hint=hint)

    async def stale(
        query: CallbackQuery,
        state: FSMContext,
        session: AsyncSession,
        user: User,
        t: Translator,
        settings: Settings,
    ) -> None:
        if await state.get_state() in NewRequest.__all_states_names__:
            await query.answer(t("draft-old-button"), show_alert=True)
            await show_step(query, state, session, user, t, settings, edit=False)
            return
        await query.answer(t("draft-gone"), show_alert=True)

    for callback in DRAFT_CALLBACKS:

        @router.callback_query(callback.filter())
        async def old_button(
            query: CallbackQuery,
            state: FSMContext,
            session: AsyncSession,
            user: User,
            t: Translator,
            settings: Settings,
        ) -> None:
            await stale(query, state, session, user, t, settings)

    return router


async def take_file(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    user: User,
    t: Translator,
    settings: Settings,
) -> None:
    """A photo or document at the description, photos or summary step.

    Album items arrive as separate updates (one at a time per user: the dispatcher locks
    the user's FSM context); only the first item of an album is answered.
    """
    data = await state.get_data()
    current = await state.get_state()
    files: list[dict[str, Any]] = list(data.get("files", []))
    albums: list[str] = list(data.get("albums", []))
    warned: list[str] = list(data.get("warned", []))
    group = message.media_group_id
    quiet = group is not None and group in albums  # a later item of an answered album

    async def refuse(hint: str) -> None:
        if group is not None:
            if group in warned:
                return
            await state.update_data(warned=[*warned, group][-REMEMBERED_ALBUMS:])
        await show_step(message, state, session, user, t, settings, hint=hint)

    if current == NewRequest.confirm.state and not quiet:
        await refuse(t("req-hint-use-buttons"))
        return
    ref = incoming_file(message)
    if ref is None or isinstance(ref, FileProblem):
        await refuse(t(f"req-hint-file-{ref or FileProblem.UNSUPPORTED}"))
        return
    if len(files) >= MAX_PHOTOS:
        await refuse(t("req-hint-photos-limit", max=MAX_PHOTOS))
        return
    files.append(_dump(ref))
    updates: dict[str, Any] = {"files": files}
    if group is not None and not quiet:
        updates["albums"] = [*albums, group][-REMEMBERED_ALBUMS:]
    if current == NewRequest.description.state:
        description, problem = clean_description(message.caption)
        if problem is None:
            updates["description"] = description
        await state.update_data(**updates)
        if quiet:
            return
        if problem is None:
            await advance(state)
            await show_step(message, state, session, user, t, settings)
            return
        key = (
            "req-hint-description-file-saved"
            if problem is TextProblem.EMPTY
            else f"req-hint-description-{problem}"
        )
        hint = t(key, length=len(description))
        await show_step(message, state, session, user, t, settings, hint=hint)
        return
    await state.update_data(**updates)
    if quiet:
        return
    text = (
        t("draft-album-added")
        if group is not None
        else t("draft-photo-added", count=len(files), max=MAX_PHOTOS)
    )
    if current == NewRequest.photos.state:
        await message.answer(text, reply_markup=photos_keyboard(t, len(files)))
