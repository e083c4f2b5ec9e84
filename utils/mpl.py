"""matplotlib as the /stats chart and the QR PDFs use it: one render at a time, on Agg,
every text drawn as it is.

Texts are users' (a category's, a place's name): a name like "$x^2$" or "\\alpha" must not
be drawn as a formula (mathtext) or passed to LaTeX, so every render switches both off.

matplotlib does not promise thread safety (font cache, text layout), and renders run in
worker threads (`asyncio.to_thread`): every render, whichever it is, holds one lock.
matplotlib is imported on the first render, not with the bot: it is ~45 MB of resident
memory that most processes never need (`make bench` reports the peak RSS).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

_RENDER_LOCK = threading.Lock()


#: Every text is plain text, in every render.
_PLAIN_TEXT: dict[RcKeyType, Any] = {"text.parse_math": False, "text.usetex": False}


@contextmanager
def rendering(rc: dict[RcKeyType, Any] | None = None) -> Iterator[None]:
    """Inside: no other render runs, matplotlib draws on Agg with the settings `rc`, and
    texts are never formulas."""
    with _RENDER_LOCK:
        import matplotlib

        matplotlib.use("Agg")  # no display; must precede any pyplot import anywhere
        with matplotlib.rc_context({**(rc or {}), **_PLAIN_TEXT}):
            yield
