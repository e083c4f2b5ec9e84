## /outbox: уведомления, которые бот не смог доставить (для администраторов).

cmd-outbox = Уведомления: очередь и недоставленные
outbox-title = <b>📮 Уведомления</b>
outbox-counts = В очереди: { $pending } · доставлено: { $sent } · не доставлено: { $failed }
outbox-failures = Последние недоставленные:
outbox-failure-line = #{ $id } · чат <code>{ $chat }</code> · { $method } · попыток: { $attempts }
    { $error }
outbox-no-failures = Недоставленных уведомлений нет.
outbox-requeue = 🔁 Отправить недоставленные заново
outbox-refresh = 🔄 Обновить
outbox-requeued = Снова в очереди: { $count }.
