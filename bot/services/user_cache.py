"""The people behind the updates, kept in memory between their updates (with Redis).

Loading the user was the largest single cost of an update (a statement, its ORM load and
the unit around it: about a tenth of the CPU). A person's row changes rarely, but a
change of role or a block is authorization and must hold at once, in every process. So:

- every transaction (of the bot, the web panel, any replica) that changes a user sets
  the **users epoch**, a Redis key, to a new random value: just before its COMMIT (a
  Redis that cannot be told aborts the write) and again just after it (`watching`); a
  new user moves nothing, nobody can have them in memory yet;
- every update reads the epoch in the round trip that reads its dialog state (`bot.fsm`);
- a process serves a person from memory only while the epoch is the one it read them
  under, and for at most `TTL_SECONDS` (a change made straight in the database, by hand,
  is seen within that time); otherwise it loads them, as before.

A person read under an epoch that a writer set before its commit was visible is dropped
by the second value. Without Redis (the embedded default, one process) nothing is kept.
"""

from __future__ import annotations

import secrets
import time
from typing import Any, Final

import structlog
from redis.asyncio import Redis
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.util import await_only

from bot.services import watching
from models import User

log = structlog.get_logger(__name__)

EPOCH_KEY: Final = "zavhoz:users:epoch"
#: The update data key the dialog middleware puts the epoch under (bytes, or None).
EPOCH_DATA_KEY: Final = "users_epoch"
TTL_SECONDS: Final = 60.0
MAX_PEOPLE: Final = 20_000  # more than any school; past it, everything is read again

_COLUMNS: Final = tuple(attr.key for attr in inspect(User).column_attrs)
_UNKNOWN: Any = object()


class UsersEpoch:
    """The writers' side: a new epoch around every commit that changed a user."""

    inserts_matter = False  # a person nobody has read yet is in no process's memory

    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    def committing(self) -> None:
        self._bump()

    def committed(self) -> None:
        # The write is in: a Redis gone since the first value must not fail it. Other
        # processes then see the change once they read the person again (TTL_SECONDS).
        try:
            self._bump()
        except Exception as exc:
            log.warning("users_epoch_not_set", error=type(exc).__name__)

    def _bump(self) -> None:
        await_only(self.redis.set(EPOCH_KEY, secrets.token_hex(8)))


def watch_epoch(session_pool: async_sessionmaker[AsyncSession], redis: Redis) -> UsersEpoch:
    """Move the users epoch in `redis` around every commit of `session_pool` that changes
    a user, for as long as the pool lives. One writer per pool: a later call (a new
    dispatcher on the pool) replaces the earlier one, so a commit sets the epoch twice,
    not twice per dispatcher ever built."""
    writer = UsersEpoch(redis)
    watching.hold(session_pool, User, writer)
    return writer


class UserCache:
    """One process's people, valid under one epoch."""

    inserts_matter = False

    def __init__(self) -> None:
        self._epoch: Any = _UNKNOWN
        self._people: dict[int, tuple[float, dict[str, Any]]] = {}

    @classmethod
    def watching(cls, session_pool: async_sessionmaker[AsyncSession], redis: Redis) -> UserCache:
        """A cache for a process whose writes go through `session_pool`: they move the
        epoch in `redis` and empty the cache at once."""
        watch_epoch(session_pool, redis)
        cache = cls()
        watching.watch(session_pool, User, cache)
        return cache

    def attach(self, session: AsyncSession, telegram_id: int, epoch: bytes | None) -> User | None:
        """The person as last read, added to `session` as loaded (no query), or None when
        they must be read: unknown, read too long ago, or the epoch moved since."""
        if epoch != self._epoch:
            self._people.clear()
            self._epoch = epoch
            return None
        known = self._people.get(telegram_id)
        if known is None or time.monotonic() - known[0] > TTL_SECONDS:
            return None
        user = User(**known[1])
        make_transient_to_detached(user)  # persistent as if just loaded: no changes to flush
        session.add(user)
        return user

    def remember(self, user: User, epoch: bytes | None) -> None:
        """Keep `user`, just read from the database under `epoch` and left unchanged."""
        if epoch != self._epoch:
            return
        if len(self._people) >= MAX_PEOPLE:
            self._people.clear()
        self._people[user.telegram_id] = (
            time.monotonic(),
            {key: getattr(user, key) for key in _COLUMNS},
        )

    def committing(self) -> None:
        return None

    def committed(self) -> None:
        self._people.clear()  # this process's own write: at once, not on the next read
