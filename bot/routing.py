"""Routing that looks only at the handlers an update could match.

aiogram tries every handler of every router in order until one's filters pass: a button
press of the new-request dialog was checked against about twenty handlers first, each
check a few calls passing the whole update data along. Most of those fail on something
known before any filter runs: the callback data's prefix (every button is a typed
`CallbackData`), the dialog state, whether the text is a command.

`index(dp)` makes every router under the dispatcher an `IndexedRouter` and its message
and callback-query observers `IndexedObserver`s. For an update they compute a key (dialog
state; the callback data's prefix, or whether the text starts like a command) and, once
per key, which handlers could pass on it: a handler with a `CallbackData` filter of
another prefix, a state filter refusing the state, or a `Command` filter on a text that
is no command is left out, the others are checked in their order as before. A router
none of whose handlers (sub-routers included) could match is not entered at all, unless
it has outer middlewares of its own, which see every update that reaches it.

What is left out would have failed its check: which handler answers is exactly what it
was (the whole suite runs on it; tests/unit/test_routing.py compares both ways).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from aiogram import Dispatcher, Router
from aiogram.dispatcher.event.bases import UNHANDLED, SkipHandler
from aiogram.dispatcher.event.handler import FilterObject, HandlerObject
from aiogram.dispatcher.event.telegram import TelegramEventObserver
from aiogram.filters import Command, StateFilter
from aiogram.filters.callback_data import CallbackQueryFilter
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message, TelegramObject

INDEXED = ("message", "callback_query")
SEPARATOR = ":"  # CallbackData's default; a filter with another one is never left out

Key = tuple[str | None, str | bool | None]
Admits = Callable[[Key], bool]

_generation = 0  # moves on every registration under an indexed router: memos start over


def _changed() -> None:
    global _generation
    _generation += 1


class Keys:
    """What the keys are made of: the prefixes the handlers know (every indexed router
    shares one). Any other callback prefix (stale or forged data) is one key, so the
    memos stay as small as the code."""

    def __init__(self) -> None:
        self.command_prefixes = "/"
        self.callback_prefixes: set[str] = set()

    def of(self, event: TelegramObject, raw_state: str | None) -> Key:
        if isinstance(event, CallbackQuery):
            prefix = event.data.split(SEPARATOR, 1)[0] if event.data is not None else None
            return raw_state, prefix if prefix in self.callback_prefixes else None
        if isinstance(event, Message):
            # As Command reads it: the first word of the text or caption, spaces skipped.
            first = (event.text or event.caption or "").lstrip()[:1]
            return raw_state, first != "" and first in self.command_prefixes
        return raw_state, None

    def learn(self, handler: HandlerObject) -> None:
        for item in handler.filters or ():
            target = _target(item)
            if isinstance(target, Command):
                self.command_prefixes = "".join(sorted({*self.command_prefixes, *target.prefix}))
            elif isinstance(target, CallbackQueryFilter):
                self.callback_prefixes.add(target.callback_data.__prefix__)


def _target(item: FilterObject) -> Any:
    return getattr(item.callback, "__wrapped__", item.callback)  # see run_sync_filters_inline


def _state_admits(states: Iterable[Any], raw_state: str | None) -> bool:
    """What StateFilter answers for `raw_state` (it looks at nothing else)."""
    for allowed in states:
        if isinstance(allowed, str) or allowed is None:
            admitted = allowed in {"*", raw_state}
        elif isinstance(allowed, State | StatesGroup):
            admitted = allowed(event=None, raw_state=raw_state)  # type: ignore[arg-type]
        elif isinstance(allowed, type) and issubclass(allowed, StatesGroup):
            admitted = allowed()(event=None, raw_state=raw_state)  # type: ignore[arg-type]
        else:
            admitted = False
        if admitted:
            return True
    return False


def _condition(item: FilterObject, event_name: str) -> Admits | None:
    """A test on the key: where it says no, the filter would refuse the update. None when
    the filter's answer is not read off the key."""
    target = _target(item)
    if isinstance(target, StateFilter):
        states = target.states
        return lambda key: _state_admits(states, key[0])
    if isinstance(target, State | StatesGroup) or (
        isinstance(target, type) and issubclass(target, StatesGroup)
    ):
        return lambda key: _state_admits((target,), key[0])
    if event_name == "callback_query" and isinstance(target, CallbackQueryFilter):
        data_class = target.callback_data
        if data_class.__separator__ != SEPARATOR:
            return None
        prefix = data_class.__prefix__
        return lambda key: key[1] == prefix
    if event_name == "message" and isinstance(target, Command):  # CommandStart too
        return lambda key: key[1] is True
    return None


