"""Telegram's limits: a global sliding window (25 calls/s by default), one call per second
to a private chat and 20 per minute to a group; a 429 pauses all sending for its
`retry_after`. Each process keeps its own windows; with Redis, every process also shares
one set of windows (`SharedLimits`), so N replicas send at most the limits, not N times them.
"""

from __future__ import annotations

import asyncio
import itertools
import time
import uuid
from collections import deque

import structlog
from redis.asyncio import Redis

from bot.sender.clock import Clock, sleep_until

log = structlog.get_logger(__name__)


class SlidingWindow:
    """At most `limit` calls in any `period` seconds (a half-open window)."""

    def __init__(self, limit: int, period: float) -> None:
        self.limit = limit
        self.period = period
        self._calls: deque[float] = deque()

    @classmethod
    def for_rate(cls, count: float, period: float) -> SlidingWindow:
        """`count` calls per `period` seconds; a fractional count narrows the window."""
        limit = max(1, int(count))
        return cls(limit, period * limit / count)

    def ready_at(self, now: float) -> float:
        """The earliest moment a call is allowed (`now` if it is allowed now)."""
        calls = self._calls
        while calls and calls[0] + self.period <= now:
            calls.popleft()
        if len(calls) < self.limit:
            return now
        return calls[0] + self.period

    def take(self, now: float) -> None:
        self._calls.append(now)

    @property
    def idle(self) -> bool:
        return not self._calls


# ------------------------------------------------------------ limits shared via Redis
# One atomic step over two sliding-window logs (sorted sets of call times): the global
# one and the chat's. Allowed when both have room (then the call is logged in both), else
# the moment the fuller one has room. A 429 pause is a key every process honours.
# A caller whose `now` is behind the newest logged call (its clock lags another
# process's, or it read the time before an await) is told to come back at that call's
# time: the logs only grow in time, so a cleanup made at a later `now` never drops
# calls that an earlier `now` would still count (that let two senders pass the limit).
# Times come from the caller's clock and travel as exact strings both ways (a Lua number
# passed to Redis is printed with 14 digits: a tenth of a millisecond off at epoch times,
# enough to let a call in early; one returned would be cut to an integer). ARGV: the
# member, then per window: limit, cutoff (now - period, from Python), period.
_LUA_SHARED_WINDOWS = """
local now = ARGV[1]
local pause = redis.call('GET', KEYS[3])
if pause and tonumber(pause) > tonumber(now) then return pause end
for i = 1, 2 do
  local newest = redis.call('ZRANGE', KEYS[i], -1, -1, 'WITHSCORES')[2]
  if newest and tonumber(newest) > tonumber(now) then return newest end
end
local ready = nil
for i = 1, 2 do
  local key, limit = KEYS[i], tonumber(ARGV[3 * i])
  local cutoff, period = ARGV[3 * i + 1], tonumber(ARGV[3 * i + 2])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', cutoff)
  if redis.call('ZCARD', key) >= limit then
    local oldest = tonumber(redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')[2])
    local at = oldest + period
    if ready == nil or at > ready then ready = at end
  end
end
if ready ~= nil then return string.format('%.17g', ready) end
for i = 1, 2 do
  redis.call('ZADD', KEYS[i], now, ARGV[2])
  redis.call('PEXPIRE', KEYS[i], math.ceil(tonumber(ARGV[3 * i + 2]) * 1000) + 1000)
end
return '0'
"""


class SharedLimits:
    """Telegram's limits kept across every process on one Redis (N webhook replicas send
    at most the limits, not N times them). Without Redis each process keeps its own."""

    def __init__(self, redis: Redis, prefix: str = "zavhoz:outbox") -> None:
        self.prefix = prefix
        self._redis = redis
        self._script = redis.register_script(_LUA_SHARED_WINDOWS)
        self._calls = itertools.count()
        self._id = uuid.uuid4().hex[:8]

    async def reserve(
        self, chat_id: int, chat: SlidingWindow, total: SlidingWindow, now: float
    ) -> float:
        """Take a call for `chat_id` at `now` (returns `now`), or the moment to try again."""
        ready = await self._script(
            keys=[f"{self.prefix}:global", f"{self.prefix}:chat:{chat_id}", f"{self.prefix}:pause"],
            args=[
                repr(now),
                f"{self._id}:{next(self._calls)}",
                total.limit,
                repr(now - total.period),
                repr(total.period),
                chat.limit,
                repr(now - chat.period),
                repr(chat.period),
            ],
        )
        at = float(ready.decode() if isinstance(ready, bytes) else ready)
        return now if at == 0 else at

    async def pause(self, until: float) -> None:
        """Every process waits until `until` (a 429's retry_after)."""
        key = f"{self.prefix}:pause"
        await self._redis.set(key, repr(until), px=max(1, int((until - time.time()) * 1000) + 1000))


