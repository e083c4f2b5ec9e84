## Карточка заявки, статусы, срочность.

status-new = Новая
status-in_progress = В работе
status-on_hold = Приостановлена
status-done = Выполнена
status-closed = Закрыта
status-rejected = Отклонена
status-cancelled = Отменена

priority-low = Низкая
priority-normal = Обычная
priority-high = Высокая
priority-urgent = Срочно

card-title = { $urgent }<b>Заявка #{ $number }</b>{ $overdue }
card-category = 📂 Категория: { $category }
card-location = 📍 Место: { $location }
card-description = 📝 { $description }
card-priority = Срочность: { $priority }
card-status = Статус: { $status }
card-author = 👤 Автор: { $author }
card-assignee = 🛠 Исполнитель: { $assignee }
card-nobody = не назначен
card-created = 🕒 Создана: { $created }
card-due = ⏳ Срок: { $due }
card-due-overdue = ⚠ Срок истёк: { $due }
card-photos = 📷 Фото: { $count }
card-rating = Оценка: { $stars }

notify-status-changed =
    Заявка #{ $number }: { $status }
    Изменил(а): { $actor }
notify-status-changed-system =
    Заявка #{ $number }: { $status }
notify-reason = Причина: { $reason }
actor-system = система

action-take = ✋ Взять
action-assign = 👤 Назначить…
action-reject = ⛔ Отклонить
action-cancel = ✖ Отменить заявку
action-hold = ⏸ Приостановить
action-resume = ▶ Возобновить
action-finish = ✅ Выполнено
action-confirm = ✅ Исправлено
action-reopen = ↩ Не исправлено
action-auto_close = Закрыть автоматически
action-open = 🔎 Открыть

notify-comment =
    💬 Комментарий к заявке #{ $number } от { $author }:
    { $text }
notify-internal-note =
    🔒 Служебная заметка к заявке #{ $number } от { $author }:
    { $text }
notify-author-changed =
    Заявка #{ $number }: { $status }
    Изменил(а) автор: { $author }
