## /outbox: notifications the bot could not deliver (for admins).

cmd-outbox = Notifications: queue and failures
outbox-title = <b>📮 Notifications</b>
outbox-counts = Queued: { $pending } · delivered: { $sent } · failed: { $failed }
outbox-failures = Latest failures:
outbox-failure-line = #{ $id } · chat <code>{ $chat }</code> · { $method } · attempts: { $attempts }
    { $error }
outbox-no-failures = No failed notifications.
outbox-requeue = 🔁 Send the failed ones again
outbox-refresh = 🔄 Refresh
outbox-requeued = Queued again: { $count }.
