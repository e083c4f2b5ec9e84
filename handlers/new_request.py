"""The new request dialog: category, place, description, photos, priority, summary.

Everything entered lives in the FSM storage (Redis in production) as a `DraftForm`
(utils/dialogs.py), loaded once and saved once per update, so a half-filled request
survives a restart. Wrong input gets a specific hint and the same step again; nothing
entered is lost. Every step has Back; /cancel works anywhere.
"""

from __future__ import annotations

import uuid

import structlog
from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, Message

from bot import draft_ui
from bot.context import UpdateContext
from bot.filters import FreeInput, TextKey
from bot.fsm import load_form, save_form
from bot.services import requests as service
from models import utcnow
from models.files import FileRef
from utils.callbacks import (
    DraftCategoryCb,
    DraftEditCb,
    DraftField,
    DraftLocationCb,
    DraftMeTooCb,
    DraftNav,
    DraftNavCb,
    DraftPlaceCb,
    DraftPriorityCb,
    DraftSubmitCb,
)
from utils.dialogs import DraftFile, DraftForm, NewRequest, step_of
from utils.i18n import Translator
from utils.keyboards.requester import edit_fields_keyboard, photos_keyboard
from utils.requester_cards import (
    author_card_screen,
    input_hint,
)
from utils.telegram import incoming_file, show
from utils.validation import (
    MAX_PHOTOS,
    FileProblem,
    TextProblem,
    clean_description,
)

log = structlog.get_logger(__name__)

FIELD_STEP: dict[DraftField, State] = {
    DraftField.CATEGORY: NewRequest.category,
    DraftField.LOCATION: NewRequest.location,
    DraftField.DESCRIPTION: NewRequest.description,
    DraftField.PHOTOS: NewRequest.photos,
    DraftField.PRIORITY: NewRequest.priority,
}
# Something other than what a step asks for: the hint above the step, shown again.
WRONG_INPUT_HINT: dict[str, str] = {
    step.state or "": key
    for step, key in (
        (NewRequest.category, "req-hint-use-buttons"),
        (NewRequest.location, "req-hint-location-not-text"),
        (NewRequest.description, "req-hint-description-not-text"),
        (NewRequest.photos, "req-hint-photos-not-file"),
        (NewRequest.priority, "req-hint-use-buttons"),
        (NewRequest.confirm, "req-hint-use-buttons"),
    )
}
DRAFT_CALLBACKS = (
    DraftNavCb,
    DraftCategoryCb,
    DraftLocationCb,
    DraftPlaceCb,
    DraftMeTooCb,
    DraftPriorityCb,
    DraftEditCb,
)
MEDIA = F.photo | F.document | F.video | F.animation | F.audio | F.voice | F.video_note


# ------------------------------------------------------------------ start, navigation
async def start(message: Message, state: FSMContext, ctx: UpdateContext) -> None:
    current = step_of(await state.get_state())
    if current is not None:
        form = await load_form(state, DraftForm)
        hint = ctx.t("draft-in-progress")
        await draft_ui.present(message, state, form, current, ctx, hint=hint)
        return
    log.info("draft_started")
    await draft_ui.present(
        message, state, DraftForm(token=uuid.uuid4().hex), NewRequest.category, ctx
    )


async def cancel(query: CallbackQuery, state: FSMContext, t: Translator) -> None:
    await state.clear()
    await query.answer()
    await show(query, t("draft-cancelled"), None)


async def back(query: CallbackQuery, state: FSMContext, ctx: UpdateContext) -> None:
    form, current = await draft_ui.current(state)
    await query.answer()
    if current == NewRequest.location and form.suggestions:  # "did you mean": type again
        form.typed, form.suggestions = None, []
        await draft_ui.present(query, state, form, NewRequest.location, ctx)
        return
    previous = form.back(current)
    if previous is None:
        await state.clear()
        await show(query, ctx.t("draft-cancelled"), None)
        return
    await draft_ui.present(query, state, form, previous, ctx)


