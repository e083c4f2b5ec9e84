## Planned maintenance: recurring rounds with checklists.

cmd-planned = Planned maintenance

planned-weekday-0 = Mon
planned-weekday-1 = Tue
planned-weekday-2 = Wed
planned-weekday-3 = Thu
planned-weekday-4 = Fri
planned-weekday-5 = Sat
planned-weekday-6 = Sun

planned-nth-1 = first
planned-nth-2 = second
planned-nth-3 = third
planned-nth-4 = fourth
planned-nth--1 = last

planned-rule-daily = { $n ->
    [1] every day
   *[other] every { $n } days
}
planned-rule-weekly = { $n ->
    [1] every week
   *[other] every { $n } weeks
}: { $days }
planned-rule-nth-weekday = { $n ->
    [1] every month
   *[other] every { $n } months
}: the { $nth } { $day }
planned-rule-month-day = { $n ->
    [1] every month
   *[other] every { $n } months
}: { $day ->
    [-1] the last day
   *[other] day { $day }
}
planned-rule = 🔁 { $rule }, at { $time }, from { $start }
planned-rule-pauses = 🏖 Breaks: { $periods }

planned-status-active = active
planned-status-paused = paused
planned-status-deleted = deleted

planned-list-title = <b>🗓 Planned maintenance</b>
planned-list-empty = No planned maintenance yet. Create the first one — say, the monthly fire extinguisher check.
planned-list-line = { $mark } #{ $number } { $title } — next: { $next }
planned-list-more = More ▶
planned-list-new = ➕ New planned job

planned-card-title = { $mark } <b>Planned job #{ $number }: { $title }</b>
planned-card-status = State: { $status }
planned-card-places = 📍 Places: { $places }
planned-card-items = ☑ Checklist items: { $count }
planned-card-assignee = 🛠 Assignee: { $assignee }
planned-card-priority = Priority: { $priority }
planned-card-next = ⏭ Next: { $next }
planned-card-then = Then: { $dates }
planned-admins-queue = the admins' queue

planned-pause = ⏸ Pause
planned-resume = ▶ Resume
planned-delete = 🗑 Delete
planned-back-to-list = ◀ To the list
planned-delete-ask = Delete planned job #{ $number } “{ $title }”? The requests it created and their history stay.
planned-delete-yes = 🗑 Yes, delete
planned-delete-no = No
planned-deleted = Planned job #{ $number } deleted.

planned-nav-back = ◀ Back
planned-nav-cancel = ✖ Cancel
planned-cancelled = The new planned job was cancelled.
planned-use-text = Answer with text or a button under the message.
planned-use-buttons = At this step, choose with a button.

planned-ask-title = <b>New planned job</b>
    What is it called? For example: “Fire extinguisher check”. Up to { $limit } characters.
planned-ask-category = Category:
planned-ask-places = Where is it done? One place per line (up to { $max } places, { $limit } characters each). Each place gets its own request.
planned-ask-checklist = Checklist: one item per line (up to { $max } items, { $limit } characters each).
planned-ask-assignee = Who does it?
planned-ask-priority = Priority of the requests:
planned-ask-kind = How often?
planned-kind-daily = Every N days
planned-kind-weekly = On weekdays (every N weeks)
planned-kind-month_day = On a day of the month (every N months)
planned-kind-nth_weekday = On the n-th weekday of the month
planned-ask-weekdays = Tick the weekdays and press “Done”.
planned-weekdays-done = Done ✔
planned-ask-nth = Which one?
planned-ask-weekday = Which weekday?
planned-ask-month-day = Which day of the month? 1 to 28, or “last” (-1).
planned-ask-interval-days = Every how many days? Press a button or type a number.
planned-ask-interval-weeks = Every how many weeks? Press a button or type a number.
planned-ask-interval-months = Every how many months? Press a button or type a number.
planned-interval-button = { $n }
planned-ask-start = From which date? DD.MM.YYYY, or “Today”.
planned-start-today = Today
planned-ask-time = At what time is the request created? HH:MM (local time).
planned-ask-pauses = Breaks (school holidays, say): one per line, “DD.MM.YYYY-DD.MM.YYYY”, up to { $max }. Or “No breaks”.
planned-no-pauses = No breaks
planned-summary-title = <b>Check: { $title }</b>
planned-summary-next = Next: { $dates }
planned-save = ✅ Save

planned-bad-title = The title is 1 to { $limit } characters.
planned-bad-places = 1 to { $max } places, one per line, each at most 100 characters.
planned-bad-checklist = At least one item: one per line, at most 30 items of 200 characters.
planned-bad-month-day = A day from 1 to 28, or “last”.
planned-bad-number = A whole number from 1 to 366.
planned-bad-date = A date like DD.MM.YYYY, e.g. 01.09.2026.
planned-bad-time = A time like HH:MM, e.g. 08:30.
planned-bad-pauses = Each break is “DD.MM.YYYY-DD.MM.YYYY” on its own line, ending no earlier than it starts.

planned-created = ✅ Planned job #{ $number } saved. First request: { $next }.
planned-outcome-not_found = No such planned job (or it was deleted).
planned-outcome-forbidden = Planned maintenance is managed by admins.
planned-outcome-unchanged = Already done.
planned-outcome-bad_category = That category is hidden. Start again.
planned-outcome-bad_assignee = That person cannot be given work. Start again.
planned-outcome-no_occurrence = This schedule never comes round again. Check the dates.
planned-outcome-done = Done.

planned-notify-assigned = 🗓 <b>Planned job — request #{ $number }</b>
planned-notify-queue = 🗓 <b>Planned job — request #{ $number }</b> waits for an assignee.
planned-notify-followup = 🔧 <b>Request #{ $number } from a planned check</b>
planned-followup-description = From planned job #{ $number } “{ $title }”: item “{ $item }” failed. { $note }

planned-digest-heading = <b>🗓 Planned work today</b>
planned-digest-created = • #{ $number } { $title } — { $place }
planned-digest-upcoming = • { $title } — at { $at }

checklist-title = { $mark } <b>#{ $number } { $title }</b> — { $place }
checklist-progress = Checklist: { $done } of { $total }
checklist-line = { $mark } { $n }. { $text }
checklist-note = — { $note }
checklist-followup = (request #{ $number })
checklist-hint = Press an item to tick it; ✖ — not done, with a reason. “Done” needs every item ticked or a reason.
checklist-open = ☑ Checklist
checklist-refresh = 🔄 Refresh
checklist-followup-button = 🔧 Repair request
checklist-not-found = This checklist is not available.
checklist-forbidden = Items are ticked by the assignee while the request is in progress.
checklist-stale = Somebody changed this item a moment ago — here it is as it is now.
checklist-ask-note = What is wrong with “{ $text }”? Briefly, up to { $limit } characters.
checklist-note-empty = Write the reason as text (up to 500 characters).
checklist-note-saved = The item is marked as not done.
checklist-followup-created = Repair request #{ $number } filed.
checklist-followup-exists = There is a repair request already: #{ $number }.

planned-finish-checklist-open = The checklist first: tick every item or give a reason (✖).

stats-planned = 🗓 Planned of those in 30 days: { $d30 } (reported: { $reported }); planned open: { $open }
export-col-kind = Kind
export-kind-planned = Planned
export-kind-reported = Reported
