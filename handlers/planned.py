"""Planned maintenance in the chat, the admins' side: `/planned` (the job list, the
creation wizard, pause, resume, delete). The checklist of a planned request is
handlers/checklist.py.

The wizard's state is one typed model (bot/planned_wizard.py), loaded once and saved once
per update. Every press is checked again on the server (the service asks
models/planned.py); a stale or forged button gets an alert and changes nothing.
"""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.context import UpdateContext
from bot.filters import FreeInput, is_admin, role_router
from bot.planned_wizard import (
    PlannedForm,
    Step,
    Wizard,
    apply_pick,
    expects,
    load,
    save,
    step_view,
    text_answer,
)
from bot.services import planned as service
from bot.services.planned import JobLine, JobOutcome, JobResult
from bot.settings import Settings
from bot.staff_ui import alert, edit_text, toast
from models import utcnow
from models.planned import PLACES_MAX, TITLE_MAX
from utils.callbacks_planned import (
    JobAction,
    PlannedJobCb,
    PlannedListCb,
    PlannedNavCb,
    PlannedPickCb,
    WizardNav,
)
from utils.i18n import Translator
from utils.keyboards.planned import (
    delete_confirm_keyboard,
    job_keyboard,
    jobs_keyboard,
    nav_keyboard,
)
from utils.planned_cards import job_card, jobs_text


async def _show(
    event: Message | CallbackQuery, bot: Bot, text: str, markup: InlineKeyboardMarkup | None
) -> None:
    """A button press edits its message in place; a typed answer gets a new message."""
    if isinstance(event, CallbackQuery):
        if isinstance(event.message, Message):
            await edit_text(bot, event.message.chat.id, event.message.message_id, text, markup)
        return
    await event.answer(text, reply_markup=markup)


async def _render(
    event: Message | CallbackQuery,
    bot: Bot,
    ctx: UpdateContext,
    wizard: Wizard,
    state: FSMContext,
) -> None:
    await save(state, wizard)
    text, markup = await step_view(ctx.t, wizard, ctx.session, ctx.settings)
    await _show(event, bot, text, markup)


async def planned_command(message: Message, state: FSMContext, ctx: UpdateContext) -> None:
    await state.clear()
    text, markup = await _list_view(ctx, after=0)
    await message.answer(text, reply_markup=markup)


async def _list_view(ctx: UpdateContext, *, after: int) -> tuple[str, InlineKeyboardMarkup]:
    page = await service.list_jobs(ctx.session, user=ctx.user, after_id=after)
    items = page.items if page is not None else []
    next_after = items[-1].id if page is not None and page.has_more and items else None
    return jobs_text(ctx.t, items, ctx.settings.tz), jobs_keyboard(
        ctx.t, [(j.id, j.title, j.status) for j in items], next_after=next_after
    )


async def _show_list(query: CallbackQuery, bot: Bot, ctx: UpdateContext, *, after: int) -> None:
    text, markup = await _list_view(ctx, after=after)
    await _show(query, bot, text, markup)


async def list_page(
    query: CallbackQuery,
    callback_data: PlannedListCb,
    state: FSMContext,
    ctx: UpdateContext,
    bot: Bot,
) -> None:
    await query.answer()
    if callback_data.new:
        await state.clear()
        await state.set_state(PlannedForm.wizard)
        await _render(query, bot, ctx, Wizard(), state)
        return
    await _show_list(query, bot, ctx, after=callback_data.after)


async def wizard_text(message: Message, state: FSMContext, ctx: UpdateContext, bot: Bot) -> None:
    wizard = await load(state)
    if wizard is None:
        await state.clear()
        return
    error = text_answer(wizard, message.text or "", ctx.settings)
    if error is not None:
        await message.answer(
            ctx.t(error, limit=TITLE_MAX, max=PLACES_MAX),
            reply_markup=nav_keyboard(ctx.t, back=bool(wizard.history)),
        )
        return
    await _render(message, bot, ctx, wizard, state)


async def wizard_other(message: Message, t: Translator) -> None:
    await message.answer(t("planned-use-text"), reply_markup=nav_keyboard(t))


async def wizard_pick(
    query: CallbackQuery,
    callback_data: PlannedPickCb,
    state: FSMContext,
    ctx: UpdateContext,
    bot: Bot,
) -> None:
    wizard = await load(state)
    if wizard is None or not expects(wizard, callback_data.field):
        await alert(query, ctx.t("button-outdated"))
        return
    await query.answer()
    if apply_pick(wizard, callback_data.field, callback_data.value, callback_data.id):
        await _render(query, bot, ctx, wizard, state)


def _step_moved(wizard: Wizard, action: WizardNav, settings: Settings) -> bool:
    """Apply BACK, DONE, TODAY or SKIP where the current step takes it; False: stale."""
    if action is WizardNav.BACK:
        return wizard.back()
    if action is WizardNav.DONE and wizard.step is Step.WEEKDAYS and wizard.weekdays:
        wizard.go(Step.INTERVAL)
    elif action is WizardNav.TODAY and wizard.step is Step.START:
        wizard.start = utcnow().astimezone(settings.tz).date()
        wizard.go(Step.TIME)
    elif action is WizardNav.SKIP and wizard.step is Step.PAUSES:
        wizard.pauses = []
        wizard.go(Step.SUMMARY)
    else:
        return False
    return True


