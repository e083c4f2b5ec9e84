## Categories: add, rename, hide.

categories-title = <b>📂 Categories</b>
    🙈 — hidden: not offered for new requests, old requests keep it.
categories-card =
    <b>{ $name_ru }</b> / { $name_en }
    Requests: { $requests } · { $state }
categories-visible = 👁 offered for new requests
categories-hidden = 🙈 hidden
categories-add = ➕ Add
categories-rename = ✏ Rename
categories-hide = 🙈 Hide
categories-show = 👁 Show
categories-hidden-done = Category hidden.
categories-shown-done = Category visible again.
categories-ask-name = Send the name: “Русское / English”, or one name for both languages (up to { $limit } characters).
categories-ask-rename = Now: { $name_ru } / { $name_en }. Send the new name: “Русское / English” (up to { $limit } characters).
categories-name-empty = A name is needed, up to { $limit } characters: “Русское / English”.
categories-name-too_long = Too long: up to { $limit } characters per language.
categories-duplicate = A category with this name exists. Send another one.
categories-saved = Saved.
categories-not-found = Category not found.
