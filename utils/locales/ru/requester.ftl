## Сторона заявителя: новая заявка, «Мои заявки», комментарии, оценка.

# --- диалог
draft-step-category =
    <b>Новая заявка · шаг 1/5</b>
    Что сломалось? Выберите категорию.
draft-step-location =
    <b>Шаг 2/5 · Место</b>
    Где это? Напишите кабинет, этаж или корпус, например «Каб. 214, 2 этаж».
draft-step-location-recent = Или выберите одно из недавних мест ниже.
draft-step-description =
    <b>Шаг 3/5 · Что случилось</b>
    Опишите проблему в двух словах ({ $min }–{ $max } { $max ->
        [one] символа
       *[other] символов
    }). Можно прислать фото с подписью.
draft-step-photos =
    <b>Шаг 4/5 · Фото</b>
    Пришлите до { $max } фото, изображений или PDF — по одному или альбомом. Шаг необязательный.
draft-step-photos-count = Прикреплено: { $count } из { $max }.
draft-step-priority =
    <b>Шаг 5/5 · Насколько срочно?</b>
    🔴 <b>Срочно</b> — опасно или урок сорван: потоп, искрит, нет отопления в мороз.
    🟠 <b>Высокая</b> — сильно мешает, нужно сегодня.
    🟡 <b>Обычная</b> — сломано, но несколько дней подождёт.
    🟢 <b>Низкая</b> — мелочь, когда будет время.
draft-current = Сейчас: { $value }
draft-in-progress = Вы уже заполняете заявку — вот где вы остановились. /cancel — бросить её.

draft-summary-title = <b>Проверьте заявку</b>
draft-summary-category = 📂 Категория: { $category }
draft-summary-location = 📍 Место: { $location }
draft-summary-description = 📝 { $description }
draft-summary-photos = 📷 Файлов: { $count }
draft-summary-no-photos = 📷 Без фото
draft-summary-priority = Срочность: { $priority }
draft-summary-due = ⏳ Срок выполнения — { $hours } ч.
draft-edit-choose = Что хотите изменить?

btn-draft-submit = ✅ Отправить
btn-draft-edit = ✏️ Изменить поле
btn-draft-done = ✅ Готово
btn-draft-skip = Пропустить ➡
btn-draft-clear = 🗑 Убрать файлы
btn-field-category = 📂 Категория
btn-field-location = 📍 Место
btn-field-description = 📝 Описание
btn-field-photos = 📷 Фото
btn-field-priority = ⚡ Срочность
btn-priority-urgent = 🔴 Срочно
btn-priority-high = 🟠 Высокая
btn-priority-normal = 🟡 Обычная
btn-priority-low = 🟢 Низкая

draft-photo-added = 📎 Файл { $count } из { $max } прикреплён. Пришлите ещё или нажмите «Готово».
draft-album-added = 📎 Альбом получен. Пришлите ещё или нажмите «Готово».
draft-photos-cleared = Файлы убраны.
draft-cancelled = Заявка отменена, ничего не отправлено. Вы в главном меню.
draft-created = ✅ <b>Заявка #{ $number } зарегистрирована.</b> Завхоз уже знает; о каждом изменении придёт сообщение.
draft-created-toast = ✅ Заявка #{ $number } зарегистрирована.
draft-already = Заявка #{ $number } уже зарегистрирована.
draft-limit = Вы подали { $limit ->
        [one] { $limit } заявку
        [few] { $limit } заявки
       *[many] { $limit } заявок
    } за последние { $minutes } мин. Попробуйте через { $wait } мин — заявка сохранена, тогда просто нажмите «Отправить».
draft-category-gone = Эта категория больше недоступна. Выберите другую.
draft-old-button = Эта кнопка из старого сообщения. Вот текущий шаг.
draft-gone = Эта форма заявки уже закрыта. Новая заявка — /new.

# --- подсказки: неверный ввод на шаге
req-hint-location-not-text = Напишите место текстом, например «Каб. 214».
req-hint-location-too_short = Слишком коротко — хотя бы { $min } { $min ->
        [one] символ
        [few] символа
       *[many] символов
    }, например «214».
req-hint-location-too_long = Слишком длинно — не больше { $max } { $max ->
        [one] символа
       *[other] символов
    }. Только кабинет и этаж.
req-hint-location-empty = Напишите место текстом, например «Каб. 214».
req-hint-description-not-text = Опишите проблему словами или пришлите фото с подписью.
req-hint-description-too_short = Слишком коротко — опишите проблему хотя бы в { $min } { $min ->
        [one] символе
       *[other] символах
    }.
