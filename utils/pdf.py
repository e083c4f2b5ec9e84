"""Printable PDFs with QR codes: the staff poster, and sheets of QR labels.

QR codes come from `segno` and are drawn as vector squares (sharp at any print size);
pages are laid out with matplotlib's object-oriented API and written by its PDF backend
(`PdfPages`), fonts embedded as TrueType (DejaVu Sans ships with matplotlib and covers
Cyrillic). No pyplot, no global figure registry; renders are serialised with the chart's
by one lock (`utils.mpl.rendering`), which also imports matplotlib on the first render.
CPU-bound: call from `asyncio.to_thread`.
"""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import segno

from utils.mpl import rendering

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

A4_INCHES = (8.27, 11.69)  # portrait
QUIET_ZONE = 4  # modules of white around a QR code, as the standard asks
FONT = "DejaVu Sans"


@dataclass(frozen=True, slots=True)
class QrLabel:
    """One label of a sheet: a title above the QR code of `url`, a caption below."""

    title: str
    url: str
    caption: str = ""


def qr_modules(data: str) -> list[list[bool]]:
    """The QR code of `data` as rows of dark (True) / light modules, without quiet zone."""
    code = segno.make(data, error="m", micro=False)
    return [[bool(cell) for cell in row] for row in code.matrix]


def poster_pdf(*, title: str, url: str, lines: Sequence[str], footer: str | None = None) -> bytes:
    """One A4 page: a big title, the QR code of `url`, the instruction lines, the link."""
    return _render_pages([lambda fig: _poster_page(fig, title, url, lines, footer)])


def qr_labels_pdf(labels: Sequence[QrLabel], per_page: int = 12) -> bytes:
    """A4 sheets of QR labels, `per_page` to a page in a grid with dashed cut lines."""
    if per_page < 1:
        raise ValueError("per_page must be at least 1")
    chunks = [labels[i : i + per_page] for i in range(0, len(labels), per_page)] or [[]]
    return _render_pages(
        [lambda fig, chunk=chunk: _labels_page(fig, chunk, per_page) for chunk in chunks]
    )


# ------------------------------------------------------------------------ drawing
def _render_pages(pages: Sequence[Any]) -> bytes:
    buffer = io.BytesIO()
    with rendering({"pdf.fonttype": 42, "font.family": FONT}):
        from matplotlib.backends.backend_pdf import PdfPages
        from matplotlib.figure import Figure

        with PdfPages(buffer, metadata={"Creator": "ZAVhoz", "CreationDate": None}) as pdf:
            for draw in pages:
                fig = Figure(figsize=A4_INCHES)
                draw(fig)
                pdf.savefig(fig)
    return buffer.getvalue()


def _draw_qr(ax: Axes, data: str) -> None:
    """The code as black rectangles (one per run of dark modules in a row) on white."""
    from matplotlib.collections import PatchCollection
    from matplotlib.patches import Rectangle

    modules = qr_modules(data)
    size = len(modules)
    patches = []
    for y, row in enumerate(modules):
        x = 0
        while x < size:
            if not row[x]:
                x += 1
                continue
            start = x
            while x < size and row[x]:
                x += 1
            # A hair taller than a module, so no seam shows between rows when rendered.
            patches.append(Rectangle((start, size - y - 1.01), x - start, 1.02))
    ax.add_collection(PatchCollection(patches, facecolor="black", edgecolor="none", linewidth=0))
    ax.set_xlim(-QUIET_ZONE, size + QUIET_ZONE)
    ax.set_ylim(-QUIET_ZONE, size + QUIET_ZONE)
    ax.set_aspect("equal")
    ax.axis("off")


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.fill(part, width) for part in text.splitlines() or [""])


def _square(fig: Figure, left: float, bottom: float, width: float) -> Axes:
    """Axes `width` of the page wide and as tall as wide, in figure fractions."""
    fig_w, fig_h = fig.get_size_inches()
    return fig.add_axes((left, bottom, width, width * fig_w / fig_h))


def _poster_page(
    fig: Figure, title: str, url: str, lines: Sequence[str], footer: str | None
) -> None:
    fig.text(0.5, 0.93, _wrap(title, 30), ha="center", va="top", fontsize=30, weight="bold")
    _draw_qr(_square(fig, 0.18, 0.33, 0.64), url)
    y = 0.30
    for line in lines:
        wrapped = _wrap(line, 52)
        fig.text(0.09, y, wrapped, ha="left", va="top", fontsize=16, linespacing=1.4)
        y -= 0.032 * (wrapped.count("\n") + 1) + 0.03
    fig.text(0.5, 0.05, footer or url, ha="center", va="bottom", fontsize=12, color="#333333")


def _grid(per_page: int) -> tuple[int, int]:
    columns = 1 if per_page == 1 else 2 if per_page <= 4 else 3
    return columns, math.ceil(per_page / columns)


def _labels_page(fig: Figure, labels: Sequence[QrLabel], per_page: int) -> None:
    columns, rows = _grid(per_page)
    margin = 0.04
    cell_w = (1 - 2 * margin) / columns
    cell_h = (1 - 2 * margin) / rows
    fig_w, fig_h = fig.get_size_inches()
    scale = min(cell_w * fig_w, cell_h * fig_h)  # the cell's short side, in inches
    for i in range(1, columns):  # dashed cut lines
        x = margin + i * cell_w
        fig.add_artist(_cut_line(fig, (x, x), (margin, 1 - margin)))
    for j in range(1, rows):
        y = margin + j * cell_h
        fig.add_artist(_cut_line(fig, (margin, 1 - margin), (y, y)))
    title_size = max(7.0, min(20.0, scale * 5))
    caption_size = max(6.0, min(14.0, scale * 3.5))
    chars = max(12, int(cell_w * fig_w * 72 / title_size * 1.7))
    for index, label in enumerate(labels):
        col, row = index % columns, index // columns
        left = margin + col * cell_w
        top = 1 - margin - row * cell_h
        fig.text(
            left + cell_w / 2,
            top - 0.012,
            _wrap(label.title, chars),
            ha="center",
            va="top",
            fontsize=title_size,
            weight="bold",
        )
        qr_height = cell_h * 0.62
        qr_width = min(cell_w * 0.8, qr_height * fig_h / fig_w)
        bottom = top - cell_h * 0.17 - qr_width * fig_w / fig_h
        _draw_qr(_square(fig, left + (cell_w - qr_width) / 2, bottom, qr_width), label.url)
        if label.caption:
            fig.text(
                left + cell_w / 2,
                bottom - 0.005,
                _wrap(label.caption, int(chars * title_size / caption_size)),
                ha="center",
                va="top",
                fontsize=caption_size,
            )


def _cut_line(fig: Figure, xs: tuple[float, float], ys: tuple[float, float]) -> Any:
    from matplotlib.lines import Line2D

    return Line2D(
        xs, ys, transform=fig.transFigure, color="#999999", linestyle=(0, (4, 4)), linewidth=0.6
    )
