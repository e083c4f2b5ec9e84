## The requester's side: the new request dialog, "My requests", comments, rating.

# --- the dialog
draft-step-category =
    <b>New request · step 1/5</b>
    What is broken? Choose a category.
draft-step-location =
    <b>Step 2/5 · Place</b>
    Where is it? Write the room, floor or building, e.g. “Room 214, 2nd floor”.
draft-step-location-recent = Or tap one of your recent places below.
draft-step-description =
    <b>Step 3/5 · What happened</b>
    Describe the problem in a few words ({ $min }–{ $max } characters). You can send a photo with a caption instead.
draft-step-photos =
    <b>Step 4/5 · Photos</b>
    Send up to { $max } photos, images or PDF files — one by one or as an album. This step is optional.
draft-step-photos-count = Attached: { $count } of { $max }.
draft-step-priority =
    <b>Step 5/5 · How urgent is it?</b>
    🔴 <b>Urgent</b> — danger or the lesson cannot go on: flooding, sparking, no heating in frost.
    🟠 <b>High</b> — seriously gets in the way; needed today.
    🟡 <b>Normal</b> — broken, but can wait a few days.
    🟢 <b>Low</b> — a minor thing, when there is time.
draft-current = Now: { $value }
draft-in-progress = You are already filling in a request — here is where you stopped. /cancel drops it.

draft-summary-title = <b>Check your request</b>
draft-summary-category = 📂 Category: { $category }
draft-summary-location = 📍 Place: { $location }
draft-summary-description = 📝 { $description }
draft-summary-photos = 📷 Files: { $count }
draft-summary-no-photos = 📷 No photos
draft-summary-priority = Priority: { $priority }
draft-summary-due = ⏳ Should be handled within { $hours } h.
draft-edit-choose = Which field do you want to change?

btn-draft-submit = ✅ Submit
btn-draft-edit = ✏️ Edit a field
btn-draft-done = ✅ Done
btn-draft-skip = Skip ➡
btn-draft-clear = 🗑 Remove the files
btn-field-category = 📂 Category
btn-field-location = 📍 Place
btn-field-description = 📝 Description
btn-field-photos = 📷 Photos
btn-field-priority = ⚡ Priority
btn-priority-urgent = 🔴 Urgent
btn-priority-high = 🟠 High
btn-priority-normal = 🟡 Normal
btn-priority-low = 🟢 Low

draft-photo-added = 📎 File { $count } of { $max } attached. Send more or tap “Done”.
draft-album-added = 📎 Album received. Send more or tap “Done”.
draft-photos-cleared = The files are removed.
draft-cancelled = The request is cancelled, nothing was sent. You are in the main menu.
draft-created = ✅ <b>Request #{ $number } registered.</b> The caretaker has been told; you will get a message at every change.
draft-created-toast = ✅ Request #{ $number } registered.
draft-already = Request #{ $number } is already registered.
draft-limit = You have filed { $limit ->
        [one] { $limit } request
       *[other] { $limit } requests
    } in the last { $minutes } min. Please try again in { $wait } min — your request is kept, just tap “Submit” then.
draft-category-gone = This category is no longer available. Please choose another one.
draft-old-button = This button is from an old message. Here is the current step.
draft-gone = This request form is closed. Start a new one with /new.

# --- hints: wrong input at a step
req-hint-location-not-text = Please write the place as text, e.g. “Room 214”.
req-hint-location-too_short = The place is too short — at least { $min } { $min ->
        [one] character
       *[other] characters
    }, e.g. “214”.
req-hint-location-too_long = The place is too long — at most { $max } { $max ->
        [one] character
       *[other] characters
    }. Just the room and floor, please.
req-hint-location-empty = Please write the place as text, e.g. “Room 214”.
req-hint-description-not-text = Please describe the problem in words, or send a photo with a caption.
req-hint-description-too_short = Too short — describe the problem in at least { $min } { $min ->
        [one] character
       *[other] characters
    }.