async def wizard_nav(
    query: CallbackQuery,
    callback_data: PlannedNavCb,
    state: FSMContext,
    ctx: UpdateContext,
    bot: Bot,
) -> None:
    wizard = await load(state)
    action = callback_data.action
    if wizard is None:
        await alert(query, ctx.t("button-outdated"))
    elif action is WizardNav.CANCEL:
        await state.clear()
        await query.answer()
        await _show(query, bot, ctx.t("planned-cancelled"), None)
    elif action is WizardNav.SAVE and wizard.step is Step.SUMMARY:
        await _save_job(query, wizard, state, ctx, bot)
    elif not _step_moved(wizard, action, ctx.settings):
        await alert(query, ctx.t("button-outdated"))
    else:
        await query.answer()
        await _render(query, bot, ctx, wizard, state)


async def _save_job(
    query: CallbackQuery, wizard: Wizard, state: FSMContext, ctx: UpdateContext, bot: Bot
) -> None:
    t, tz = ctx.t, ctx.settings.tz
    schedule = wizard.schedule()
    if schedule is None or wizard.category_id is None:
        await alert(query, t("planned-outcome-no_occurrence"))
        return
    result = await service.create_job(
        ctx.session,
        user=ctx.user,
        draft=service.JobDraft(
            title=wizard.title,
            category_id=wizard.category_id,
            places=wizard.places,
            checklist=wizard.checklist,
            assignee_id=wizard.assignee_id,
            priority=wizard.priority,
            schedule=schedule,
        ),
        tz=tz,
    )
    if not result.ok or result.job is None:
        await alert(query, t(f"planned-outcome-{result.outcome}"))
        return
    await state.clear()
    await query.answer()
    job = result.job
    await _show(
        query,
        bot,
        t("planned-created", number=job.id, next=t.datetime(job.next_run_at, tz)),
        job_keyboard(t, job.id, job.status),
    )


# ---------------------------------------------------------------------- the jobs
async def _change_job(ctx: UpdateContext, action: JobAction, job_id: int) -> JobResult | None:
    """PAUSE, RESUME, DELETE_CONFIRM: the service's result; other actions change nothing."""
    session, user = ctx.session, ctx.user
    if action is JobAction.PAUSE:
        return await service.pause_job(session, user=user, job_id=job_id)
    if action is JobAction.RESUME:
        return await service.resume_job(session, user=user, job_id=job_id, tz=ctx.settings.tz)
    if action is JobAction.DELETE_CONFIRM:
        return await service.delete_job(session, user=user, job_id=job_id)
    return None


async def job_action(
    query: CallbackQuery, callback_data: PlannedJobCb, ctx: UpdateContext, bot: Bot
) -> None:
    t, action, job_id = ctx.t, callback_data.action, callback_data.id
    if action is JobAction.LIST:
        await query.answer()
        await _show_list(query, bot, ctx, after=0)
        return
    result = await _change_job(ctx, action, job_id)
    if result is not None and not result.ok:
        await alert(query, t(f"planned-outcome-{result.outcome}"))
        return
    if action is JobAction.DELETE_CONFIRM:
        await toast(query, t("planned-deleted", number=job_id))
        await _show_list(query, bot, ctx, after=0)
        return
    job = await service.get_job(ctx.session, user=ctx.user, job_id=job_id)
    if job is None:
        await alert(query, t("planned-outcome-not_found"))
        return
    await query.answer()
    if action is JobAction.DELETE:
        await _show(
            query,
            bot,
            t("planned-delete-ask", number=job.id, title=job.title),
            delete_confirm_keyboard(t, job.id),
        )
        return
    await _show_job(query, bot, ctx, job)


async def _show_job(query: CallbackQuery, bot: Bot, ctx: UpdateContext, job: JobLine) -> None:
    tz = ctx.settings.tz
    schedule = await service.job_schedule(ctx.session, user=ctx.user, job_id=job.id)
    upcoming = schedule.upcoming(utcnow(), tz, 3) if schedule else []
    if job.next_run_at is not None and upcoming:
        upcoming[0] = job.next_run_at
    await _show(
        query,
        bot,
        job_card(ctx.t, job, schedule, tz, upcoming),
        job_keyboard(ctx.t, job.id, job.status),
    )


def get_router() -> Router:
    router = Router(name="planned")
    admins = role_router("planned-admins", is_admin())
    admins.message.register(planned_command, Command("planned"), F.chat.type == "private")
    admins.message.register(wizard_text, PlannedForm.wizard, F.text, FreeInput())
    admins.message.register(wizard_other, PlannedForm.wizard, ~F.text)
    admins.callback_query.register(list_page, PlannedListCb.filter())
    admins.callback_query.register(wizard_pick, PlannedPickCb.filter())
    admins.callback_query.register(wizard_nav, PlannedNavCb.filter())
    admins.callback_query.register(job_action, PlannedJobCb.filter())
    router.include_router(admins)
    return router


__all__ = ["JobOutcome", "PlannedForm", "Step", "Wizard", "get_router"]
