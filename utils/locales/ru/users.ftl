## Пользователи: список, поиск, роли, блокировка.

role-user = пользователь
role-executor = исполнитель
role-admin = администратор

users-title = <b>👥 Пользователи</b>
users-found = <b>👥 Найдено по запросу «{ $query }»</b>
users-empty = Никого не нашлось.
users-line = { $mark } { $name } { $username } · { $role } · заявок: { $requests } · задач: { $tasks }
users-card =
    <b>{ $name }</b> { $username }
    Telegram ID: <code>{ $telegram_id }</code>
    Роль: { $role }
    Заявок создано: { $requests } · открытых задач: { $tasks }
users-card-blocked = ⛔ Заблокирован
users-card-protected = 🔐 Администратор из ADMIN_IDS: роль и доступ меняются только в настройках.
users-search = 🔎 Найти
users-all = 👥 Все пользователи
users-search-ask = Напишите имя, @username или Telegram ID.
users-search-invalid = Нужен текст до { $limit } символов: имя, @username или ID.
users-make-user = 👤 Сделать пользователем
users-make-executor = 🛠 Сделать исполнителем
users-make-admin = ⚙️ Сделать админом
users-block = ⛔ Заблокировать
users-unblock = ✅ Разблокировать
users-role-set = Роль изменена: { $role }
users-blocked-done = Пользователь заблокирован.
users-unblocked-done = Пользователь разблокирован.
users-unchanged = Без изменений.
users-protected = Этого администратора нельзя понизить или заблокировать из бота (ADMIN_IDS).
users-self = Свою роль и доступ менять нельзя.
users-not-found = Пользователь не найден.
users-your-role = Ваша роль теперь: { $role }.
