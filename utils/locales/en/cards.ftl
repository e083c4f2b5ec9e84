## Request card, statuses, priorities.

status-new = New
status-in_progress = In progress
status-on_hold = On hold
status-done = Done
status-closed = Closed
status-rejected = Rejected
status-cancelled = Cancelled

priority-low = Low
priority-normal = Normal
priority-high = High
priority-urgent = Urgent

card-title = { $urgent }<b>Request #{ $number }</b>{ $overdue }
card-category = 📂 Category: { $category }
card-location = 📍 Place: { $location }
card-description = 📝 { $description }
card-priority = Priority: { $priority }
card-status = Status: { $status }
card-author = 👤 Author: { $author }
card-assignee = 🛠 Assignee: { $assignee }
card-nobody = not assigned
card-created = 🕒 Created: { $created }
card-due = ⏳ Due: { $due }
card-due-overdue = ⚠ Overdue since: { $due }
card-photos = 📷 Photos: { $count }
card-rating = Rating: { $stars }

notify-status-changed =
    Request #{ $number }: { $status }
    Changed by: { $actor }
notify-status-changed-system =
    Request #{ $number }: { $status }
notify-reason = Reason: { $reason }
actor-system = the system

action-take = ✋ Take
action-assign = 👤 Assign…
action-reject = ⛔ Reject
action-cancel = ✖ Cancel request
action-hold = ⏸ Put on hold
action-resume = ▶ Resume
action-finish = ✅ Done
action-confirm = ✅ Fixed
action-reopen = ↩ Not fixed
action-auto_close = Close automatically
action-open = 🔎 Open

notify-comment =
    💬 Comment on request #{ $number } from { $author }:
    { $text }
notify-internal-note =
    🔒 Internal note on request #{ $number } from { $author }:
    { $text }
notify-author-changed =
    Request #{ $number }: { $status }
    Changed by the author: { $author }
