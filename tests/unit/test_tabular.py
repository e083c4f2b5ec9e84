"""Room lists sent as .xlsx or .csv: headers in either language, or none."""

from __future__ import annotations

from tests.updates import spreadsheet
from utils.tabular import TableProblem, read_table


def test_xlsx_with_russian_headers_in_any_order() -> None:
    data = spreadsheet(
        [["Этаж", "Корпус", "Помещение"], [2, "А", 214], [None, None, None], [1, "", "Столовая"]]
    )
    assert read_table("rooms.xlsx", data) == [
        (2, {"name": "214", "building": "А", "floor": "2"}),
        (4, {"name": "Столовая", "building": "", "floor": "1"}),
    ]


def test_csv_without_a_header_is_name_building_floor() -> None:
    data = "каб. 214;Корпус А;2\nАктовый зал;;1\n".encode()
    assert read_table("rooms.csv", data) == [
        (1, {"name": "каб. 214", "building": "Корпус А", "floor": "2"}),
        (2, {"name": "Актовый зал", "building": "", "floor": "1"}),
    ]


def test_csv_in_windows_cyrillic_with_commas() -> None:
    data = "name,building\nСпортзал,Главный\n".encode("cp1251")
    assert read_table("x.CSV", data) == [
        (2, {"name": "Спортзал", "building": "Главный", "floor": ""})
    ]


def test_what_cannot_be_read_is_said_plainly() -> None:
    assert read_table("rooms.pdf", b"%PDF") is TableProblem.UNSUPPORTED
    assert read_table("rooms.xlsx", b"not a zip") is TableProblem.UNREADABLE
    assert read_table("rooms.csv", b"\n\n") is TableProblem.EMPTY
    assert read_table("rooms.csv", b"x" * (3 * 1024 * 1024)) is TableProblem.TOO_BIG
