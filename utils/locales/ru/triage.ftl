## Работа сотрудников: действия с карточкой, полная карточка, задачи, панель, поиск.

card-acted-take = ✍ Взял(а) в работу: { $actor }
card-acted-assign = ✍ Назначил(а): { $actor }
card-acted-reject = ✍ Отклонил(а): { $actor }
card-acted-hold = ✍ Приостановил(а): { $actor }
card-acted-resume = ✍ Возобновил(а): { $actor }
card-acted-finish = ✍ Выполнил(а): { $actor }
card-acted-cancel = ✍ Отменил(а): { $actor }
card-acted-confirm = ✍ Подтвердил(а): { $actor }
card-acted-reopen = ✍ Вернул(а) в работу: { $actor }
card-acted-auto_close = ✍ Закрыта автоматически

notify-assigned = 👤 Вам назначена заявка #{ $number } ({ $actor })
notify-reassigned = Заявка #{ $number } передана другому исполнителю: { $assignee }
notify-reopened = ↩ Заявка #{ $number } снова в работе: { $actor } сообщает, что не исправлено.
notify-result = ✅ Заявка #{ $number } выполнена. Исполнитель: { $executor }
notify-result-comment = Комментарий: { $text }

triage-not-found = Заявка не найдена.
triage-forbidden = Это действие вам недоступно.
triage-bad-assignee = Этого сотрудника нельзя назначить: он не исполнитель или заблокирован.
triage-taken-by = Заявку #{ $number } уже взял(а) { $name }.
triage-stale = Кнопка устарела: заявка #{ $number } сейчас «{ $status }».

done-take = Заявка #{ $number } ваша — в работе.
done-assign = Заявка #{ $number } назначена: { $name }
done-reject = Заявка #{ $number } отклонена, автор получил причину.
done-hold = Заявка #{ $number } приостановлена.
done-resume = Заявка #{ $number } снова в работе.
done-finish = Заявка #{ $number } выполнена.

reason-ask-reject = Напишите причину отказа по заявке #{ $number } (до { $limit } символов). Автор её увидит.
reason-ask-hold = Почему заявка #{ $number } приостановлена? (до { $limit } символов)
reason-invalid = Нужен текст причины, от 1 до { $limit } символов. Напишите ещё раз или нажмите «Отмена».
reason-empty = Нужна причина.

finish-prompt =
    <b>Завершение заявки #{ $number }</b>
    Пришлите фото «после» и, если нужно, комментарий для автора — затем нажмите «Завершить».
    📷 Фото: { $photos } · 💬 Комментарий: { $comment }
finish-comment-yes = есть
finish-comment-no = нет
finish-submit = ✅ Завершить
finish-too-many = Не больше { $limit } фото.
finish-comment-too-long = Комментарий слишком длинный: до { $limit } символов.
finish-only-photos = Сюда можно прислать фото «после» или текст комментария.
finish-done = ✅ Заявка #{ $number } выполнена. Фото «после»: { $photos }. Автор получил уведомление.

dialog-cancelled = Отменено.

card-history-title = <b>История</b>
card-history-empty = пока без изменений
history-line = • { $at } — { $status } · { $actor }
history-reason = — «{ $reason }»
card-comments-title = <b>Комментарии</b>
card-comments-hidden = … ранних комментариев скрыто: { $count }
comment-public = 💬 { $at } { $author }: { $text }
comment-internal = 🔒 <i>служебная</i> { $at } { $author }: { $text }
comment-result = ✅ <i>отчёт</i> { $at } { $author }: { $text }
comment-deleted = 🗑 { $at } { $author }: <i>удалено администратором</i>
comment-files = 📎 { $count }

card-btn-photos = 📷 Фото ({ $count })
card-btn-comment = 💬 Комментарий автору
card-btn-note = 🔒 Служебная заметка
card-btn-delete-comment = 🗑 Удалить комментарий
card-no-photos = У заявки нет фото.

comment-ask = Напишите комментарий к заявке #{ $number } (можно с фото). Автор его увидит.
note-ask = Напишите служебную заметку к заявке #{ $number }. Её увидят только сотрудники.
comment-saved = Комментарий к заявке #{ $number } отправлен.
note-saved = Служебная заметка к заявке #{ $number } сохранена.
comment-empty = Пришлите текст (или фото с подписью) — или нажмите «Отмена».
comment-too-long = Слишком длинно: до { $limit } символов.
comment-closed = Заявка #{ $number } закрыта, комментарии больше не принимаются.
comment-none = Удалять нечего.
comment-deleted-done = Комментарий удалён.

tasks-title = <b>🛠 Мои задачи</b> ({ $count })
tasks-empty = У вас нет назначенных задач. 🎉
tasks-group-in_progress = <b>🔧 В работе</b> ({ $count })
tasks-group-on_hold = <b>⏸ Приостановлены</b> ({ $count })
tasks-group-done = <b>✅ Ждут подтверждения автора</b> ({ $count })
tasks-refresh = 🔄 Обновить

list-line = { $marks } <b>#{ $number }</b> · { $category } · { $location } — { $description } · 🛠 { $assignee }

panel-title = <b>⚙️ Панель администратора</b>
    Выберите очередь:
panel-search = 🔎 Поиск
panel-users = 👥 Пользователи
panel-categories = 📂 Категории
panel-refresh = 🔄 Обновить
panel-refreshed = Обновлено

queue-new = 🆕 Новые ({ $count })
queue-work = 🔧 В работе ({ $count })
queue-hold = ⏸ Приостановлены ({ $count })
queue-done = ✅ Ждут подтверждения ({ $count })
queue-late = ⚠ Просрочены ({ $count })
queue-all = 📋 Все ({ $count })
queue-name-new = 🆕 Новые
queue-name-work = 🔧 В работе
queue-name-hold = ⏸ Приостановлены
queue-name-done = ✅ Ждут подтверждения
queue-name-late = ⚠ Просрочены
queue-name-all = 📋 Все заявки
queue-title = <b>{ $queue }</b> · { $count }
queue-empty = Здесь пусто.
# A queue counted only up to { $count } (a thousand): "1000+".
queue-count-capped = { $count }+

filter-category = 📂 Категория
filter-priority = ❗ Срочность
filter-assignee = 🛠 Исполнитель
filter-any = Любая
filter-nobody = Не назначен
filter-reset = ✖ Сбросить фильтры
filter-shown-category = 📂 { $name }
filter-shown-priority = { $priority }
filter-shown-assignee = 🛠 { $name }
filter-shown-nobody = 🛠 не назначен

page-next = Дальше ▶
page-first = ⏮ В начало

search-ask = Напишите номер заявки (например, #12) или слова из описания или места.
search-title = 🔎 Найдено по запросу «{ $query }»:
search-nothing = По запросу «{ $query }» ничего не найдено.
search-again = 🔎 Новый поиск
search-too-long = Слишком длинный запрос: до { $limit } символов.

card-history-hidden = … ранних записей истории скрыто: { $count }
