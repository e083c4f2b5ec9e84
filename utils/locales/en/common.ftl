## Common texts: greeting, menu, help, errors.

menu-new-request = 📝 New request
menu-my-requests = 📋 My requests
menu-my-tasks = 🛠 My tasks
menu-admin = ⚙️ Admin panel
menu-help = ❓ Help
menu-placeholder = Choose an action from the menu

btn-back = ◀ Back
btn-cancel = ✖ Cancel

start-greeting =
    Hello, <b>{ $name }</b>!
    I am ZAVhoz, the repair request bot. Report a breakdown in a minute: category, place, what happened, a photo.
start-role-user = Tap “📝 New request” to report a breakdown.
start-role-executor = You are an executor: your tasks are in “🛠 My tasks”.
start-role-admin = You are an admin: the request queue is in “⚙️ Admin panel”.

help-user =
    <b>How to use the bot</b>
    📝 <b>New request</b> (/new) — category, place, description, photos, priority.
    📋 <b>My requests</b> (/my) — status, comments, confirming the repair.
    /cancel — stop what you are entering and go back to the menu.
    /language — change the language.
help-executor =
    🛠 <b>My tasks</b> (/tasks) — requests assigned to you: start, put on hold, finish with an “after” photo.
help-admin =
    ⚙️ <b>Admin panel</b> (/admin) — queues, filters, search, assignment.
    /users — users and roles · /categories — categories
    /stats — statistics · /export — Excel export

cancel-done = Cancelled. You are in the main menu.
cancel-nothing = Nothing to cancel. You are in the main menu.

language-choose = Choose a language:
language-set = Done: the language is English.

fallback-hint = I did not understand that. Use the menu buttons below or /help.
coming-soon = This section is coming soon.
not-allowed = This action is only for staff with the right role.

user-blocked = Your access to the bot is closed. If this is a mistake, contact the caretaker.
throttled = Too many messages in a row. Please wait a few seconds.
error-generic = Something went wrong. Everything you entered is saved — please try again in a moment.

cmd-start = Main menu
cmd-new = New request
cmd-my = My requests
cmd-tasks = My tasks
cmd-admin = Admin panel
cmd-users = Users
cmd-categories = Categories
cmd-stats = Statistics
cmd-export = Excel export
cmd-help = Help
cmd-cancel = Cancel input
cmd-language = Language
button-outdated = This button is out of date. Open the request again from the menu.
