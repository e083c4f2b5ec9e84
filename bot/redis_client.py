"""The process's Redis client (dialog state, flood control, limits, the users epoch)."""

from __future__ import annotations

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialWithJitterBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from bot.settings import Settings


def build_redis(settings: Settings) -> Redis | None:
    """A Redis client that survives a Redis restart.

    A broken connection is dropped and a command is retried twice on a new one after a
    short backoff (tens of milliseconds), so a restart costs the updates of a few
    seconds an apology, not the process; `health_check_interval` pings idle
    connections before reuse.
    """
    if settings.redis_url is None:
        return None
    # A blocking pool: when every connection is busy (more updates in flight than
    # REDIS_POOL_SIZE), a command waits for a free one instead of failing the update
    # with MaxConnectionsError.
    pool = BlockingConnectionPool.from_url(
        settings.redis_url.get_secret_value(),
        max_connections=settings.redis_pool_size,
        timeout=5,
        socket_timeout=5,
        socket_connect_timeout=3,
        health_check_interval=15,
        retry=Retry(ExponentialWithJitterBackoff(base=0.05, cap=0.5), retries=2),
        retry_on_error=[RedisConnectionError, RedisTimeoutError, ConnectionError, OSError],
    )
    return Redis.from_pool(pool)  # the client owns the pool: aclose() closes it
