"""Keyboards of /places (pure builders)."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from models.places import PlaceInfo
from utils.callbacks import (
    ALL_BUILDINGS,
    AdminMenuCb,
    PlaceAddCb,
    PlaceAttachCb,
    PlaceCardCb,
    PlaceHideCb,
    PlaceHistoryCb,
    PlaceImportCb,
    PlaceQrCb,
    PlaceRenameCb,
    PlacesCb,
)
from utils.i18n import Translator
from utils.keyboards.staff import back_button
from utils.render import clip

#: More places than this in one list: the list is split by building first.
LIST_MAX = 40


def _button(text: str, data: CallbackData) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data.pack())


def buildings_keyboard(t: Translator, buildings: Sequence[str]) -> InlineKeyboardMarkup:
    rows = [
        [_button(clip("🏢 " + (name or t("places-no-building"))), PlacesCb(building=i))]
        for i, name in enumerate(buildings)
    ]
    rows.append([_button(t("places-qr-all"), PlaceQrCb(building=ALL_BUILDINGS))])
    rows.append(
        [_button(t("places-add"), PlaceAddCb()), _button(t("places-import"), PlaceImportCb())]
    )
    rows.append([back_button(t, AdminMenuCb())])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def places_keyboard(
    t: Translator, places: Sequence[PlaceInfo], *, building: int, several_buildings: bool
) -> InlineKeyboardMarkup:
    rows = [
        [_button(clip(("🙈 " if p.is_hidden else "") + p.name), PlaceCardCb(id=p.id))]
        for p in places[:LIST_MAX]
    ]
    rows.append([_button(t("places-qr-these"), PlaceQrCb(building=building))])
    rows.append(
        [_button(t("places-add"), PlaceAddCb()), _button(t("places-import"), PlaceImportCb())]
    )
    rows.append([back_button(t, PlacesCb() if several_buildings else AdminMenuCb())])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def place_card_keyboard(t: Translator, place: PlaceInfo, back: PlacesCb) -> InlineKeyboardMarkup:
    rows = [
        [
            _button(t("places-history"), PlaceHistoryCb(id=place.id)),
            _button(t("places-qr-one"), PlaceQrCb(id=place.id)),
        ],
        [
            _button(t("places-rename"), PlaceRenameCb(id=place.id)),
            _button(t("places-attach"), PlaceAttachCb(id=place.id)),
        ],
        [
            _button(
                t("places-show" if place.is_hidden else "places-hide"),
                PlaceHideCb(id=place.id, hide=not place.is_hidden),
            )
        ],
        [back_button(t, back)],
    ]
    return InlineKeyboardMarkup(inline_keyboard=rows)


def back_to_place_keyboard(t: Translator, place_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[back_button(t, PlaceCardCb(id=place_id))]])