req-hint-description-too_long = Too long — at most { $max } { $max ->
        [one] character
       *[other] characters
    } ({ $length } now). Please shorten it.
req-hint-description-empty = Please describe the problem in words, or send a photo with a caption.
req-hint-description-file-saved = 📎 The file is attached. Now describe the problem in words ({ $min }–{ $max } characters).
req-hint-file-unsupported = This file type is not accepted. Send a photo, an image or a PDF.
req-hint-file-too_big = The file is larger than 20 MB — the bot cannot download it. Send a smaller file or a photo.
req-hint-photos-limit = At most { $max } files per request. This one was not attached.
req-hint-photos-not-file = Send a photo, an image or a PDF, or tap “Done” / “Skip”.
req-hint-use-buttons = Please choose with the buttons below.

# --- my requests
my-title = <b>My requests</b> ({ $total })
my-empty = You have no requests yet. Tap “📝 New request” to report a breakdown.
my-line = { $mark } <b>#{ $number }</b> · { $category } · { $location } · { $age }
my-page = page { $page }/{ $pages }
my-age-minutes = { $n } min
my-age-hours = { $n } h
my-age-days = { $n } d
my-not-found = Request not found.

my-card-history-title = <b>History</b>
my-card-history-line = { $at } — { $status }{ $actor }
my-card-history-actor = , { $name }
my-card-history-reason = ({ $reason })
my-card-comments-title = <b>Comments</b>
my-card-comment-line = { $at } <b>{ $author }</b>: { $text }
my-card-you = you
my-card-truncated = …

my-btn-show-photos = 📷 Show photos ({ $count })
my-btn-comment = 💬 Comment
my-btn-rate = ⭐ Rate the repair
my-btn-back-to-list = ◀ My requests
my-btn-cancel-yes = ✖ Yes, cancel it
my-btn-cancel-no = ◀ No, keep it
my-btn-skip = Skip ➡

my-photos-caption = Request #{ $number }
my-photos-none = This request has no photos.

my-cancel-confirm = Cancel request #{ $number }? Staff will see that it is no longer needed.
my-cancel-done = Request #{ $number } is cancelled.
my-action-denied-not_found = Request not found.
my-action-denied-forbidden = You cannot do this with this request.
my-action-denied-wrong_status = The request has already changed: { $status }. The card is updated.
my-action-denied-conflict = Someone changed the request a moment ago: { $status }. The card is updated.
my-action-denied-reason_required = Please give a reason.

my-comment-prompt = Write your comment to request #{ $number }. You can attach a photo.
my-comment-sent = 💬 The comment is sent to request #{ $number }.
my-comment-closed = Request #{ $number } is closed; comments are no longer accepted.
req-hint-comment-too_long = The comment is too long — at most { $max } { $max ->
        [one] character
       *[other] characters
    }.
req-hint-comment-empty = Send text or a photo, or tap “Back”.

my-confirm-done = ✅ Thank you! Request #{ $number } is closed.
my-rate-prompt = How was the repair of request #{ $number }? Rate it from 1 to 5.
my-rate-thanks = Thank you for the rating { $stars }!
my-rate-comment-prompt = Would you like to add a comment to the rating? Write it, or tap “Skip”.
my-rate-comment-thanks = Thank you, your comment is saved.
my-rate-not-allowed = This request cannot be rated (it is not closed, or it is already rated).

my-reopen-prompt = What is still wrong with request #{ $number }? Write briefly — it goes back to the executor.
my-reopen-done = ↩ Request #{ $number } is back in progress. The executor has been told.
req-hint-reason-too_short = Too short — please describe what is wrong (at least { $min } { $min ->
        [one] character
       *[other] characters
    }).
req-hint-reason-too_long = Too long — at most { $max } { $max ->
        [one] character
       *[other] characters
    }.
req-hint-reason-empty = Please write what is wrong, in words.

draft-staff-files = 📷 Request #{ $number }
my-reopen-done-toast = ↩ Request #{ $number } is back in progress.
