# /places: the catalogue of rooms, deep links and QR codes
places-title = <b>📍 Места</b> · всего { $count }
    Каждое место — ссылка и QR-код на двери: кто откроет, сразу подаёт заявку для этого места.
places-empty = В каталоге пока нет мест. Добавьте их по одному или пришлите таблицу.
places-building-title = <b>🏢 { $building }</b> · мест: { $count }
places-no-building = Без корпуса
places-add = ➕ Добавить
places-import = 📥 Из таблицы
places-qr-all = 🖨 QR-коды всех мест
places-qr-these = 🖨 QR-коды этих мест
places-qr-one = 🖨 QR-код
places-history = 📋 Заявки
places-rename = ✏️ Изменить
places-attach = 📎 Привязать текст
places-hide = 🙈 Скрыть
places-show = 👁 Показать снова
places-card =
    <b>📍 { $name }</b>
    Корпус: { $building } · Этаж: { $floor }
    Состояние: { $state }
    Открытых заявок: { $open }
    Ссылка: { $link }
places-visible = предлагается в заявках
places-hidden = скрыто (история сохранена)
places-ask =
    Пришлите место одной строкой: <code>Корпус / Помещение / Этаж</code>
    Корпус и этаж можно опустить: <code>каб. 214</code>. Название — до { $limit } символов.
places-ask-rename = Сейчас: <b>{ $label }</b>. Пришлите новое: <code>Корпус / Помещение / Этаж</code>
places-problem-empty = Нужно название помещения, например <code>каб. 214</code>.
places-problem-too_long = Слишком длинно: название до { $limit } символов, корпус до 64, этаж до 16.
places-problem-duplicate = Такое место в этом корпусе уже есть.
places-problem-not_found = Этого места больше нет.
places-saved = ✅ Сохранено.
places-hidden-done = Место скрыто
places-shown-done = Место снова предлагается
places-ask-import =
    Пришлите таблицу файлом <b>.xlsx</b> или <b>.csv</b>: одна строка — одно помещение.
    Столбцы: <code>Помещение</code>, <code>Корпус</code>, <code>Этаж</code> (заголовок по-русски или по-английски; без заголовка — в этом порядке).
places-import-not-file = Нужен файл .xlsx или .csv — пришлите его документом.
places-import-unsupported = Этот формат не подходит: нужен .xlsx или .csv.
places-import-unreadable = Файл не читается — возможно, он повреждён. Сохраните его заново и пришлите ещё раз.
places-import-too_big = Слишком большой файл: до 2000 строк и 2 МБ.
places-import-empty = В файле нет ни одной строки с помещением.
places-import-report = <b>📥 Импорт мест</b>: добавлено { $added }, пропущено { $skipped }, отклонено { $rejected }.
places-import-row-skipped = строка { $line }: «{ $label }» — уже есть
places-import-row-rejected = строка { $line }: «{ $label }» — { $problem }
places-import-more = …и ещё { $count }
places-ask-attach =
    Пришлите текст места так, как его писали в заявках (например <code>актовый</code>): все такие заявки будут привязаны к «{ $label }».
    Чаще всего пишут: { $examples }
places-attached = 📎 Привязано заявок: { $count }.
places-history-title = <b>📋 { $label }</b>
places-history-open = <b>Открытые</b>
places-history-recent = <b>Последние</b>
places-history-none = — нет
places-history-line = #{ $number } · { $mark } { $category } · { $description }
places-qr-caption = 🖨 QR-коды для печати: { $count } шт. Распечатайте на A4 и приклейте на двери.
places-qr-label = Сканируйте — и опишите, что сломалось
places-qr-none = Здесь нет мест для печати.
places-not-found = Этого места больше нет.

# the new-request dialog: catalogue places and "me too"
draft-place-suggest =
    <b>Шаг 2/5 · Место</b>
    Вы написали «{ $text }». Это одно из этих мест?
draft-place-keep = ✏️ Оставить «{ $text }»
draft-place-from-link = 📍 Место: <b>{ $place }</b> (по ссылке на двери)
draft-place-link-unknown = Эта ссылка не ведёт ни к одному месту школы. Заполните заявку как обычно.
draft-place-link-hidden = Этого места больше нет в списке школы. Заполните заявку как обычно.
draft-me-too-title = <b>📍 { $place }</b>: здесь уже есть открытые заявки.
draft-me-too-line = #{ $number } · { $status } · { $category }
    { $description } · 👥 { $followers }
draft-me-too-ask = Если это та же поломка — нажмите «👍 И у меня», и вам придут все новости по ней. Новая заявка не нужна.
draft-me-too = 👍 И у меня — #{ $number }
draft-me-too-other = ➕ У меня другое
draft-me-too-done = 👍 Вы следите за заявкой #{ $number } (следят: { $followers }). О каждом изменении придёт сообщение. Отписаться можно в «📋 Мои заявки».
draft-me-too-own = Заявка #{ $number } — ваша: о каждом изменении вам и так придёт сообщение.
draft-me-too-closed = Заявка #{ $number } уже закрыта — подайте новую.

# notifications and cards
notify-followed-status = 👀 Заявка #{ $number }, за которой вы следите ({ $category } · { $location }): { $status }
card-followers = 👥 Следят: { $count }
card-rating-comment = 💬 Отзыв: { $text }

# "My requests": followed with "me too"
my-followed-button = 👀 Я слежу ({ $count })
my-followed-title = <b>👀 Заявки, за которыми вы следите</b> (вы нажали «И у меня»)
my-followed-line = { $mark } #{ $number } · { $status } · { $category } · { $location }
my-followed-empty = Вы ни за одной заявкой не следите.
my-unfollow = 🔕 Не следить за #{ $number }
my-unfollowed = Вы больше не следите за заявкой #{ $number }
my-unfollow-not-followed = Вы и так не следите за заявкой #{ $number }

card-btn-place = 📍 Заявки этого места
