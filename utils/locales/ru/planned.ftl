## Плановое обслуживание: регламентные работы с чек-листами.

cmd-planned = Плановые работы

planned-weekday-0 = Пн
planned-weekday-1 = Вт
planned-weekday-2 = Ср
planned-weekday-3 = Чт
planned-weekday-4 = Пт
planned-weekday-5 = Сб
planned-weekday-6 = Вс

planned-nth-1 = первый
planned-nth-2 = второй
planned-nth-3 = третий
planned-nth-4 = четвёртый
planned-nth--1 = последний

planned-rule-daily = { $n ->
    [1] каждый день
   *[other] раз в { $n } дн.
}
planned-rule-weekly = { $n ->
    [1] каждую неделю
   *[other] раз в { $n } нед.
}: { $days }
planned-rule-nth-weekday = { $n ->
    [1] каждый месяц
   *[other] раз в { $n } мес.
}: { $nth } { $day }
planned-rule-month-day = { $n ->
    [1] каждый месяц
   *[other] раз в { $n } мес.
}: { $day ->
    [-1] последний день
   *[other] { $day }-е число
}
planned-rule = 🔁 { $rule }, в { $time }, начиная с { $start }
planned-rule-pauses = 🏖 Перерывы: { $periods }

planned-status-active = действует
planned-status-paused = приостановлена
planned-status-deleted = удалена

planned-list-title = <b>🗓 Плановые работы</b>
planned-list-empty = Плановых работ пока нет. Создайте первую — например, ежемесячную проверку огнетушителей.
planned-list-line = { $mark } #{ $number } { $title } — следующая: { $next }
planned-list-more = Дальше ▶
planned-list-new = ➕ Новая плановая работа

planned-card-title = { $mark } <b>Плановая работа #{ $number }: { $title }</b>
planned-card-status = Состояние: { $status }
planned-card-places = 📍 Места: { $places }
planned-card-items = ☑ Пунктов в чек-листе: { $count }
planned-card-assignee = 🛠 Исполнитель: { $assignee }
planned-card-priority = Срочность: { $priority }
planned-card-next = ⏭ Следующая: { $next }
planned-card-then = Затем: { $dates }
planned-admins-queue = очередь администраторов

planned-pause = ⏸ Приостановить
planned-resume = ▶ Возобновить
planned-delete = 🗑 Удалить
planned-back-to-list = ◀ К списку
planned-delete-ask = Удалить плановую работу #{ $number } «{ $title }»? Уже созданные заявки и их история останутся.
planned-delete-yes = 🗑 Да, удалить
planned-delete-no = Нет
planned-deleted = Плановая работа #{ $number } удалена.

planned-nav-back = ◀ Назад
planned-nav-cancel = ✖ Отмена
planned-cancelled = Создание плановой работы отменено.
planned-use-text = Ответьте текстом или кнопкой под сообщением.
planned-use-buttons = На этом шаге выберите вариант кнопкой.

planned-ask-title = <b>Новая плановая работа</b>
    Как она называется? Например: «Проверка огнетушителей». До { $limit } символов.
planned-ask-category = Категория работ:
planned-ask-places = Где её делать? Одно место в строке (до { $max } мест, каждое до { $limit } символов). На каждое место — своя заявка.
planned-ask-checklist = Чек-лист: по одному пункту в строке (до { $max } пунктов, каждый до { $limit } символов).
planned-ask-assignee = Кому поручить?
planned-ask-priority = Срочность заявок:
planned-ask-kind = Как часто?
planned-kind-daily = Каждые N дней
planned-kind-weekly = По дням недели (каждые N недель)
planned-kind-month_day = В число месяца (каждые N месяцев)
planned-kind-nth_weekday = В n-й день недели месяца
planned-ask-weekdays = Отметьте дни недели и нажмите «Готово».
planned-weekdays-done = Готово ✔
planned-ask-nth = Какой по счёту?
planned-ask-weekday = Какой день недели?
planned-ask-month-day = Какое число месяца? От 1 до 28, или «последний» (-1).
planned-ask-interval-days = Раз в сколько дней? Нажмите кнопку или напишите число.
planned-ask-interval-weeks = Раз в сколько недель? Нажмите кнопку или напишите число.
planned-ask-interval-months = Раз в сколько месяцев? Нажмите кнопку или напишите число.
planned-interval-button = { $n }
planned-ask-start = С какой даты? ДД.ММ.ГГГГ, или «Сегодня».
planned-start-today = Сегодня
planned-ask-time = Во сколько создавать заявку? ЧЧ:ММ (местное время).
planned-ask-pauses = Перерывы (например, каникулы): по одному в строке, «ДД.ММ.ГГГГ-ДД.ММ.ГГГГ», до { $max }. Или «Без перерывов».
planned-no-pauses = Без перерывов
planned-summary-title = <b>Проверьте: { $title }</b>
planned-summary-next = Ближайшие: { $dates }
planned-save = ✅ Сохранить