# ---------------------------------------------------------------- step 1: category
async def category_chosen(
    query: CallbackQuery, callback_data: DraftCategoryCb, state: FSMContext, ctx: UpdateContext
) -> None:
    form = await load_form(state, DraftForm)
    # The categories to check the choice against and, unless back to the summary, the
    # next step's recent places: one read.
    options = await service.draft_options(
        ctx.session, ctx.user, ctx.categories, categories=True, locations=not form.editing
    )
    category = options.category(callback_data.id)
    if category is None:
        ctx.categories.forget()  # perhaps shown or hidden elsewhere: read them again
        await query.answer(ctx.t("draft-category-gone"), show_alert=True)
        await draft_ui.present(query, state, form, NewRequest.category, ctx)
        return
    form.category_id = category.id
    form.category_ru, form.category_en = category.name_ru, category.name_en
    await query.answer()
    step = form.advance(NewRequest.category)
    await draft_ui.present(query, state, form, step, ctx, options=options)


# ------------------------------------------------------------- step 3: description
async def description_typed(message: Message, state: FSMContext, ctx: UpdateContext) -> None:
    form = await load_form(state, DraftForm)
    description, problem = clean_description(message.text)
    step = NewRequest.description
    if problem is not None:
        hint = input_hint(ctx.t, "description", problem, length=len(description))
        await draft_ui.present(message, state, form, step, ctx, hint=hint)
        return
    form.description = description
    await draft_ui.present(message, state, form, form.advance(step), ctx)


# ------------------------------------------- steps 3-4 and an album's tail: files
async def file_sent(message: Message, state: FSMContext, ctx: UpdateContext) -> None:
    """A photo or document at the description, photos or summary step.

    Album items arrive as separate updates (one at a time per user: the dispatcher locks
    the user's FSM context); only the first item of an album is answered.
    """
    form, step = await draft_ui.current(state)
    group = message.media_group_id
    quiet = group is not None and group in form.albums  # a later item of an answered album
    ref = incoming_file(message)
    refusal = _refusal(ctx.t, step, form, ref, quiet=quiet)
    if refusal is not None or not isinstance(ref, FileRef):
        if group is not None:
            if group in form.warned:
                return
            form.remember_warning(group)
        hint = refusal or ctx.t("req-hint-file-unsupported")
        await draft_ui.present(message, state, form, step, ctx, hint=hint)
        return
    form.files.append(DraftFile.model_validate(ref))
    if group is not None and not quiet:
        form.remember_album(group)
    if step == NewRequest.description:
        await _file_at_description(message, state, form, ctx, quiet=quiet)
        return
    await save_form(state, form)
    if quiet or step != NewRequest.photos:
        return
    count, t = len(form.files), ctx.t
    text = (
        t("draft-album-added")
        if group is not None
        else t("draft-photo-added", count=count, max=MAX_PHOTOS)
    )
    await message.answer(text, reply_markup=photos_keyboard(t, count))


def _refusal(
    t: Translator, step: State, form: DraftForm, ref: FileRef | FileProblem | None, *, quiet: bool
) -> str | None:
    """Why this file is not taken at this step (None: it is)."""
    if step == NewRequest.confirm and not quiet:
        return t("req-hint-use-buttons")
    if ref is None or isinstance(ref, FileProblem):
        return t(f"req-hint-file-{ref or FileProblem.UNSUPPORTED}")
    if len(form.files) >= MAX_PHOTOS:
        return t("req-hint-photos-limit", max=MAX_PHOTOS)
    return None


