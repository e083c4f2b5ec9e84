"""The place step of the new-request dialog, and the "me too" screen.

What is typed is matched against the school's catalogue of places (kept in memory, see
`bot.services.place_directory`): a sure match is taken, likely ones are offered with the
text as typed, anything else stays free text. A catalogued place with open requests shows
them first: "👍 Me too" follows one of them instead of filing a duplicate. A room's link
(the QR code on its door) opens a new request with the place filled in.
"""

from __future__ import annotations

import uuid

import structlog
from aiogram import F, Router
from aiogram.filters import CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot import draft_ui
from bot.context import UpdateContext
from bot.filters import FreeInput
from bot.fsm import load_form
from bot.services import places as places_service
from bot.services.places import CodeLookup, FollowOutcome
from models.place_match import normalize
from models.places import PLACE_CODE_PREFIX
from utils.callbacks import (
    KEEP_TYPED,
    DraftLocationCb,
    DraftMeTooCb,
    DraftNav,
    DraftNavCb,
    DraftPlaceCb,
    FollowedCb,
    UnfollowCb,
)
from utils.dialogs import DraftForm, NewRequest, PlaceChoice
from utils.keyboards.requester import followed_keyboard
from utils.requester_cards import followed_text, input_hint
from utils.telegram import show
from utils.validation import LOCATION_MAX, clean_location

log = structlog.get_logger(__name__)


async def location_typed(message: Message, state: FSMContext, ctx: UpdateContext) -> None:
    form = await load_form(state, DraftForm)
    location, problem = clean_location(message.text)
    if problem is not None:
        hint = input_hint(ctx.t, "location", problem)
        await draft_ui.present(message, state, form, NewRequest.location, ctx, hint=hint)
        return
    matches = ctx.places.suggest(location)
    exact = next((p for p in matches if normalize(p.label) == normalize(location)), None)
    if exact is None and len(matches) == 1 and normalize(matches[0].name) == normalize(location):
        exact = matches[0]
    if exact is not None:
        form.set_place(exact.id, exact.label[:LOCATION_MAX])
        await draft_ui.place_known(message, state, form, form.advance(NewRequest.location), ctx)
        return
    if matches:  # "did you mean": the catalogue's rooms, or the text as typed
        form.typed = location
        form.suggestions = [PlaceChoice(id=p.id, label=p.label[:LOCATION_MAX]) for p in matches]
        await draft_ui.present(message, state, form, NewRequest.location, ctx)
        return
    form.set_free_text(location)
    await draft_ui.present(message, state, form, form.advance(NewRequest.location), ctx)


async def place_chosen(
    query: CallbackQuery, callback_data: DraftPlaceCb, state: FSMContext, ctx: UpdateContext
) -> None:
    form = await load_form(state, DraftForm)
    index = callback_data.index
    if form.typed is None or not (index == KEEP_TYPED or 0 <= index < len(form.suggestions)):
        await query.answer(ctx.t("draft-old-button"), show_alert=True)
        await draft_ui.present(query, state, form, NewRequest.location, ctx)
        return
    await query.answer()
    if index == KEEP_TYPED:
        form.set_free_text(form.typed)
        await draft_ui.present(query, state, form, form.advance(NewRequest.location), ctx)
        return
    choice = form.suggestions[index]
    form.set_place(choice.id, choice.label)
    await draft_ui.place_known(query, state, form, form.advance(NewRequest.location), ctx)


async def me_too(
    query: CallbackQuery, callback_data: DraftMeTooCb, state: FSMContext, ctx: UpdateContext
) -> None:
    form = await load_form(state, DraftForm)
    if callback_data.id not in form.me_too:
        await query.answer(ctx.t("draft-old-button"), show_alert=True)
        return
    result = await places_service.follow(ctx.session, callback_data.id, ctx.user.id)
    if result.outcome in (FollowOutcome.CLOSED, FollowOutcome.NOT_FOUND):
        await query.answer(ctx.t("draft-me-too-closed", number=callback_data.id), show_alert=True)
        await draft_ui.resume(query, state, form, ctx)
        return
    await query.answer()
    await state.clear()
    key = "draft-me-too-own" if result.outcome is FollowOutcome.OWN else "draft-me-too-done"
    await show(query, ctx.t(key, number=callback_data.id, followers=result.followers), None)