req-hint-description-too_long = Слишком длинно — не больше { $max } { $max ->
        [one] символа
       *[other] символов
    } (сейчас { $length }). Сократите, пожалуйста.
req-hint-description-empty = Опишите проблему словами или пришлите фото с подписью.
req-hint-description-file-saved = 📎 Файл прикреплён. Теперь опишите проблему словами ({ $min }–{ $max } { $max ->
        [one] символа
       *[other] символов
    }).
req-hint-file-unsupported = Такой файл не принимается. Пришлите фото, изображение или PDF.
req-hint-file-too_big = Файл больше 20 МБ — бот не сможет его скачать. Пришлите файл поменьше или фото.
req-hint-photos-limit = Не больше { $max } файлов в заявке. Этот файл не прикреплён.
req-hint-photos-not-file = Пришлите фото, изображение или PDF либо нажмите «Готово» / «Пропустить».
req-hint-use-buttons = Выберите, пожалуйста, кнопкой ниже.

# --- мои заявки
my-title = <b>Мои заявки</b> ({ $total })
my-empty = У вас пока нет заявок. Нажмите «📝 Новая заявка», чтобы сообщить о поломке.
my-line = { $mark } <b>#{ $number }</b> · { $category } · { $location } · { $age }
my-page = стр. { $page }/{ $pages }
my-age-minutes = { $n } мин
my-age-hours = { $n } ч
my-age-days = { $n } д
my-not-found = Заявка не найдена.

my-card-history-title = <b>История</b>
my-card-history-line = { $at } — { $status }{ $actor }
my-card-history-actor = , { $name }
my-card-history-reason = ({ $reason })
my-card-comments-title = <b>Комментарии</b>
my-card-comment-line = { $at } <b>{ $author }</b>: { $text }
my-card-you = вы
my-card-truncated = …

my-btn-show-photos = 📷 Показать фото ({ $count })
my-btn-comment = 💬 Комментарий
my-btn-rate = ⭐ Оценить ремонт
my-btn-back-to-list = ◀ Мои заявки
my-btn-cancel-yes = ✖ Да, отменить
my-btn-cancel-no = ◀ Нет, оставить
my-btn-skip = Пропустить ➡

my-photos-caption = Заявка #{ $number }
my-photos-none = В этой заявке нет фото.

my-cancel-confirm = Отменить заявку #{ $number }? Сотрудники увидят, что она больше не нужна.
my-cancel-done = Заявка #{ $number } отменена.
my-action-denied-not_found = Заявка не найдена.
my-action-denied-forbidden = С этой заявкой так поступить нельзя.
my-action-denied-wrong_status = Заявка уже изменилась: { $status }. Карточка обновлена.
my-action-denied-conflict = Заявку только что изменили: { $status }. Карточка обновлена.
my-action-denied-reason_required = Укажите причину.

my-comment-prompt = Напишите комментарий к заявке #{ $number }. Можно приложить фото.
my-comment-sent = 💬 Комментарий к заявке #{ $number } отправлен.
my-comment-closed = Заявка #{ $number } закрыта, комментарии больше не принимаются.
req-hint-comment-too_long = Комментарий слишком длинный — не больше { $max } { $max ->
        [one] символа
       *[other] символов
    }.
req-hint-comment-empty = Пришлите текст или фото либо нажмите «Назад».

my-confirm-done = ✅ Спасибо! Заявка #{ $number } закрыта.
my-rate-prompt = Как отремонтировали по заявке #{ $number }? Оцените от 1 до 5.
my-rate-thanks = Спасибо за оценку { $stars }!
my-rate-comment-prompt = Хотите добавить комментарий к оценке? Напишите его или нажмите «Пропустить».
my-rate-comment-thanks = Спасибо, комментарий сохранён.
my-rate-not-allowed = Эту заявку нельзя оценить (она не закрыта или уже оценена).

my-reopen-prompt = Что осталось не так по заявке #{ $number }? Напишите коротко — заявка вернётся исполнителю.
my-reopen-done = ↩ Заявка #{ $number } возвращена в работу. Исполнитель уже знает.
req-hint-reason-too_short = Слишком коротко — опишите, что не так (хотя бы { $min } { $min ->
        [one] символ
        [few] символа
       *[many] символов
    }).
req-hint-reason-too_long = Слишком длинно — не больше { $max } { $max ->
        [one] символа
       *[other] символов
    }.
req-hint-reason-empty = Напишите словами, что не так.

draft-staff-files = 📷 Заявка #{ $number }
my-reopen-done-toast = ↩ Заявка #{ $number } возвращена в работу.