async def _file_at_description(
    message: Message, state: FSMContext, form: DraftForm, ctx: UpdateContext, *, quiet: bool
) -> None:
    """A file at the description step: its caption is the description, when it is one."""
    description, problem = clean_description(message.caption)
    if problem is None:
        form.description = description
    if quiet:
        await save_form(state, form)
        return
    step = NewRequest.description
    if problem is None:
        await draft_ui.present(message, state, form, form.advance(step), ctx)
        return
    # A file without a caption is kept; the description is still asked for.
    hint = input_hint(
        ctx.t,
        "description",
        "file-saved" if problem is TextProblem.EMPTY else problem,
        length=len(description),
    )
    await draft_ui.present(message, state, form, step, ctx, hint=hint)


# ------------------------------------------------------------------ step 4: photos
async def photos_done(query: CallbackQuery, state: FSMContext, ctx: UpdateContext) -> None:
    form = await load_form(state, DraftForm)
    await query.answer()
    await draft_ui.present(query, state, form, form.advance(NewRequest.photos), ctx)


async def photos_cleared(query: CallbackQuery, state: FSMContext, ctx: UpdateContext) -> None:
    form = await load_form(state, DraftForm)
    form.files = []
    await query.answer(ctx.t("draft-photos-cleared"))
    await draft_ui.present(query, state, form, NewRequest.photos, ctx)


# ---------------------------------------------------------------- step 5: priority
async def priority_chosen(
    query: CallbackQuery, callback_data: DraftPriorityCb, state: FSMContext, ctx: UpdateContext
) -> None:
    form = await load_form(state, DraftForm)
    form.priority = callback_data.priority
    await query.answer()
    await draft_ui.present(query, state, form, form.advance(NewRequest.priority), ctx)


# ---------------------------------------------------------- summary: edit a field
async def edit_menu(query: CallbackQuery, t: Translator) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        await show(query, t("draft-edit-choose"), edit_fields_keyboard(t))


async def edit_menu_closed(query: CallbackQuery, state: FSMContext, ctx: UpdateContext) -> None:
    form = await load_form(state, DraftForm)
    await query.answer()
    await draft_ui.present(query, state, form, NewRequest.confirm, ctx)


async def edit_field(
    query: CallbackQuery, callback_data: DraftEditCb, state: FSMContext, ctx: UpdateContext
) -> None:
    form = await load_form(state, DraftForm)
    form.editing = True
    await query.answer()
    await draft_ui.present(query, state, form, FIELD_STEP[callback_data.field], ctx)


# -------------------------------------------------------------- summary: submit
async def submit(
    query: CallbackQuery, callback_data: DraftSubmitCb, state: FSMContext, ctx: UpdateContext
) -> None:
    form = await load_form(state, DraftForm)
    if callback_data.token != form.token:
        await submitted_before(query, callback_data, state, ctx)
        return
    assert form.category_id is not None and form.priority is not None  # the summary's rule
    draft = service.Draft(
        category_id=form.category_id,
        location=form.location or "",
        description=form.description or "",
        priority=form.priority,
        files=[f.ref() for f in form.files],
        place_id=form.place_id,
    )
    rules = draft_ui.creation_rules(ctx.settings)
    result = await service.create_request(
        ctx.session, ctx.notifier, user=ctx.user, draft=draft, token=form.token, rules=rules
    )
    if result.outcome is service.CreateOutcome.LIMITED:
        # The dialog is kept: the same Submit works once the window has passed.
        text = ctx.t(
            "draft-limit",
            limit=rules.limit,
            minutes=ctx.settings.creation_window_minutes,
            wait=result.retry_in_minutes,
        )
        await query.answer(text, show_alert=True)
        return
    if result.outcome is service.CreateOutcome.BAD_CATEGORY:
        ctx.categories.forget()  # hidden elsewhere since they were read
        form.editing = True
        await query.answer(ctx.t("draft-category-gone"), show_alert=True)
        await draft_ui.present(query, state, form, NewRequest.category, ctx)
        return
    await _submitted(query, state, result, ctx)