async def me_too_other(query: CallbackQuery, state: FSMContext, ctx: UpdateContext) -> None:
    form = await load_form(state, DraftForm)
    await query.answer()
    await draft_ui.resume(query, state, form, ctx)


async def start_from_place_link(
    message: Message, command: CommandObject, state: FSMContext, ctx: UpdateContext
) -> None:
    """/start p-… from a room's link or QR code: a new request for that place."""
    found, place = await places_service.resolve_code(ctx.session, command.args or "")
    form = DraftForm(token=uuid.uuid4().hex)
    log.info("draft_started", from_link=True, place_found=place is not None)
    if place is None:
        hint = ctx.t(
            "draft-place-link-hidden" if found is CodeLookup.HIDDEN else "draft-place-link-unknown"
        )
        await draft_ui.present(message, state, form, NewRequest.category, ctx, hint=hint)
        return
    form.set_place(place.id, place.label[:LOCATION_MAX])
    form.scanned = True
    hint = ctx.t("draft-place-from-link", place=form.location)
    await draft_ui.place_known(message, state, form, NewRequest.category, ctx, hint=hint)


async def location_chosen(
    query: CallbackQuery, callback_data: DraftLocationCb, state: FSMContext, ctx: UpdateContext
) -> None:
    form = await load_form(state, DraftForm)
    if not 0 <= callback_data.index < len(form.offered):
        await query.answer(ctx.t("draft-old-button"), show_alert=True)
        await draft_ui.present(query, state, form, NewRequest.location, ctx)
        return
    form.set_free_text(form.offered[callback_data.index])
    await query.answer()
    await draft_ui.present(query, state, form, form.advance(NewRequest.location), ctx)


# ------------------------------------------------------- "My requests": followed
async def followed_list(query: CallbackQuery, ctx: UpdateContext) -> None:
    items = await places_service.followed(ctx.session, ctx.user.id)
    await query.answer()
    await show(query, followed_text(ctx.t, items), followed_keyboard(ctx.t, [i.id for i in items]))


async def unfollow(query: CallbackQuery, callback_data: UnfollowCb, ctx: UpdateContext) -> None:
    removed = await places_service.unfollow(ctx.session, callback_data.id, ctx.user.id)
    key = "my-unfollowed" if removed else "my-unfollow-not-followed"
    await query.answer(ctx.t(key, number=callback_data.id))
    items = await places_service.followed(ctx.session, ctx.user.id)
    await show(query, followed_text(ctx.t, items), followed_keyboard(ctx.t, [i.id for i in items]))


def get_router() -> Router:
    router = Router(name="place_step")
    router.message.filter(F.chat.type == "private")
    message, callback = router.message.register, router.callback_query.register
    message(location_typed, NewRequest.location, F.text, FreeInput())
    callback(location_chosen, NewRequest.location, DraftLocationCb.filter())
    callback(place_chosen, NewRequest.location, DraftPlaceCb.filter())
    callback(me_too, NewRequest.me_too, DraftMeTooCb.filter())
    callback(me_too_other, NewRequest.me_too, DraftNavCb.filter(F.action == DraftNav.OTHER))
    callback(followed_list, FollowedCb.filter())
    callback(unfollow, UnfollowCb.filter())
    return router


def get_link_router() -> Router:
    """/start with a place's payload; registered before the common /start."""
    router = Router(name="new_request_link")
    router.message.register(
        start_from_place_link,
        CommandStart(deep_link=True, magic=F.args.startswith(PLACE_CODE_PREFIX)),
        F.chat.type == "private",
    )
    return router
