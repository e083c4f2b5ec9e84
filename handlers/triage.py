"""Staff work on a request from its card: take, assign, reject, hold, resume; the full
card and its photos; the executor's tasks. (Finishing: handlers/finishing.py; comments
and notes: handlers/staff_comments.py.)

Every press is checked again on the server (models.workflow.decide for this user and the
request as it is now); a stale or forged button gets an alert and changes nothing.
"""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, or_f
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.methods import SendMediaGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, InputMediaPhoto, Message

from bot.context import UpdateContext
from bot.filters import FreeInput, TextKey, is_admin, is_staff, role_router
from bot.services import triage
from bot.services.triage import REASON_MAX, ActResult, AssignOptions, MessageRef
from bot.staff_ui import (
    alert,
    allowed_on,
    ask,
    card_if_allowed,
    denial_text,
    edit_markup,
    edit_pressed,
    edit_text,
    full_card_view,
    gated,
    prompt_markup,
    show_pressed,
    toast,
)
from models import Action, AttachmentKind, utcnow
from utils.callbacks import (
    AssignPageCb,
    AssignToCb,
    CardKeyboardCb,
    OpenRequestCb,
    PhotosCb,
    RequestActionCb,
    StaffCancelCb,
    TasksCb,
)
from utils.i18n import Translator
from utils.keyboards.staff import assign_picker_keyboard, tasks_keyboard
from utils.staff_cards import button_rows, tasks_text
from utils.validation import normalize

MEDIA_GROUP_MAX = 10
# Done in one press; REJECT and HOLD ask for a reason first; ASSIGN opens the picker.
AT_ONCE = (Action.TAKE, Action.RESUME)
WITH_REASON = (Action.REJECT, Action.HOLD)


class ReasonForm(StatesGroup):
    text = State()


# ------------------------------------------------------------------ the tasks
async def _tasks(ctx: UpdateContext) -> tuple[str, InlineKeyboardMarkup]:
    t, rows = ctx.t, await triage.tasks(ctx.session, user=ctx.user)
    return tasks_text(t, rows, now=utcnow()), tasks_keyboard(t, button_rows(rows))


async def tasks_command(message: Message, state: FSMContext, ctx: UpdateContext) -> None:
    await state.clear()
    text, keyboard = await _tasks(ctx)
    await message.answer(text, reply_markup=keyboard)


async def tasks_refresh(query: CallbackQuery, ctx: UpdateContext, bot: Bot) -> None:
    screen = await _tasks(ctx)
    await query.answer()
    await edit_pressed(query, bot, *screen)


# -------------------------------------------------------------- the full card
async def open_card(query: CallbackQuery, callback_data: OpenRequestCb, ctx: UpdateContext) -> None:
    card = await triage.staff_card(ctx.session, request_id=callback_data.id, user=ctx.user)
    if card is None or not isinstance(query.message, Message):
        await alert(query, ctx.t("triage-not-found"))
        return
    await query.answer()
    text, keyboard = full_card_view(ctx, card)
    await query.message.answer(text, reply_markup=keyboard)


async def card_back(
    query: CallbackQuery, callback_data: CardKeyboardCb, ctx: UpdateContext, bot: Bot
) -> None:
    message = query.message
    if not isinstance(message, Message):
        await query.answer()
        return
    pressed = await triage.pressed_card(
        ctx.session,
        request_id=callback_data.id,
        user=ctx.user,
        chat_id=message.chat.id,
        message_id=message.message_id,
    )
    if pressed is None:
        await alert(query, ctx.t("triage-not-found"))
        return
    await query.answer()
    await show_pressed(bot, message, pressed, ctx, keyboard_only=pressed.is_copy)


async def photos(
    query: CallbackQuery, callback_data: PhotosCb, ctx: UpdateContext, bot: Bot
) -> None:
    t = ctx.t
    files = await triage.request_files(ctx.session, request_id=callback_data.id, user=ctx.user)
    if not files or not isinstance(query.message, Message):
        await alert(query, t("card-no-photos"))
        return
    await query.answer()
    chat_id = query.message.chat.id
    pictures = [f for f in files if f.kind is AttachmentKind.PHOTO]
    for start in range(0, len(pictures), MEDIA_GROUP_MAX):
        chunk = pictures[start : start + MEDIA_GROUP_MAX]
        if len(chunk) == 1:
            await bot.send_photo(chat_id, chunk[0].file_id)
        else:
            media = [InputMediaPhoto(media=f.file_id) for f in chunk]
            await bot(SendMediaGroup(chat_id=chat_id, media=media))  # type: ignore[arg-type]
    for doc in (f for f in files if f.kind is not AttachmentKind.PHOTO):
        await bot.send_document(chat_id, doc.file_id)


# --------------------------------------------------------------- card actions
async def show_result(
    query: CallbackQuery, result: ActResult, action: Action, ctx: UpdateContext, bot: Bot
) -> None:
    """The answer to a one-press action: an alert when refused; else a toast and the
    pressed message redrawn."""
    t, view = ctx.t, result.view
    if not result.ok or view is None:
        await alert(query, denial_text(t, action, result.outcome, view))
        return
    name = view.assignee.display if view.assignee is not None else ""
    await toast(query, t(f"done-{action}", number=view.id, name=name))
    if result.pressed is not None and isinstance(query.message, Message):
        await show_pressed(bot, query.message, result.pressed, ctx, action=action)


def _on(query: CallbackQuery) -> MessageRef | None:
    message = query.message
    return MessageRef(message.chat.id, message.message_id) if message is not None else None


