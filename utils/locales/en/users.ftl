## Users: the list, search, roles, blocking.

role-user = user
role-executor = executor
role-admin = admin

users-title = <b>👥 Users</b>
users-found = <b>👥 Found for “{ $query }”</b>
users-empty = Nobody found.
users-line = { $mark } { $name } { $username } · { $role } · requests: { $requests } · tasks: { $tasks }
users-card =
    <b>{ $name }</b> { $username }
    Telegram ID: <code>{ $telegram_id }</code>
    Role: { $role }
    Requests created: { $requests } · open tasks: { $tasks }
users-card-blocked = ⛔ Blocked
users-card-protected = 🔐 An admin from ADMIN_IDS: role and access change only in the settings.
users-search = 🔎 Find
users-all = 👥 All users
users-search-ask = Send a name, @username or Telegram ID.
users-search-invalid = Send text up to { $limit } characters: a name, @username or ID.
users-make-user = 👤 Make user
users-make-executor = 🛠 Make executor
users-make-admin = ⚙️ Make admin
users-block = ⛔ Block
users-unblock = ✅ Unblock
users-role-set = Role changed: { $role }
users-blocked-done = User blocked.
users-unblocked-done = User unblocked.
users-unchanged = Nothing changed.
users-protected = This admin cannot be demoted or blocked from the bot (ADMIN_IDS).
users-self = You cannot change your own role or access.
users-not-found = User not found.
users-your-role = Your role is now: { $role }.