async def _submitted(
    query: CallbackQuery, state: FSMContext, result: service.CreateResult, ctx: UpdateContext
) -> None:
    """The request exists (just created, or by this dialog before): show its card."""
    t = ctx.t
    if result.view is None or result.card is None:
        await query.answer(t("draft-gone"), show_alert=True)
        return
    await state.clear()
    number = result.view.id
    created = result.outcome is service.CreateOutcome.CREATED
    await query.answer(t("draft-created-toast" if created else "draft-already", number=number))
    text, markup = author_card_screen(t, result.card, tz=ctx.settings.tz, now=utcnow())
    await show(query, f"{t('draft-created', number=number)}\n\n{text}", markup)


async def submitted_before(
    query: CallbackQuery, callback_data: DraftSubmitCb, state: FSMContext, ctx: UpdateContext
) -> None:
    """A second press of Submit (or a replayed update): the request already exists."""
    number = await service.request_by_token(ctx.session, ctx.user, callback_data.token)
    if number is not None:
        await query.answer(ctx.t("draft-already", number=number), show_alert=True)
        return
    await stale(query, state, ctx)


# ------------------------- anything else: input a step does not take, old buttons
async def wrong_input(message: Message, state: FSMContext, ctx: UpdateContext) -> None:
    form, step = await draft_ui.current(state)
    hint = ctx.t(WRONG_INPUT_HINT.get(step.state or "", "req-hint-use-buttons"))
    if await state.get_state() == NewRequest.me_too.state and form.place_id is not None:
        resume = step_of(form.resume) or NewRequest.category
        await draft_ui.place_known(message, state, form, resume, ctx, hint=hint)
        return
    await draft_ui.present(message, state, form, step, ctx, hint=hint)


async def stale(query: CallbackQuery, state: FSMContext, ctx: UpdateContext) -> None:
    """A button of this dialog that does not fit where it is now."""
    step = step_of(await state.get_state())
    if step is None:
        await query.answer(ctx.t("draft-gone"), show_alert=True)
        return
    form = await load_form(state, DraftForm)
    await query.answer(ctx.t("draft-old-button"), show_alert=True)
    await draft_ui.present(query, state, form, step, ctx, edit=False)


# ------------------------------------------------------------------------ router
def get_router() -> Router:
    router = Router(name="new_request")
    router.message.filter(F.chat.type == "private")
    message, callback = router.message.register, router.callback_query.register
    in_dialog = StateFilter(NewRequest)

    message(start, Command("new"))
    message(start, TextKey("menu-new-request"))
    callback(cancel, in_dialog, DraftNavCb.filter(F.action == DraftNav.CANCEL))
    callback(back, in_dialog, DraftNavCb.filter(F.action == DraftNav.BACK))
    callback(category_chosen, NewRequest.category, DraftCategoryCb.filter())
    message(description_typed, NewRequest.description, F.text, FreeInput())
    message(
        file_sent, StateFilter(NewRequest.description, NewRequest.photos, NewRequest.confirm), MEDIA
    )
    callback(
        photos_done,
        NewRequest.photos,
        DraftNavCb.filter(F.action.in_({DraftNav.DONE, DraftNav.SKIP})),
    )
    callback(photos_cleared, NewRequest.photos, DraftNavCb.filter(F.action == DraftNav.CLEAR))
    callback(priority_chosen, NewRequest.priority, DraftPriorityCb.filter())
    callback(edit_menu, NewRequest.confirm, DraftNavCb.filter(F.action == DraftNav.EDIT))
    callback(edit_menu_closed, NewRequest.confirm, DraftNavCb.filter(F.action == DraftNav.SUMMARY))
    callback(edit_field, NewRequest.confirm, DraftEditCb.filter())
    callback(submit, NewRequest.confirm, DraftSubmitCb.filter())
    callback(submitted_before, DraftSubmitCb.filter())  # outside the dialog: pressed before
    message(wrong_input, in_dialog, FreeInput())
    for stale_button in DRAFT_CALLBACKS:
        callback(stale, stale_button.filter())
    return router
