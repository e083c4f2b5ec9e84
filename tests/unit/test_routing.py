"""bot.routing leaves out only handlers whose own filters would have refused the update.

Over the production dispatcher: for every dialog state, every callback prefix the
handlers know (and an unknown one), commands and plain texts, each handler the index
leaves out is shown to fail aiogram's own filter on such an update. The whole suite runs
on the index besides, so which handler answers is also checked end to end.
"""

from __future__ import annotations

import asyncio
from typing import Any

from aiogram import Dispatcher
from aiogram.dispatcher.event.handler import HandlerObject
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.state import StatesGroup
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import create_async_engine

from bot.dispatcher import build_dispatcher
from bot.routing import IndexedObserver, IndexedRouter, Keys
from bot.settings import Settings
from database.engine import create_session_pool
from utils.i18n import Catalogue

SENDER = {"id": 5, "is_bot": False, "first_name": "T"}
CHAT = {"id": 5, "type": "private"}


def _dispatcher() -> Dispatcher:
    settings = Settings(_env_file=None, bot_token="123456:TEST-token")  # type: ignore[call-arg]
    pool = create_session_pool(create_async_engine("sqlite+aiosqlite://"))
    return build_dispatcher(settings, session_pool=pool, catalogue=Catalogue("ru"))


def _states() -> list[str | None]:
    found: set[str | None] = {None}
    pending = list(StatesGroup.__subclasses__())
    while pending:
        group = pending.pop()
        pending.extend(group.__subclasses__())
        found.update(group.__all_states_names__)
    return sorted(found, key=str)


def _callback(data: str) -> CallbackQuery:
    return CallbackQuery.model_validate(
        {"id": "1", "from": SENDER, "chat_instance": "c", "data": data}
    )


def _message(text: str) -> Message:
    return Message.model_validate(
        {"message_id": 1, "date": 0, "chat": CHAT, "from": SENDER, "text": text}
    )


async def _passes(handler: HandlerObject, event: Any, raw_state: str | None) -> bool:
    """What aiogram's filters of this handler say, where they can say it without data."""
    for item in handler.filters or ():
        try:
            result = await item.call(event, raw_state=raw_state, bot=None)
        except Exception:  # a filter needing more than the event: not what the index reads
            continue
        if not result:
            return False
    return True


def test_every_handler_left_out_would_have_refused_the_update() -> None:
    dp = _dispatcher()
    routers = [r for r in dp.chain_tail if r is not dp]
    assert routers and all(isinstance(r, IndexedRouter) for r in routers)
    keys: Keys = routers[0]._keys  # type: ignore[attr-defined]
    assert len(keys.callback_prefixes) > 40  # every typed button was found

    events: dict[str, list[Any]] = {
        "callback_query": [_callback(f"{p}:1") for p in sorted(keys.callback_prefixes)]
        + [_callback("forged:1")],
        "message": [_message(t) for t in ("/start", "/new", "  /help", "Кабинет 12")],
    }
    left_out = checked = 0

    async def check() -> None:
        nonlocal left_out, checked
        for state in _states():
            for name, samples in events.items():
                for event in samples:
                    key = keys.of(event, state)
                    for router in routers:
                        observer = router.observers[name]
                        assert isinstance(observer, IndexedObserver)
                        kept = {id(h) for h in observer.candidates(key)}
                        for handler in observer.handlers:
                            checked += 1
                            if id(handler) not in kept:
                                left_out += 1
                                assert not await _passes(handler, event, state), (
                                    router.name,
                                    handler.callback,
                                    state,
                                    key,
                                )

    asyncio.run(check())
    assert left_out > checked / 2  # and the index does leave most of them out


def test_unknown_callback_prefixes_share_one_key() -> None:
    keys = Keys()
    keys.callback_prefixes.update({"nr", "ro"})
    assert keys.of(_callback("nr:5"), None) == (None, "nr")
    forged = {keys.of(_callback(f"x{i}:1"), "Form:step") for i in range(100)}
    assert forged == {("Form:step", None)}  # the memos cannot be grown from outside
    assert keys.of(_message("/help"), None) == (None, True)
    assert keys.of(_message("  /help"), None) == (None, True)  # Command skips the spaces
    assert keys.of(_message("Помощь"), None) == (None, False)


class LateCb(CallbackData, prefix="late"):
    n: int


def test_a_handler_registered_after_indexing_is_reached() -> None:
    dp = _dispatcher()
    router = next(r for r in dp.chain_tail if isinstance(r, IndexedRouter))
    key_before = router._keys.of(_callback("late:1"), None)  # type: ignore[attr-defined]
    assert key_before == (None, None)  # unknown so far: the forged-data key

    async def late(_query: CallbackQuery) -> None:
        return None

    router.callback_query.register(late, LateCb.filter())
    key = router._keys.of(_callback("late:1"), None)  # type: ignore[attr-defined]
    assert key == (None, "late")
    observer = router.callback_query
    assert isinstance(observer, IndexedObserver)
    assert [h.callback for h in observer.candidates(key)] == [late]
    assert router.could_handle("callback_query", key)
