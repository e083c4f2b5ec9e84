"""Printable QR PDFs (utils/pdf.py) and links into the bot: every QR code scans back."""

from __future__ import annotations

import re

import pypdfium2
import pytest
import zxingcpp

from bot.services.onboarding import code_hash, new_setup_code
from utils.deep_links import SETUP_PREFIX, start_link
from utils.pdf import QrLabel, poster_pdf, qr_labels_pdf

A4_POINTS = (595, 842)


def pages(data: bytes) -> list[tuple[tuple[int, int], list[str], str]]:
    """Per page: its size in points, the QR codes read from its rendering, its text."""
    document = pypdfium2.PdfDocument(data)
    found = []
    for page in document:
        width, height = page.get_size()
        image = page.render(scale=2).to_pil()
        codes = sorted(code.text for code in zxingcpp.read_barcodes(image))
        found.append(((round(width), round(height)), codes, page.get_textpage().get_text_range()))
    return found


def test_a_sheet_of_labels_spills_onto_a_second_page_and_every_code_scans() -> None:
    labels = [
        QrLabel(f"Кабинет {100 + i}", f"https://t.me/zavhoz_bot?start=place-{i}", "Корпус А")
        for i in range(14)
    ]

    [(size1, codes1, text1), (size2, codes2, _)] = pages(qr_labels_pdf(labels, per_page=12))

    assert size1 == size2 == A4_POINTS
    assert len(codes1) == 12 and len(codes2) == 2
    assert sorted(codes1 + codes2) == sorted(label.url for label in labels)
    assert "Кабинет 100" in text1 and "Корпус А" in text1  # Cyrillic, as text


@pytest.mark.parametrize("name", ["$x^2$ каб.", "Лаборатория $$", r"\frac{1}{2} $\alpha"])
def test_a_name_that_looks_like_a_formula_is_printed_as_it_is(name: str) -> None:
    url = "https://t.me/zavhoz_bot?start=place-1"
    [(_, codes, text)] = pages(qr_labels_pdf([QrLabel(name, url)], per_page=1))
    assert codes == [url] and name in text


@pytest.mark.parametrize("per_page", [1, 4, 6])
def test_any_grid_keeps_the_codes_readable(per_page: int) -> None:
    labels = [QrLabel(f"№{i}", f"https://t.me/b?start=p{i}") for i in range(per_page)]
    [(_, codes, _)] = pages(qr_labels_pdf(labels, per_page=per_page))
    assert codes == sorted(label.url for label in labels)


def test_a_sheet_needs_room_for_one_label() -> None:
    with pytest.raises(ValueError):
        qr_labels_pdf([], per_page=0)


def test_the_poster_is_one_a4_page_with_the_link_and_the_lines() -> None:
    url = "https://t.me/zavhoz_bot?start=invite"
    [(size, codes, text)] = pages(poster_pdf(title="Заголовок", url=url, lines=["Раз", "Два"]))
    assert size == A4_POINTS and codes == [url]
    assert all(word in text for word in ("Заголовок", "Раз", "Два", url))


def test_setup_codes_fit_a_start_payload_and_differ() -> None:
    codes = {new_setup_code() for _ in range(100)}
    assert len(codes) == 100
    for code in codes:
        assert code.startswith(SETUP_PREFIX)
        assert re.fullmatch(r"[A-Za-z0-9_-]{1,64}", code)
        assert start_link("zavhoz_bot", code) == f"https://t.me/zavhoz_bot?start={code}"
        assert len(code_hash(code)) == 64 and code not in code_hash(code)


@pytest.mark.parametrize("payload", ["", "has space", "x" * 65, "кириллица", "a&b=c"])
def test_a_link_refuses_a_payload_telegram_would_drop(payload: str) -> None:
    with pytest.raises(ValueError):
        start_link("zavhoz_bot", payload)