class Limits:
    """One sender's view of the limits: its own windows, the shared ones, the 429 pause."""

    def __init__(
        self,
        clock: Clock,
        stopping: asyncio.Event,
        *,
        rate_per_second: float,
        private_rate_per_second: float,
        group_rate_per_minute: float,
        redis: Redis | None = None,
    ) -> None:
        self.clock = clock
        self.paused_until = 0.0
        self._stopping = stopping
        self._global = SlidingWindow.for_rate(rate_per_second, 1.0)
        self._private_rate = private_rate_per_second
        self._group_rate = group_rate_per_minute
        self._chats: dict[int, SlidingWindow] = {}
        self._shared = SharedLimits(redis) if redis is not None else None
        self._background: set[asyncio.Future[None]] = set()

    def cooling(self, now: float) -> dict[int, float]:
        """The chats over their own limit, with the moment each has room again; the
        windows of chats with no recent call are dropped."""
        cooling: dict[int, float] = {}
        for chat_id, window in list(self._chats.items()):
            ready = window.ready_at(now)
            if ready > now:
                cooling[chat_id] = ready
            elif window.idle:
                del self._chats[chat_id]
        return cooling

    def _window(self, chat_id: int) -> SlidingWindow:
        window = self._chats.get(chat_id)
        if window is None:
            if chat_id > 0:
                window = SlidingWindow.for_rate(self._private_rate, 1.0)
            else:
                window = SlidingWindow.for_rate(self._group_rate, 60.0)
            self._chats[chat_id] = window
        return window

    async def acquire(self, chat_id: int, lease_end: float, min_lease_left: float) -> bool:
        """Wait for the limits; False when stopping or less than `min_lease_left` seconds
        of the lease (ending at `lease_end`) would be left.

        The process's own windows first (no round trip while it is over them), then,
        with Redis, the windows every process shares. A Redis that does not answer
        leaves each process its own limits rather than stopping the notifications.
        """
        chat = self._window(chat_id)
        while not self._stopping.is_set():
            now = self.clock.now()
            ready = max(self.paused_until, self._global.ready_at(now), chat.ready_at(now))
            if ready <= now:
                if lease_end - now < min_lease_left:
                    return False  # give the row back rather than risk a double send
                ready = await self._reserve_shared(chat_id, chat, now)
            if ready <= now:
                self._global.take(now)
                chat.take(now)
                return True
            await sleep_until(self.clock, self._stopping, ready)
        return False

    async def _reserve_shared(self, chat_id: int, chat: SlidingWindow, now: float) -> float:
        if self._shared is None:
            return now
        try:
            return await self._shared.reserve(chat_id, chat, self._global, now)
        except Exception as exc:
            log.warning("outbox_shared_limits_unavailable", error=type(exc).__name__)
            return now

    def pause(self, retry_after: float) -> None:
        """A 429: no call for `retry_after` seconds, in this process and (with Redis) all."""
        until = self.clock.now() + retry_after
        if until > self.paused_until:
            self.paused_until = until
            log.warning("outbox_paused", retry_after=retry_after)
            if self._shared is not None:
                self._share_pause(self._shared, until)

    def _share_pause(self, shared: SharedLimits, until: float) -> None:
        async def share() -> None:
            try:
                await shared.pause(until)
            except Exception as exc:
                log.warning("outbox_shared_limits_unavailable", error=type(exc).__name__)

        task = asyncio.ensure_future(share())
        self._background.add(task)
        task.add_done_callback(self._background.discard)
