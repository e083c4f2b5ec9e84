"""Links into the bot (`https://t.me/<bot>?start=<payload>`) and what their payload means.

A /start payload is at most 64 characters of A-Z, a-z, 0-9, `_` and `-` (Telegram's rule).
Each kind of payload has its own prefix, so /start handlers can tell them apart with a
filter on the prefix (`CommandStart(deep_link=True, magic=F.args.startswith(SETUP_PREFIX))`
on a router before the common one); a payload nobody claims is a plain /start.
"""

from __future__ import annotations

import re

_PAYLOAD_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")

#: A one-time setup code: its opener becomes admin.
SETUP_PREFIX = "setup-"
#: The link on the staff poster: a plain start, named so that it can be told apart.
INVITE_PAYLOAD = "invite"


def start_link(bot_username: str, payload: str | None = None) -> str:
    """`https://t.me/<bot>` or `https://t.me/<bot>?start=<payload>`."""
    base = f"https://t.me/{bot_username}"
    if payload is None:
        return base
    if not _PAYLOAD_RE.fullmatch(payload):
        raise ValueError("a /start payload is 1-64 characters of A-Z, a-z, 0-9, _ and -")
    return f"{base}?start={payload}"
