## The web panel (panel/): the bot's /panel answer and the pages.

cmd-panel = Web panel (a login link)

panel-login-text =
    Web panel login: the button below opens it in a browser.
    The link works once and for { $minutes } min. Do not forward it to anyone.
panel-login-telegram = 🔐 Log in with Telegram
panel-login-button = 🖥 Open the panel

web-title = ZAVhoz — panel
web-nav-queue = Requests
web-nav-people = People
web-nav-categories = Categories
web-nav-stats = Statistics
web-logout = Log out

web-login-title = Log in to the panel
web-login-how = Send /panel to the bot in a private chat and open the link from its answer. The panel is for admins and executors.
web-login-refused = This link is not valid: it was used already or has expired. Ask for a new one with /panel.
web-error-403 = You have no access to this page.
web-error-404 = There is no such page.

web-result-done = Done.
web-result-not_found = Request not found.
web-result-forbidden = You may not do that.
web-result-wrong_status = The request is in another status now — reload the page.
web-result-reason_required = Please give a reason.
web-result-bad_assignee = This person cannot be assigned.
web-result-conflict = Somebody changed the request a moment ago — see how it is now.
web-result-closed = The request is closed: no more comments.
web-result-empty = The text is empty.
web-result-unchanged = Nothing changed.
web-result-protected = This admin is set in the configuration (ADMIN_IDS).
web-result-self = You cannot change your own role or block yourself.
web-result-duplicate = This category exists already.
web-result-too_long = The name is too long.

web-queue-new = New
web-queue-work = In progress
web-queue-hold = On hold
web-queue-done = Awaiting confirmation
web-queue-late = Overdue
web-queue-all = All
web-search = Search
web-search-placeholder = #number or words
web-search-results = Found for “{ $query }”
web-filter-category = Category
web-filter-priority = Priority
web-filter-assignee = Assignee
web-filter-place = Place
web-filter-since = From
web-filter-until = To
web-any = any
web-nobody = not assigned
web-sort = Order
web-sort-new = newest first
web-sort-old = oldest first
web-apply = Apply
web-reset = Reset
web-total = Total: { $count }
web-nothing = Nothing here.
web-first-page = « First page
web-next-page = Next »

web-col-created = Created
web-col-status = Status
web-col-priority = Priority
web-col-category = Category
web-col-place = Place
web-col-description = Description
web-col-assignee = Assignee
web-col-due = Due
web-col-author = Author
web-col-first-response = First response
web-col-done = Done
web-col-closed = Closed
web-col-rating = Rating
web-col-name = Name
web-col-role = Role
web-col-requests = Requests
web-col-open-tasks = Open tasks
web-col-blocked = Blocked
web-col-hidden = Hidden
web-col-count = Count

web-request-title = Request #{ $number }
web-actions = Actions
web-reason = Reason
web-finish-comment = Comment on the work done (optional)
web-history = History
web-comments = Comments and notes
web-internal = internal note
web-report = work report
web-comment-deleted = Comment deleted by an admin.
web-comment-text = Text
web-comment = 💬 Comment to the author
web-note = 🔒 Internal note
web-photo = Photo
web-file = 📎 File

web-people-search = name, @username or id
web-save = Save
web-yes = yes
web-no = no
web-block = Block
web-unblock = Unblock

web-categories-hint = Name: “Русское / English”, or one name for both languages. A hidden category is not offered for new requests.
web-show = Show
web-hide = Hide
web-category-new = New category
web-add = Add

web-stats-created-7 = created in 7 days
web-stats-done-7 = done in 7 days
web-stats-created-30 = created in 30 days
web-stats-done-30 = done in 30 days
web-stats-overdue = overdue
web-stats-rating = average rating
web-stats-feedback = Latest feedback
web-stats-open = open
web-stats-done = done
web-stats-chart = Requests per week
web-export = Export to Excel
web-export-period = Period
web-export-download = Download .xlsx
