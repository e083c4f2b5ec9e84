"""matplotlib as the /stats chart and the QR PDFs use it: one render at a time, on Agg.

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


@contextmanager
def rendering(rc: dict[RcKeyType, Any]) -> Iterator[None]:
    """Inside: no other render runs, matplotlib draws on Agg with the settings `rc`."""
    with _RENDER_LOCK:
        import matplotlib

        matplotlib.use("Agg")  # no display; must precede any pyplot import anywhere
        with matplotlib.rc_context(rc):
            yield
