"""The dispatcher's middlewares (outer to inner: see bot/dispatcher.py).

Every one of them has aiogram's `__call__(handler, event, data)`; the two types of that
signature are named here once.
"""

from typing import Any

from aiogram.dispatcher.event.bases import NextMiddlewareType
from aiogram.types import TelegramObject

Handler = NextMiddlewareType[TelegramObject]
"""The rest of the chain: call it with the event and the data to let the update through."""
Data = dict[str, Any]
"""The handler data: workflow data, what outer middlewares put in, what aiogram adds."""
