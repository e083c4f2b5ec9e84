# /places: the catalogue of rooms, deep links and QR codes
places-title = <b>📍 Places</b> · { $count } in all
    Each place has a link and a QR code for its door: whoever opens it files a request for that place straight away.
places-empty = The catalogue has no places yet. Add them one by one or send a spreadsheet.
places-building-title = <b>🏢 { $building }</b> · { $count } places
places-no-building = No building
places-add = ➕ Add
places-import = 📥 From a spreadsheet
places-qr-all = 🖨 QR codes of every place
places-qr-these = 🖨 QR codes of these places
places-qr-one = 🖨 QR code
places-history = 📋 Requests
places-rename = ✏️ Edit
places-attach = 📎 Attach text
places-hide = 🙈 Hide
places-show = 👁 Show again
places-card =
    <b>📍 { $name }</b>
    Building: { $building } · Floor: { $floor }
    State: { $state }
    Open requests: { $open }
    Link: { $link }
places-visible = offered in requests
places-hidden = hidden (history kept)
places-ask =
    Send the place in one line: <code>Building / Room / Floor</code>
    Building and floor may be left out: <code>room 214</code>. The name is up to { $limit } characters.
places-ask-rename = Now: <b>{ $label }</b>. Send the new one: <code>Building / Room / Floor</code>
places-problem-empty = A room name is needed, for example <code>room 214</code>.
places-problem-too_long = Too long: the name up to { $limit } characters, the building up to 64, the floor up to 16.
places-problem-duplicate = This building already has such a place.
places-problem-not_found = This place is gone.
places-saved = ✅ Saved.
places-hidden-done = The place is hidden
places-shown-done = The place is offered again
places-ask-import =
    Send a spreadsheet as an <b>.xlsx</b> or <b>.csv</b> file: one row per room.
    Columns: <code>Room</code>, <code>Building</code>, <code>Floor</code> (headers in English or Russian; without headers, in this order).
places-import-not-file = An .xlsx or .csv file is needed: send it as a document.
places-import-unsupported = This format will not do: .xlsx or .csv is needed.
places-import-unreadable = The file cannot be read; it may be damaged. Save it again and resend it.
places-import-too_big = The file is too large: up to 2000 rows and 2 MB.
places-import-empty = The file has no row with a room.
places-import-report = <b>📥 Places import</b>: { $added } added, { $skipped } skipped, { $rejected } rejected.
places-import-row-skipped = row { $line }: “{ $label }” — already there
places-import-row-rejected = row { $line }: “{ $label }” — { $problem }
places-import-more = …and { $count } more
places-ask-attach =
    Send the place's text as people wrote it in requests (for example <code>assembly</code>): every such request will belong to “{ $label }”.
    Most often written: { $examples }
places-attached = 📎 Requests attached: { $count }.
places-history-title = <b>📋 { $label }</b>
places-history-open = <b>Open</b>
places-history-recent = <b>Latest</b>
places-history-none = — none
places-history-line = #{ $number } · { $mark } { $category } · { $description }
places-qr-caption = 🖨 QR codes to print: { $count }. Print on A4 and stick them on the doors.
places-qr-label = Scan it and describe what is broken
places-qr-none = There are no places to print here.
places-not-found = This place is gone.

# the new-request dialog: catalogue places and "me too"
draft-place-suggest =
    <b>Step 2/5 · Place</b>
    You wrote “{ $text }”. Is it one of these places?
draft-place-keep = ✏️ Keep “{ $text }”
draft-place-from-link = 📍 Place: <b>{ $place }</b> (from the link on the door)
draft-place-link-unknown = This link leads to no place of the school. Fill in the request as usual.
draft-place-link-hidden = This place is no longer on the school's list. Fill in the request as usual.
draft-me-too-title = <b>📍 { $place }</b>: open requests are already here.
draft-me-too-line = #{ $number } · { $status } · { $category }
    { $description } · 👥 { $followers }
draft-me-too-ask = If it is the same fault, press “👍 Me too” and you will get every update on it. No new request is needed.
draft-me-too = 👍 Me too — #{ $number }
draft-me-too-other = ➕ Something else
draft-me-too-done = 👍 You follow request #{ $number } ({ $followers } following). Every change will be sent to you. You can unfollow in “📋 My requests”.
draft-me-too-own = Request #{ $number } is yours: you get every change anyway.
draft-me-too-closed = Request #{ $number } is already closed: please file a new one.

# notifications and cards
notify-followed-status = 👀 Request #{ $number } you follow ({ $category } · { $location }): { $status }
card-followers = 👥 Following: { $count }
card-rating-comment = 💬 Feedback: { $text }

# "My requests": followed with "me too"
my-followed-button = 👀 Following ({ $count })
my-followed-title = <b>👀 Requests you follow</b> (you pressed “Me too”)
my-followed-line = { $mark } #{ $number } · { $status } · { $category } · { $location }
my-followed-empty = You follow no request.
my-unfollow = 🔕 Unfollow #{ $number }
my-unfollowed = You no longer follow request #{ $number }
my-unfollow-not-followed = You did not follow request #{ $number }

card-btn-place = 📍 Requests of this place