async def act_at_once(
    query: CallbackQuery, callback_data: RequestActionCb, ctx: UpdateContext, bot: Bot
) -> None:
    action = callback_data.action
    result = await triage.act(
        ctx.session,
        ctx.notifier,
        request_id=callback_data.id,
        action=action,
        user=ctx.user,
        on=_on(query),
    )
    await show_result(query, result, action, ctx, bot)


async def assign_to(
    query: CallbackQuery, callback_data: AssignToCb, ctx: UpdateContext, bot: Bot
) -> None:
    result = await triage.act(
        ctx.session,
        ctx.notifier,
        request_id=callback_data.id,
        action=Action.ASSIGN,
        user=ctx.user,
        assignee_id=callback_data.uid,
        on=_on(query),
    )
    await show_result(query, result, Action.ASSIGN, ctx, bot)


async def show_picker(
    query: CallbackQuery, request_id: int, options: AssignOptions, t: Translator
) -> None:
    message = await allowed_on(query, t, Action.ASSIGN, options)
    if message is None:
        return
    await query.answer()
    people = [(s.id, s.full_name, s.role, s.open_tasks) for s in options.staff]
    await edit_markup(
        message, assign_picker_keyboard(t, request_id, people, has_more=options.has_more)
    )


async def assign_start(
    query: CallbackQuery, callback_data: RequestActionCb, ctx: UpdateContext
) -> None:
    options = await triage.assign_options(ctx.session, request_id=callback_data.id, user=ctx.user)
    await show_picker(query, callback_data.id, options, ctx.t)


async def assign_page(
    query: CallbackQuery, callback_data: AssignPageCb, ctx: UpdateContext
) -> None:
    options = await triage.assign_options(
        ctx.session, request_id=callback_data.id, user=ctx.user, after_id=callback_data.after
    )
    await show_picker(query, callback_data.id, options, ctx.t)


# -------------------------------------------------------- reasons (reject, hold)
async def reason_start(
    query: CallbackQuery, callback_data: RequestActionCb, state: FSMContext, ctx: UpdateContext
) -> None:
    t, action, request_id = ctx.t, callback_data.action, callback_data.id
    message = await card_if_allowed(query, ctx, request_id, action)
    if message is None:
        return
    card = {"card_chat": message.chat.id, "card_message": message.message_id}
    data = {"request_id": request_id, "action": action.value, **card}
    text = t(f"reason-ask-{action}", number=request_id, limit=REASON_MAX)
    await ask(query, state, ReasonForm.text, text, prompt_markup(t, message), data)


async def reason_given(message: Message, state: FSMContext, ctx: UpdateContext, bot: Bot) -> None:
    data = await state.get_data()
    reason = normalize(message.text)
    if not reason or len(reason) > REASON_MAX:
        await reason_not_text(message, ctx.t)
        return
    action, request_id = Action(data["action"]), int(data["request_id"])
    card = MessageRef(int(data["card_chat"]), int(data["card_message"]))
    result = await triage.act(
        ctx.session,
        ctx.notifier,
        request_id=request_id,
        action=action,
        user=ctx.user,
        reason=reason,
        on=card,
    )
    await state.clear()
    if not result.ok:
        await message.answer(denial_text(ctx.t, action, result.outcome, result.view))
        return
    await message.answer(ctx.t(f"done-{action}", number=request_id))
    if result.pressed is not None and result.pressed.card is not None:
        # A remembered copy is redrawn by the outbox; a full card is redrawn here.
        text, markup = full_card_view(ctx, result.pressed.card)
        await edit_text(bot, card.chat_id, card.message_id, text, markup)


async def reason_not_text(message: Message, t: Translator) -> None:
    await message.answer(
        t("reason-invalid", limit=REASON_MAX), reply_markup=prompt_markup(t, message)
    )


# ------------------------------------------------------------ any staff dialog
async def dialog_cancel(query: CallbackQuery, state: FSMContext, t: Translator, bot: Bot) -> None:
    await state.clear()
    await query.answer()
    await edit_pressed(query, bot, t("dialog-cancelled"), None)


def get_router() -> Router:
    private = F.chat.type == "private"
    admin = role_router("triage-admin", is_admin())
    admin.callback_query.register(assign_start, RequestActionCb.filter(F.action == Action.ASSIGN))
    admin.callback_query.register(assign_page, AssignPageCb.filter())
    admin.callback_query.register(assign_to, AssignToCb.filter())

    opens = or_f(Command("tasks"), TextKey("menu-my-tasks"))
    staff = role_router("triage-staff", is_staff())
    staff.message.register(tasks_command, opens, private)
    staff.callback_query.register(tasks_refresh, TasksCb.filter())
    staff.callback_query.register(open_card, OpenRequestCb.filter())
    staff.callback_query.register(card_back, CardKeyboardCb.filter())
    staff.callback_query.register(photos, PhotosCb.filter())
    staff.callback_query.register(act_at_once, RequestActionCb.filter(F.action.in_(AT_ONCE)))
    staff.callback_query.register(reason_start, RequestActionCb.filter(F.action.in_(WITH_REASON)))
    staff.message.register(reason_given, ReasonForm.text, F.text, FreeInput())
    staff.message.register(reason_not_text, ReasonForm.text, ~F.text)

    staff_actions = (*AT_ONCE, *WITH_REASON, Action.ASSIGN)
    buttons = or_f(RequestActionCb.filter(F.action.in_(staff_actions)), AssignToCb.filter())
    router = gated("triage", admin, staff, commands=opens, dialogs=ReasonForm, buttons=buttons)
    # Cancelling one's own dialog needs no role.
    router.callback_query.register(dialog_cancel, StaffCancelCb.filter())
    return router
