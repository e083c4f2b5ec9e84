"""Rows of a small table a person sends as a file: .xlsx or .csv (pure, no Telegram).

Used by the places import. The first row is a header when it names the columns (in
Russian or English); otherwise the columns are taken as name, building, floor.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from enum import StrEnum

#: A catalogue import is rooms, not a data dump: a larger file is refused outright.
MAX_ROWS = 2000
MAX_BYTES = 2 * 1024 * 1024

HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("name", "room", "place", "название", "помещение", "кабинет", "место"),
    "building": ("building", "корпус", "здание"),
    "floor": ("floor", "этаж"),
}
DEFAULT_ORDER = ("name", "building", "floor")


class TableProblem(StrEnum):
    UNSUPPORTED = "unsupported"  # neither .xlsx nor .csv
    UNREADABLE = "unreadable"  # damaged, or not what its name says
    TOO_BIG = "too_big"
    EMPTY = "empty"


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a room number typed into a spreadsheet: 214, not 214.0
    return " ".join(str(value).split())


def _xlsx_rows(data: bytes) -> Iterable[list[str]]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        for row in sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 2):
            yield [_cell(v) for v in row]
    finally:
        book.close()


def _csv_rows(data: bytes) -> Iterable[list[str]]:
    text = data.decode("utf-8-sig") if _is_utf8(data) else data.decode("cp1251")
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:4096], ";,\t")
    except csv.Error:
        dialect = csv.excel
    for row in csv.reader(io.StringIO(text), dialect):
        yield [_cell(v) for v in row]


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return True


def _columns(header: list[str]) -> dict[str, int] | None:
    found: dict[str, int] = {}
    for index, title in enumerate(header):
        title = title.casefold().replace("ё", "е").strip(" :*")
        for column, names in HEADERS.items():
            if title in names and column not in found:
                found[column] = index
    return found if "name" in found else None


def read_table(filename: str, data: bytes) -> list[tuple[int, dict[str, str]]] | TableProblem:
    """(line number, {"name", "building", "floor"}) per non-empty row, or the problem."""
    if len(data) > MAX_BYTES:
        return TableProblem.TOO_BIG
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    try:
        if suffix == "xlsx":
            rows = list(_xlsx_rows(data))
        elif suffix in ("csv", "txt"):
            rows = list(_csv_rows(data))
        else:
            return TableProblem.UNSUPPORTED
    except Exception:  # a damaged file is the sender's problem, told plainly
        return TableProblem.UNREADABLE
    if len(rows) > MAX_ROWS + 1:
        return TableProblem.TOO_BIG
    numbered = [(i + 1, row) for i, row in enumerate(rows) if any(row)]
    if not numbered:
        return TableProblem.EMPTY
    columns = _columns(numbered[0][1])
    if columns is not None:
        numbered = numbered[1:]
    else:
        columns = {name: i for i, name in enumerate(DEFAULT_ORDER)}
    out = []
    for line, row in numbered:
        values = {k: row[i] if i < len(row) else "" for k, i in columns.items()}
        out.append((line, {k: values.get(k, "") for k in DEFAULT_ORDER}))
    return out or TableProblem.EMPTY
