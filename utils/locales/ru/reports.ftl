## Отчёты: /stats, /export, ежедневная сводка, напоминания о сроках, автозакрытие.

duration-minutes = { $value } мин
duration-hours = { $value } ч
duration-days = { $value } дн

stats-title = 📊 <b>Статистика</b> на { $date }
stats-section-status = <b>По статусам</b>
stats-count-line = { $name }: { $count }
stats-total = Всего: { $count }
stats-section-flow = <b>Поток заявок</b>
stats-created = 📥 Создано: { $d7 } за 7 дней · { $d30 } за 30 дней
stats-done = ✅ Выполнено: { $d7 } за 7 дней · { $d30 } за 30 дней
stats-overdue = ⚠ Просрочено сейчас: { $count }
stats-rating = ⭐ Средняя оценка: { $avg } (оценок: { $count })
stats-rating-none = ⭐ Оценок пока нет
stats-feedback-line = 💬 { $stars } #{ $number }: «{ $text }»
stats-section-times = <b>Скорость</b> (за 30 дней; медиана · 90% заявок)
stats-first-response = До первого ответа: { $median } · { $p90 } (заявок: { $count })
stats-to-done = До выполнения: { $median } · { $p90 } (заявок: { $count })
stats-section-category = <b>Открытые по категориям</b>
stats-section-location = <b>Открытые по местам</b>
stats-section-executors = <b>Исполнители</b> (в работе / выполнено / просрочено)
stats-executor-line = { $name }: { $open } / { $done } / { $overdue }
stats-nothing = —
stats-chart-caption = 📈 Создано и выполнено по неделям; открытые заявки по категориям.

chart-weekly-title = Заявки по неделям (12 недель)
chart-created = Создано
chart-done = Выполнено
chart-backlog-title = Открытые по категориям
chart-backlog-empty = Открытых заявок нет

export-choose-period = 📤 <b>Выгрузка в Excel</b>
    За какой период?
export-period-month = Этот месяц
export-period-prev = Прошлый месяц
export-period-90d = Последние 90 дней
export-period-all = Всё время
export-choose-status = 📤 <b>Выгрузка в Excel</b> · { $period }
    Какие заявки?
export-status-any = Все статусы
export-preparing = ⏳ Готовлю файл: { $period } · { $status }…
export-caption = 📤 Заявок: { $count } · { $period } · { $status }
export-empty = За этот период заявок с таким статусом нет.
export-cancelled = Выгрузка отменена.
export-sheet-requests = Заявки
export-sheet-summary = Сводка
export-summary-category = Категория
export-summary-total = Итого
export-col-number = №
export-col-created = Создана
export-col-author = Автор
export-col-phone = Телефон автора
export-col-category = Категория
export-col-location = Место
export-col-description = Описание
export-col-priority = Срочность
export-col-status = Статус
export-col-assignee = Исполнитель
export-col-due = Срок
export-col-first-response = Первый ответ
export-col-done = Выполнена
export-col-closed = Закрыта
export-col-hours-to-done = Часов до выполнения
export-col-overdue = Просрочена
export-col-rating = Оценка
export-col-photos = Фото
export-col-comments = Комментарии

digest-title = ☀ <b>Сводка на { $date }</b>
digest-new = 🆕 Новых со вчера: { $count } (ждут разбора: { $queue })
digest-overdue = ⚠ Просрочено: { $count }
digest-in-progress = 🔧 В работе: { $count }
digest-done = ✅ Выполнено, ждут подтверждения: { $count }
digest-btn-new = 🆕 Новые · { $count }
digest-btn-overdue = ⚠ Просроченные · { $count }
digest-btn-in_progress = 🔧 В работе · { $count }
digest-btn-done = ✅ Выполненные · { $count }


reminder-overdue = ⚠ <b>Срок заявки #{ $number } истёк</b> ({ $due }). Пожалуйста, займитесь ею.
reminder-overdue-unassigned = ⚠ <b>Срок заявки #{ $number } истёк</b> ({ $due }), а исполнитель не назначен.
reminder-escalated = ⚠⚠ <b>Заявка #{ $number } просрочена больше суток</b> (срок: { $due }).
auto-close-reason = закрыта автоматически: автор не ответил { $days ->
        [one] { $days } день
        [few] { $days } дня
       *[other] { $days } дней
    }
