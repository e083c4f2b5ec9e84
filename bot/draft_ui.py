"""The new-request dialog's screens and moves, shared by its handler modules.

`handlers/new_request.py` (the steps) and `handlers/place_step.py` (the place step, the
"me too" screen, a room's link) both move the dialog with `present`, which saves the form
once and shows the step; a handler module never imports another, so they meet here.
"""

from __future__ import annotations

from datetime import timedelta

from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, Message

from bot.context import UpdateContext
from bot.fsm import load_form, save_form
from bot.services import places as places_service
from bot.services import requests as service
from bot.settings import Settings
from utils.dialogs import DraftForm, NewRequest, step_of
from utils.requester_cards import draft_step_screen, me_too_screen
from utils.telegram import show


async def present(
    target: CallbackQuery | Message,
    state: FSMContext,
    form: DraftForm,
    step: State,
    ctx: UpdateContext,
    *,
    hint: str | None = None,
    edit: bool = True,
    options: service.DraftOptions | None = None,
) -> None:
    """Move the dialog to `step`, keep the form (once), and show the step's screen.

    The summary needs every field; if one is missing (it should not be), that step is
    asked instead. `options`: the step's choices when the caller has them already.
    """
    if step == NewRequest.confirm:
        step = form.missing_step() or step
    if options is None:
        options = await step_options(ctx, step)
    if step == NewRequest.location:
        form.offered = options.recent_locations
    await state.set_state(step)
    await save_form(state, form)
    text, markup = draft_step_screen(
        ctx.t, step, form, categories=options.categories, sla_hours=ctx.settings.sla_hours()
    )
    await show(target, f"{hint}\n\n{text}" if hint else text, markup, edit=edit)


async def step_options(ctx: UpdateContext, step: State) -> service.DraftOptions:
    if step not in (NewRequest.category, NewRequest.location):
        return service.DraftOptions()
    return await service.draft_options(
        ctx.session,
        ctx.user,
        ctx.categories,
        categories=step == NewRequest.category,
        locations=step == NewRequest.location,
    )


async def current(state: FSMContext) -> tuple[DraftForm, State]:
    """The form and the step it is at (handlers filtered by NewRequest only)."""
    form = await load_form(state, DraftForm)
    return form, step_of(await state.get_state()) or NewRequest.category


def creation_rules(settings: Settings) -> service.CreationRules:
    return service.CreationRules(
        sla_hours=settings.sla_hours(),
        limit=settings.creation_limit,
        window=timedelta(minutes=settings.creation_window_minutes),
        staff_chat_id=settings.admin_chat_id,
    )


async def place_known(
    target: CallbackQuery | Message,
    state: FSMContext,
    form: DraftForm,
    resume: State,
    ctx: UpdateContext,
    *,
    hint: str | None = None,
) -> None:
    """A catalogued place is set: its open requests first ("me too"), else `resume`."""
    assert form.place_id is not None
    rows = [
        r
        for r in await places_service.open_requests(ctx.session, form.place_id)
        if r.author_id != ctx.user.id
    ]
    if not rows:
        await present(target, state, form, resume, ctx, hint=hint)
        return
    form.me_too, form.resume = [r.id for r in rows], resume.state
    await state.set_state(NewRequest.me_too)
    await save_form(state, form)
    text, markup = me_too_screen(ctx.t, form.location or "", rows, scanned=form.scanned)
    await show(target, f"{hint}\n\n{text}" if hint else text, markup)


async def resume(
    target: CallbackQuery, state: FSMContext, form: DraftForm, ctx: UpdateContext
) -> None:
    step = step_of(form.resume) or NewRequest.category
    form.me_too, form.resume = [], None
    await present(target, state, form, step, ctx)