planned-bad-title = Название — от 1 до { $limit } символов.
planned-bad-places = Нужно от 1 до { $max } мест, по одному в строке, каждое не длиннее 100 символов.
planned-bad-checklist = Нужен хотя бы один пункт: по одному в строке, не больше 30 пунктов по 200 символов.
planned-bad-month-day = Число от 1 до 28, или «последний».
planned-bad-number = Нужно целое число от 1 до 366.
planned-bad-date = Дата в виде ДД.ММ.ГГГГ, например 01.09.2026.
planned-bad-time = Время в виде ЧЧ:ММ, например 08:30.
planned-bad-pauses = Каждый перерыв — «ДД.ММ.ГГГГ-ДД.ММ.ГГГГ» в отдельной строке, конец не раньше начала.

planned-created = ✅ Плановая работа #{ $number } сохранена. Первая заявка: { $next }.
planned-outcome-not_found = Такой плановой работы нет (или она удалена).
planned-outcome-forbidden = Плановыми работами управляют администраторы.
planned-outcome-unchanged = Уже сделано.
planned-outcome-bad_category = Эта категория скрыта. Начните заново.
planned-outcome-bad_assignee = Этому человеку нельзя поручить работу. Начните заново.
planned-outcome-no_occurrence = По этому расписанию работа больше не наступит. Проверьте даты.
planned-outcome-done = Готово.

planned-notify-assigned = 🗓 <b>Плановая работа — заявка #{ $number }</b>
planned-notify-queue = 🗓 <b>Плановая работа — заявка #{ $number }</b> ждёт исполнителя.
planned-notify-followup = 🔧 <b>Заявка #{ $number } по итогам плановой проверки</b>
planned-followup-description = По итогам плановой работы #{ $number } «{ $title }»: не пройден пункт «{ $item }». { $note }

planned-digest-heading = <b>🗓 Плановые работы сегодня</b>
planned-digest-created = • #{ $number } { $title } — { $place }
planned-digest-upcoming = • { $title } — в { $at }

checklist-title = { $mark } <b>#{ $number } { $title }</b> — { $place }
checklist-progress = Чек-лист: { $done } из { $total }
checklist-line = { $mark } { $n }. { $text }
checklist-note = — { $note }
checklist-followup = (заявка #{ $number })
checklist-hint = Нажмите пункт, чтобы отметить его; ✖ — не выполнено, с причиной. «Выполнено» — когда каждый пункт отмечен или указана причина.
checklist-open = ☑ Чек-лист
checklist-refresh = 🔄 Обновить
checklist-followup-button = 🔧 Заявка на ремонт
checklist-not-found = Чек-лист недоступен.
checklist-forbidden = Отмечать пункты может исполнитель, пока заявка в работе.
checklist-stale = Пункт уже изменили — показываю, как сейчас.
checklist-ask-note = Что не так с пунктом «{ $text }»? Коротко, до { $limit } символов.
checklist-note-empty = Напишите причину текстом (до 500 символов).
checklist-note-saved = Пункт отмечен как не выполненный.
checklist-followup-created = Создана заявка на ремонт #{ $number }.
checklist-followup-exists = Заявка на ремонт уже есть: #{ $number }.

planned-finish-checklist-open = Сначала чек-лист: отметьте каждый пункт или укажите причину (✖).

stats-planned = 🗓 Из них плановых за 30 дней: { $d30 } (по заявкам: { $reported }); плановых открыто: { $open }
export-col-kind = Вид
export-kind-planned = Плановая
export-kind-reported = По заявке
