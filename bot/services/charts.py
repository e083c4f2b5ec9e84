"""The /stats chart: created vs done per week, and the backlog by category, as one PNG.

Uses matplotlib's object-oriented API on the Agg canvas (no pyplot, no global figure
registry, nothing left open), so it is safe to call from a worker thread. DejaVu Sans,
which ships with matplotlib, has Cyrillic. matplotlib is imported on the first chart
(`utils.mpl.rendering`).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from models.reports import Stats
from utils.i18n import Translator
from utils.mpl import rendering


@dataclass(frozen=True, slots=True)
class ChartTexts:
    weekly_title: str
    created: str
    done: str
    backlog_title: str
    backlog_empty: str

    @classmethod
    def from_catalogue(cls, t: Translator) -> ChartTexts:
        return cls(
            weekly_title=t("chart-weekly-title"),
            created=t("chart-created"),
            done=t("chart-done"),
            backlog_title=t("chart-backlog-title"),
            backlog_empty=t("chart-backlog-empty"),
        )


def render_chart(stats: Stats, texts: ChartTexts, language: str) -> bytes:
    """PNG bytes. CPU-bound: run it with asyncio.to_thread."""
    # Every label is plain text (`rendering` sees to it): a category named "$x^2$" is not
    # a formula (mathtext would draw it, or fail on "$$" or "\\frac{").
    with rendering():
        return _draw(stats, texts, language)


CREATED_COLOR = "#4C72B0"
DONE_COLOR = "#55A868"
BACKLOG_COLOR = "#DD8452"


def _draw(stats: Stats, texts: ChartTexts, language: str) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(12, 5), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    weekly, backlog = fig.subplots(1, 2, width_ratios=(3, 2))

    labels = [w.start.strftime("%d.%m") for w in stats.weeks]
    xs = list(range(len(labels)))
    width = 0.4
    weekly.bar(
        [x - width / 2 for x in xs],
        [w.created for w in stats.weeks],
        width,
        label=texts.created,
        color=CREATED_COLOR,
    )
    weekly.bar(
        [x + width / 2 for x in xs],
        [w.done for w in stats.weeks],
        width,
        label=texts.done,
        color=DONE_COLOR,
    )
    weekly.set_xticks(xs, labels, rotation=45, ha="right", fontsize=8)
    weekly.set_title(texts.weekly_title)
    weekly.yaxis.get_major_locator().set_params(integer=True)
    weekly.legend()
    weekly.grid(axis="y", alpha=0.3)

    backlog.set_title(texts.backlog_title)
    if stats.backlog_by_category:
        items = list(reversed(stats.backlog_by_category))  # biggest on top
        names = [c.name(language) for c in items]
        backlog.barh(names, [c.count for c in items], color=BACKLOG_COLOR)
        backlog.xaxis.get_major_locator().set_params(integer=True)
        backlog.grid(axis="x", alpha=0.3)
    else:
        backlog.text(0.5, 0.5, texts.backlog_empty, ha="center", va="center")
        backlog.set_axis_off()

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    fig.clear()
    return buffer.getvalue()
