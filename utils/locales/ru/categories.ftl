## Категории: добавить, переименовать, скрыть.

categories-title = <b>📂 Категории</b>
    🙈 — скрыта: её нет в новой заявке, старые заявки её сохраняют.
categories-card =
    <b>{ $name_ru }</b> / { $name_en }
    Заявок: { $requests } · { $state }
categories-visible = 👁 видна в новой заявке
categories-hidden = 🙈 скрыта
categories-add = ➕ Добавить
categories-rename = ✏ Переименовать
categories-hide = 🙈 Скрыть
categories-show = 👁 Показать
categories-hidden-done = Категория скрыта.
categories-shown-done = Категория снова видна.
categories-ask-name = Напишите название: «Русское / English» или одно название для обоих языков (до { $limit } символов).
categories-ask-rename = Сейчас: { $name_ru } / { $name_en }. Напишите новое название: «Русское / English» (до { $limit } символов).
categories-name-empty = Нужно название, до { $limit } символов: «Русское / English».
categories-name-too_long = Слишком длинно: до { $limit } символов на каждый язык.
categories-duplicate = Категория с таким названием уже есть. Напишите другое.
categories-saved = Сохранено.
categories-not-found = Категория не найдена.
