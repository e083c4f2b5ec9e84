"""What people type at the place step finds the room in the catalogue."""

from __future__ import annotations

import pytest

from models.place_match import Candidate, match, normalize, place_key

ROOMS = [
    "Корпус А каб. 214",
    "Корпус А каб. 215",
    "Корпус Б каб. 214",
    "Актовый зал",
    "Спортзал",
    "Столовая",
    "Кабинет информатики",
]
CATALOGUE = [Candidate(name, name) for name in ROOMS]


@pytest.mark.parametrize(
    ("typed", "first"),
    [
        ("214", "Корпус А каб. 214"),  # a number finds the room that has it
        ("актовый ЗАЛ", "Актовый зал"),  # case does not matter
        ("  Актовый   зал!! ", "Актовый зал"),  # nor spacing and punctuation
        ("спортзл", "Спортзал"),  # a typo still finds it
        ("информатика", "Кабинет информатики"),  # another ending of the word
        ("Б 214", "Корпус Б каб. 214"),  # the building narrows it down
    ],
)
def test_typed_text_finds_the_room(typed: str, first: str) -> None:
    assert match(typed, CATALOGUE)[0] == first


def test_yo_and_ye_are_one_letter() -> None:
    rooms = [Candidate("Учёная комната", "Учёная комната")]
    assert match("ученая", rooms) == ["Учёная комната"]
    assert normalize("Учёная  КОМНАТА.") == "ученая комната"


def test_nothing_alike_finds_nothing() -> None:
    assert match("бассейн", CATALOGUE) == []
    assert match("", CATALOGUE) == []
    assert match("​‍", CATALOGUE) == []  # zero-width only


def test_both_rooms_214_are_offered_and_a_limit_holds() -> None:
    found = match("214", CATALOGUE, limit=5)
    assert set(found) == {"Корпус А каб. 214", "Корпус Б каб. 214"}
    assert len(match("каб", CATALOGUE, limit=2)) == 2


def test_key_ignores_case_and_punctuation_but_keeps_the_building() -> None:
    assert place_key("Каб. 214", "Корпус А") == place_key("каб 214", "корпус  а")
    assert place_key("каб 214", "Корпус А") != place_key("каб 214", "Корпус Б")
    assert place_key("каб 214", None) == "|каб 214"
