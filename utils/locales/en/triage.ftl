## Staff work: card actions, the full card, tasks, the admin panel, search.

card-acted-take = ✍ Taken by { $actor }
card-acted-assign = ✍ Assigned by { $actor }
card-acted-reject = ✍ Rejected by { $actor }
card-acted-hold = ✍ Put on hold by { $actor }
card-acted-resume = ✍ Resumed by { $actor }
card-acted-finish = ✍ Done by { $actor }
card-acted-cancel = ✍ Cancelled by { $actor }
card-acted-confirm = ✍ Confirmed by { $actor }
card-acted-reopen = ✍ Reopened by { $actor }
card-acted-auto_close = ✍ Closed automatically

notify-assigned = 👤 Request #{ $number } is assigned to you ({ $actor })
notify-reassigned = Request #{ $number } was handed to another assignee: { $assignee }
notify-reopened = ↩ Request #{ $number } is back in progress: { $actor } says it is not fixed.
notify-result = ✅ Request #{ $number } is done. Executor: { $executor }
notify-result-comment = Comment: { $text }

triage-not-found = Request not found.
triage-forbidden = This action is not available to you.
triage-bad-assignee = This person cannot be assigned: not an executor, or blocked.
triage-taken-by = Request #{ $number } was already taken by { $name }.
triage-stale = This button is out of date: request #{ $number } is now “{ $status }”.

done-take = Request #{ $number } is yours — in progress.
done-assign = Request #{ $number } assigned to { $name }
done-reject = Request #{ $number } rejected; the author got the reason.
done-hold = Request #{ $number } is on hold.
done-resume = Request #{ $number } is in progress again.
done-finish = Request #{ $number } is done.

reason-ask-reject = Write the reason for rejecting request #{ $number } (up to { $limit } characters). The author will see it.
reason-ask-hold = Why is request #{ $number } on hold? (up to { $limit } characters)
reason-invalid = The reason must be text, 1 to { $limit } characters. Write it again or tap “Cancel”.
reason-empty = A reason is required.

finish-prompt =
    <b>Finishing request #{ $number }</b>
    Send “after” photos and, if you like, a comment for the author — then tap “Finish”.
    📷 Photos: { $photos } · 💬 Comment: { $comment }
finish-comment-yes = yes
finish-comment-no = no
finish-submit = ✅ Finish
finish-too-many = No more than { $limit } photos.
finish-comment-too-long = The comment is too long: up to { $limit } characters.
finish-only-photos = Send “after” photos or a comment here.
finish-done = ✅ Request #{ $number } is done. “After” photos: { $photos }. The author has been told.

dialog-cancelled = Cancelled.

card-history-title = <b>History</b>
card-history-empty = no changes yet
history-line = • { $at } — { $status } · { $actor }
history-reason = — “{ $reason }”
card-comments-title = <b>Comments</b>
card-comments-hidden = … earlier comments hidden: { $count }
comment-public = 💬 { $at } { $author }: { $text }
comment-internal = 🔒 <i>internal</i> { $at } { $author }: { $text }
comment-result = ✅ <i>report</i> { $at } { $author }: { $text }
comment-deleted = 🗑 { $at } { $author }: <i>deleted by an admin</i>
comment-files = 📎 { $count }

card-btn-photos = 📷 Photos ({ $count })
card-btn-comment = 💬 Comment to the author
card-btn-note = 🔒 Internal note
card-btn-delete-comment = 🗑 Delete a comment
card-no-photos = This request has no photos.

comment-ask = Write a comment on request #{ $number } (a photo is fine). The author will see it.
note-ask = Write an internal note on request #{ $number }. Only staff will see it.
comment-saved = Comment on request #{ $number } sent.
note-saved = Internal note on request #{ $number } saved.
comment-empty = Send text (or a photo with a caption) — or tap “Cancel”.
comment-too-long = Too long: up to { $limit } characters.
comment-closed = Request #{ $number } is closed; no more comments.
comment-none = Nothing to delete.
comment-deleted-done = Comment deleted.

tasks-title = <b>🛠 My tasks</b> ({ $count })
tasks-empty = You have no assigned tasks. 🎉
tasks-group-in_progress = <b>🔧 In progress</b> ({ $count })
tasks-group-on_hold = <b>⏸ On hold</b> ({ $count })
tasks-group-done = <b>✅ Awaiting the author's confirmation</b> ({ $count })
tasks-refresh = 🔄 Refresh

list-line = { $marks } <b>#{ $number }</b> · { $category } · { $location } — { $description } · 🛠 { $assignee }

panel-title = <b>⚙️ Admin panel</b>
    Choose a queue:
panel-search = 🔎 Search
panel-users = 👥 Users
panel-categories = 📂 Categories
panel-refresh = 🔄 Refresh
panel-refreshed = Refreshed

queue-new = 🆕 New ({ $count })
queue-work = 🔧 In progress ({ $count })
queue-hold = ⏸ On hold ({ $count })
queue-done = ✅ Awaiting confirmation ({ $count })
queue-late = ⚠ Overdue ({ $count })
queue-all = 📋 All ({ $count })
queue-name-new = 🆕 New
queue-name-work = 🔧 In progress
queue-name-hold = ⏸ On hold
queue-name-done = ✅ Awaiting confirmation
queue-name-late = ⚠ Overdue
queue-name-all = 📋 All requests
queue-title = <b>{ $queue }</b> · { $count }
queue-empty = Nothing here.
# A queue counted only up to { $count } (a thousand): "1000+".
queue-count-capped = { $count }+

filter-category = 📂 Category
filter-priority = ❗ Priority
filter-assignee = 🛠 Assignee
filter-any = Any
filter-nobody = Not assigned
filter-reset = ✖ Reset filters
filter-shown-category = 📂 { $name }
filter-shown-priority = { $priority }
filter-shown-assignee = 🛠 { $name }
filter-shown-nobody = 🛠 not assigned

page-next = Next ▶
page-first = ⏮ First page

search-ask = Send a request number (for example #12) or words from the description or the place.
search-title = 🔎 Found for “{ $query }”:
search-nothing = Nothing found for “{ $query }”.
search-again = 🔎 New search
search-too-long = The query is too long: up to { $limit } characters.

card-history-hidden = … earlier history lines hidden: { $count }
