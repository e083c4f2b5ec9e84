## Reports: /stats, /export, the daily digest, deadline reminders, auto-close.

duration-minutes = { $value } min
duration-hours = { $value } h
duration-days = { $value } d

stats-title = 📊 <b>Statistics</b> as of { $date }
stats-section-status = <b>By status</b>
stats-count-line = { $name }: { $count }
stats-total = Total: { $count }
stats-section-flow = <b>Flow</b>
stats-created = 📥 Created: { $d7 } in 7 days · { $d30 } in 30 days
stats-done = ✅ Done: { $d7 } in 7 days · { $d30 } in 30 days
stats-overdue = ⚠ Overdue now: { $count }
stats-rating = ⭐ Average rating: { $avg } ({ $count } ratings)
stats-rating-none = ⭐ No ratings yet
stats-feedback-line = 💬 { $stars } #{ $number }: “{ $text }”
stats-section-times = <b>Speed</b> (last 30 days; median · 90% of requests)
stats-first-response = To first response: { $median } · { $p90 } ({ $count } requests)
stats-to-done = To done: { $median } · { $p90 } ({ $count } requests)
stats-section-category = <b>Open by category</b>
stats-section-location = <b>Open by place</b>
stats-section-executors = <b>Executors</b> (open / done / overdue)
stats-executor-line = { $name }: { $open } / { $done } / { $overdue }
stats-nothing = —
stats-chart-caption = 📈 Created and done per week; open requests by category.

chart-weekly-title = Requests per week (12 weeks)
chart-created = Created
chart-done = Done
chart-backlog-title = Open by category
chart-backlog-empty = No open requests

export-choose-period = 📤 <b>Excel export</b>
    Which period?
export-period-month = This month
export-period-prev = Last month
export-period-90d = Last 90 days
export-period-all = All time
export-choose-status = 📤 <b>Excel export</b> · { $period }
    Which requests?
export-status-any = Any status
export-preparing = ⏳ Building the file: { $period } · { $status }…
export-caption = 📤 Requests: { $count } · { $period } · { $status }
export-empty = No requests with this status in this period.
export-cancelled = Export cancelled.
export-sheet-requests = Requests
export-sheet-summary = Summary
export-summary-category = Category
export-summary-total = Total
export-col-number = No.
export-col-created = Created
export-col-author = Author
export-col-phone = Author's phone
export-col-category = Category
export-col-location = Place
export-col-description = Description
export-col-priority = Priority
export-col-status = Status
export-col-assignee = Assignee
export-col-due = Due
export-col-first-response = First response
export-col-done = Done
export-col-closed = Closed
export-col-hours-to-done = Hours to done
export-col-overdue = Overdue
export-col-rating = Rating
export-col-photos = Photos
export-col-comments = Comments

digest-title = ☀ <b>Digest for { $date }</b>
digest-new = 🆕 New since yesterday: { $count } (awaiting triage: { $queue })
digest-overdue = ⚠ Overdue: { $count }
digest-in-progress = 🔧 In progress: { $count }
digest-done = ✅ Done, awaiting confirmation: { $count }
digest-btn-new = 🆕 New · { $count }
digest-btn-overdue = ⚠ Overdue · { $count }
digest-btn-in_progress = 🔧 In progress · { $count }
digest-btn-done = ✅ Done · { $count }


reminder-overdue = ⚠ <b>Request #{ $number } is past its deadline</b> ({ $due }). Please take care of it.
reminder-overdue-unassigned = ⚠ <b>Request #{ $number } is past its deadline</b> ({ $due }) and nobody is assigned.
reminder-escalated = ⚠⚠ <b>Request #{ $number } has been overdue for more than a day</b> (due: { $due }).
auto-close-reason = closed automatically: no answer from the author for { $days ->
        [one] { $days } day
       *[other] { $days } days
    }
