## The web panel (panel/): the bot's /panel answer and the pages.

cmd-panel = Веб-панель (ссылка для входа)

panel-login-text =
    Вход в веб-панель: кнопка ниже откроет её в браузере.
    Ссылка одноразовая и действует { $minutes } мин. Никому её не пересылайте.
panel-login-telegram = 🔐 Войти через Telegram
panel-login-button = 🖥 Открыть панель

web-title = ЗавХоз — панель
web-nav-queue = Заявки
web-nav-people = Люди
web-nav-categories = Категории
web-nav-stats = Статистика
web-logout = Выйти

web-login-title = Вход в панель
web-login-how = Отправьте боту команду /panel в личном чате и откройте ссылку из ответа. Панель доступна администраторам и исполнителям.
web-login-refused = Ссылка недействительна: она уже использована или устарела. Запросите новую командой /panel.
web-error-403 = Нет доступа к этой странице.
web-error-404 = Такой страницы нет.

web-result-done = Готово.
web-result-not_found = Заявка не найдена.
web-result-forbidden = Это действие вам недоступно.
web-result-wrong_status = Заявка уже в другом статусе — обновите страницу.
web-result-reason_required = Укажите причину.
web-result-bad_assignee = Этого человека нельзя назначить.
web-result-conflict = Кто-то изменил заявку только что — посмотрите, что теперь.
web-result-closed = Заявка закрыта: комментировать нельзя.
web-result-empty = Пустой текст.
web-result-unchanged = Ничего не изменилось.
web-result-protected = Этот администратор задан в настройках (ADMIN_IDS).
web-result-self = Свою роль и блокировку менять нельзя.
web-result-duplicate = Такая категория уже есть.
web-result-too_long = Слишком длинное название.

web-queue-new = Новые
web-queue-work = В работе
web-queue-hold = Приостановлены
web-queue-done = Ждут подтверждения
web-queue-late = Просрочены
web-queue-all = Все
web-search = Найти
web-search-placeholder = #номер или слова
web-search-results = Найдено по запросу «{ $query }»
web-filter-category = Категория
web-filter-priority = Приоритет
web-filter-assignee = Исполнитель
web-filter-place = Место
web-filter-since = С
web-filter-until = По
web-any = любой
web-nobody = не назначен
web-sort = Порядок
web-sort-new = сначала новые
web-sort-old = сначала старые
web-apply = Применить
web-reset = Сбросить
web-total = Всего: { $count }
web-nothing = Ничего нет.
web-first-page = « В начало
web-next-page = Дальше »

web-col-created = Создана
web-col-status = Статус
web-col-priority = Приоритет
web-col-category = Категория
web-col-place = Место
web-col-description = Описание
web-col-assignee = Исполнитель
web-col-due = Срок
web-col-author = Автор
web-col-first-response = Первый ответ
web-col-done = Выполнена
web-col-closed = Закрыта
web-col-rating = Оценка
web-col-name = Имя
web-col-role = Роль
web-col-requests = Заявок
web-col-open-tasks = Открытых задач
web-col-blocked = Заблокирован
web-col-hidden = Скрыта
web-col-count = Количество

web-request-title = Заявка #{ $number }
web-actions = Действия
web-reason = Причина
web-finish-comment = Комментарий к выполнению (необязательно)
web-history = История
web-comments = Комментарии и заметки
web-internal = внутренняя заметка
web-report = отчёт о выполнении
web-comment-deleted = Комментарий удалён администратором.
web-comment-text = Текст
web-comment = 💬 Комментарий автору
web-note = 🔒 Внутренняя заметка
web-photo = Фото
web-file = 📎 Файл

web-people-search = имя, @username или id
web-save = Сохранить
web-yes = да
web-no = нет
web-block = Заблокировать
web-unblock = Разблокировать

web-categories-hint = Название: «Русское / English» или одно для обоих языков. Скрытая категория не предлагается в новых заявках.
web-show = Показать
web-hide = Скрыть
web-category-new = Новая категория
web-add = Добавить

web-stats-created-7 = создано за 7 дней
web-stats-done-7 = выполнено за 7 дней
web-stats-created-30 = создано за 30 дней
web-stats-done-30 = выполнено за 30 дней
web-stats-overdue = просрочено
web-stats-rating = средняя оценка
web-stats-feedback = Последние отзывы
web-stats-open = открыто
web-stats-done = выполнено
web-stats-chart = График заявок по неделям
web-export = Выгрузка в Excel
web-export-period = Период
web-export-download = Скачать .xlsx