def _admits(handler: HandlerObject, event_name: str) -> Admits:
    tests = [t for t in (_condition(f, event_name) for f in handler.filters or ()) if t]
    return lambda key: all(test(key) for test in tests)


class IndexedObserver(TelegramEventObserver):
    """Checks, in their order, only the handlers that could pass on the update's key."""

    _memo: dict[Key, list[HandlerObject]]
    _memo_generation = -1

    def register(self, *args: Any, **kwargs: Any) -> Any:
        registered = super().register(*args, **kwargs)
        _keys(self.router).learn(self.handlers[-1])  # a handler added after `index`
        _changed()
        return registered

    def candidates(self, key: Key) -> list[HandlerObject]:
        if self._memo_generation != _generation:
            self._memo = {}
            self._memo_generation = _generation
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = [h for h in self.handlers if _admits(h, self.event_name)(key)]
        return found

    async def trigger(self, event: TelegramObject, **kwargs: Any) -> Any:
        # TelegramEventObserver.trigger, over the candidates instead of every handler.
        key = _keys(self.router).of(event, kwargs.get("raw_state"))
        for handler in self.candidates(key):
            kwargs["handler"] = handler
            result, data = await handler.check(event, **kwargs)
            if result:
                kwargs.update(data)
                try:
                    wrapped_inner = self.outer_middleware.wrap_middlewares(
                        self._resolve_middlewares(),
                        handler.call,
                    )
                    return await wrapped_inner(event, kwargs)
                except SkipHandler:
                    continue
        return UNHANDLED


class IndexedRouter(Router):
    """Not entered for an update none of its handlers (sub-routers included) could match."""

    _reach: dict[tuple[str, Key], bool]
    _reach_generation = -1

    def include_router(self, router: Router) -> Router:
        _changed()
        return super().include_router(router)

    def could_handle(self, update_type: str, key: Key) -> bool:
        if self._reach_generation != _generation:
            self._reach = {}
            self._reach_generation = _generation
        memo = (update_type, key)
        known = self._reach.get(memo)
        if known is None:
            known = self._reach[memo] = self._could_handle(update_type, key)
        return known

    def _could_handle(self, update_type: str, key: Key) -> bool:
        observer = self.observers[update_type]
        if not isinstance(observer, IndexedObserver) or list(observer.outer_middleware):
            return True
        if observer.candidates(key):
            return True
        return any(
            not isinstance(sub, IndexedRouter) or sub.could_handle(update_type, key)
            for sub in self.sub_routers
        )

    async def propagate_event(self, update_type: str, event: TelegramObject, **kwargs: Any) -> Any:
        if update_type in INDEXED:
            key = _keys(self).of(event, kwargs.get("raw_state"))
            if not self.could_handle(update_type, key):
                return UNHANDLED
        return await super().propagate_event(update_type, event, **kwargs)


def _keys(router: Router) -> Keys:
    return router._keys  # type: ignore[attr-defined, no-any-return]  # set by index()


def index(dp: Dispatcher) -> None:
    """Index every router included in `dp` (call it once they all are)."""
    routers = [r for r in dp.chain_tail if r is not dp]
    keys = Keys()
    for router in routers:
        for name in INDEXED:
            for handler in router.observers[name].handlers:
                keys.learn(handler)
    for router in routers:
        if type(router) is Router:
            router.__class__ = IndexedRouter
        router._keys = keys  # type: ignore[attr-defined]
        for name in INDEXED:
            observer = router.observers[name]
            if type(observer) is TelegramEventObserver:
                observer.__class__ = IndexedObserver
    _changed()
