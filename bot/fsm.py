"""Dialog state read once and written once per update.

aiogram's FSMContext goes to the storage on every call: a dialog step that reads the
state, reads the data, updates the data and moves to the next state costs five Redis
round trips. Here one update's context loads state and data together (one MGET on Redis)
the first time either is needed, serves every later read from memory, and writes what
changed in one pipeline when the handler returns — still inside the per-user event lock,
so the next update of the same person sees it. `make bench` counts the round trips.

A dialog's data is a pydantic model: `load_form` reads it once per update, `save_form`
writes it back (both served by the batching above, so they cost no extra round trip).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from aiogram import Bot, Dispatcher
from aiogram.fsm.context import FSMContext
from aiogram.fsm.middleware import FSMContextMiddleware
from aiogram.fsm.state import State
from aiogram.fsm.storage.base import (
    DEFAULT_DESTINY,
    BaseEventIsolation,
    BaseStorage,
    StateType,
    StorageKey,
)
from aiogram.fsm.storage.redis import RedisStorage
from aiogram.fsm.strategy import FSMStrategy
from aiogram.types import TelegramObject
from pydantic import BaseModel, ValidationError

from bot.middlewares import Data, Handler

_UNSET: Any = object()
F = TypeVar("F", bound=BaseModel)


class UpdateFSMContext(FSMContext):
    """One update's view of one dialog; `flush()` writes back what changed."""

    def __init__(
        self, storage: BaseStorage, key: StorageKey, also_read: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(storage, key)
        self._also_read = also_read or {}
        #: What the `also_read` Redis keys hold, read in the same round trip (Redis only).
        self.also_values: dict[str, Any] = {}
        self._state: str | None = _UNSET
        self._data: dict[str, Any] = _UNSET
        self._state_dirty = False
        self._data_dirty = False
        self._handled = False  # after the handler: write through (an error handler, say)

    async def _load(self) -> None:
        if self._state is not _UNSET and self._data is not _UNSET:
            return
        state, data, self.also_values = await _read(self.storage, self.key, self._also_read)
        if self._state is _UNSET:
            self._state = state
        if self._data is _UNSET:
            self._data = data

    async def get_state(self) -> str | None:
        await self._load()
        return self._state

    async def set_state(self, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        if not self._state_dirty and self._state is not _UNSET and value == self._state:
            return  # what the storage holds already: nothing to write
        self._state = value
        self._state_dirty = True
        await self._write_through()

    async def get_data(self) -> dict[str, Any]:
        await self._load()
        return copy.deepcopy(self._data)

    async def set_data(self, data: Mapping[str, Any]) -> None:
        if not self._data_dirty and self._data is not _UNSET and dict(data) == self._data:
            return  # what the storage holds already: nothing to write
        self._data = copy.deepcopy(dict(data))
        self._data_dirty = True
        await self._write_through()

    async def get_value(self, key: str, default: Any | None = None) -> Any | None:
        await self._load()
        return copy.deepcopy(self._data.get(key, default))

    async def update_data(
        self, data: Mapping[str, Any] | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        if data:
            kwargs.update(data)
        await self._load()
        self._data.update(copy.deepcopy(kwargs))
        self._data_dirty = True
        await self._write_through()
        return copy.deepcopy(self._data)

    async def clear(self) -> None:
        await self.set_state(None)
        await self.set_data({})

    async def _write_through(self) -> None:
        if self._handled:
            await self.flush()

    async def flush(self) -> None:
        """Write what changed; from now on every change is written at once."""
        self._handled = True
        if not (self._state_dirty or self._data_dirty):
            return
        state = self._state if self._state_dirty else _UNSET
        data = self._data if self._data_dirty else _UNSET
        self._state_dirty = self._data_dirty = False
        await _write(self.storage, self.key, state, data)


async def _read(
    storage: BaseStorage, key: StorageKey, also: Mapping[str, str]
) -> tuple[str | None, dict[str, Any], dict[str, Any]]:
    if not isinstance(storage, RedisStorage):
        return await storage.get_state(key), await storage.get_data(key), {}
    build = storage.key_builder.build
    state, data, *others = await storage.redis.mget(
        build(key, "state"), build(key, "data"), *also.values()
    )
    values = dict(zip(also, others, strict=True))
    if isinstance(state, bytes):
        state = state.decode("utf-8")
    if data is None:
        return state, {}, values
    if isinstance(data, bytes):
        data = data.decode("utf-8")
    return state, cast(dict[str, Any], storage.json_loads(data)), values


async def _write(storage: BaseStorage, key: StorageKey, state: Any, data: Any) -> None:
    """What RedisStorage.set_state / set_data do, in one pipeline (others: as they are)."""
    if not isinstance(storage, RedisStorage):
        if state is not _UNSET:
            await storage.set_state(key, state)
        if data is not _UNSET:
            await storage.set_data(key, data)
        return
    build = storage.key_builder.build
    async with storage.redis.pipeline(transaction=False) as pipe:
        if state is not _UNSET:
            if state is None:
                pipe.delete(build(key, "state"))
            else:
                pipe.set(build(key, "state"), state, ex=storage.state_ttl)
        if data is not _UNSET:
            if not data:
                pipe.delete(build(key, "data"))
            else:
                pipe.set(build(key, "data"), storage.json_dumps(data), ex=storage.data_ttl)
        await pipe.execute()


class UpdateFSMMiddleware(FSMContextMiddleware):
    """aiogram's FSM middleware, handing out UpdateFSMContext and flushing it.

    `also_read` (update data key → Redis key): values read with the dialog state, in the
    same round trip, and put into the update's data (with Redis only; e.g. the users epoch
    of `bot.services.user_cache`).
    """

    def __init__(
        self,
        storage: BaseStorage,
        events_isolation: BaseEventIsolation,
        strategy: FSMStrategy = FSMStrategy.USER_IN_CHAT,
        also_read: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(storage, events_isolation, strategy)
        self.also_read = dict(also_read or {})

    def get_context(
        self,
        bot: Bot,
        chat_id: int,
        user_id: int,
        thread_id: int | None = None,
        business_connection_id: str | None = None,
        destiny: str = DEFAULT_DESTINY,
    ) -> UpdateFSMContext:
        key = (
            super()
            .get_context(bot, chat_id, user_id, thread_id, business_connection_id, destiny)
            .key
        )  # aiogram builds the key; only the context's class differs
        return UpdateFSMContext(self.storage, key, self.also_read)

    async def __call__(self, handler: Handler, event: TelegramObject, data: Data) -> Any:
        context = self.resolve_event_context(cast(Bot, data["bot"]), data)
        data["fsm_storage"] = self.storage
        if context is None:
            return await handler(event, data)
        assert isinstance(context, UpdateFSMContext)
        async with self.events_isolation.lock(key=context.key):
            data.update({"state": context, "raw_state": await context.get_state()})
            data.update(context.also_values)
            try:
                return await handler(event, data)
            finally:
                await context.flush()


def install(dp: Dispatcher, also_read: Mapping[str, str] | None = None) -> None:
    """Use UpdateFSMMiddleware in place of the FSM middleware aiogram registered.

    The dispatcher must have been created with `disable_fsm=True`; its `fsm` (storage,
    isolation, strategy) is kept and wrapped, in the same place among the middlewares.
    """
    fsm = UpdateFSMMiddleware(
        dp.fsm.storage, dp.fsm.events_isolation, dp.fsm.strategy, also_read=also_read
    )
    dp.fsm = fsm
    dp.update.outer_middleware(fsm)


async def load_form(state: FSMContext, form: type[F]) -> F:
    """The dialog's data as its model; data that no longer fits starts a fresh form."""
    try:
        return form.model_validate(await state.get_data())
    except ValidationError:
        return form()


async def save_form(state: FSMContext, form: BaseModel) -> None:
    """Keep the form (unset values are left out of the stored JSON)."""
    await state.set_data(form.model_dump(mode="json", exclude_none=True))
