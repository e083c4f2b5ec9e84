"""Per-user flood control: a token bucket in Redis (shared by every process) or in memory.

A refused update is dropped whole, before any handler or database work, so nothing the
user sent is half-processed. The user hears "please slow down" once per window, then
silence until the bucket refills.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Protocol

import structlog
from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update, User
from redis.asyncio import Redis

from bot.middlewares import Data, Handler
from utils.i18n import Catalogue

log = structlog.get_logger(__name__)

# Album items arrive as one update each; together they are one user action.
ALBUM_ITEM_COST = 0.1

_LUA_BUCKET = """
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local cost = tonumber(ARGV[4])
local warn_ms = tonumber(ARGV[5])
local data = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(data[1]) or burst
local ts = tonumber(data[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - ts) * rate)
local allowed = 0
if tokens >= cost then
  tokens = tokens - cost
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
local warn = 0
if allowed == 0 and redis.call('SET', KEYS[2], '1', 'NX', 'PX', warn_ms) then
  warn = 1
end
return {allowed, warn}
"""


class RateLimiter(Protocol):
    async def hit(self, user_id: int, cost: float = 1.0) -> tuple[bool, bool]:
        """(allowed, warn): warn is true for the first refusal of a window."""


class MemoryRateLimiter:
    def __init__(self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic):
        self.rate = rate
        self.burst = float(burst)
        self.clock = clock
        self._buckets: dict[int, tuple[float, float]] = {}
        self._warned_until: dict[int, float] = {}

    async def hit(self, user_id: int, cost: float = 1.0) -> tuple[bool, bool]:
        now = self.clock()
        tokens, ts = self._buckets.get(user_id, (self.burst, now))
        tokens = min(self.burst, tokens + max(0.0, now - ts) * self.rate)
        if tokens >= cost:
            self._buckets[user_id] = (tokens - cost, now)
            return True, False
        self._buckets[user_id] = (tokens, now)
        if len(self._buckets) > 50_000:  # bound memory: forget the idle ones
            self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < 60}
        if self._warned_until.get(user_id, 0.0) <= now:
            self._warned_until[user_id] = now + self.window
            return False, True
        return False, False

    @property
    def window(self) -> float:
        return max(1.0, self.burst / self.rate)


class RedisRateLimiter:
    def __init__(self, redis: Redis, rate: float, burst: int, prefix: str = "zavhoz:rl") -> None:
        self.rate = rate
        self.burst = burst
        self.prefix = prefix
        self._script = redis.register_script(_LUA_BUCKET)

    async def hit(self, user_id: int, cost: float = 1.0) -> tuple[bool, bool]:
        key = f"{self.prefix}:{user_id}"
        window_ms = int(max(1.0, self.burst / self.rate) * 1000)
        allowed, warn = await self._script(
            keys=[key, f"{key}:warned"],
            args=[self.rate, self.burst, f"{time.time():.3f}", cost, window_ms],
        )
        return bool(allowed), bool(warn)


class ThrottlingMiddleware(BaseMiddleware):
    def __init__(self, limiter: RateLimiter, on_refusal: Callable[[], None] | None = None):
        self.limiter = limiter
        self.on_refusal = on_refusal

    async def __call__(self, handler: Handler, event: TelegramObject, data: Data) -> Any:
        assert isinstance(event, Update)
        user: User | None = data.get("event_from_user")
        if user is None:
            return await handler(event, data)
        message = event.message
        cost = ALBUM_ITEM_COST if message is not None and message.media_group_id else 1.0
        allowed, warn = await self.limiter.hit(user.id, cost)
        if allowed:
            return await handler(event, data)
        if self.on_refusal is not None:
            self.on_refusal()
        log.info("rate_limited", warned=warn)
        if warn:
            catalogue: Catalogue = data["catalogue"]
            text = catalogue.get(user.language_code, "throttled")
            if event.callback_query is not None:
                await event.callback_query.answer(text, show_alert=True)
            elif message is not None:
                await message.answer(text)
        elif event.callback_query is not None:
            await event.callback_query.answer()  # stop the client's spinner, say nothing
        return None
