"""Connection-pool options for redis-py, shared by the cache (sync client) and the channel layer
(asyncio client): short connect timeout, one quick retry on a dropped connection (a pooled connection
that died with a Redis restart is replaced at once instead of failing the call), and a PING before
reusing a connection that sat idle, so a restarted Redis is found again within a second or two."""

from __future__ import annotations

from typing import Any

from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)


def redis_pool_options(*, socket_timeout: float, asyncio: bool = False,
                       health_check_interval: int = 2) -> dict[str, Any]:
    if asyncio:
        from redis.asyncio.retry import Retry as AsyncRetry

        retry: Any = AsyncRetry(ExponentialBackoff(cap=0.2, base=0.05), 2)
    else:
        from redis.retry import Retry

        retry = Retry(ExponentialBackoff(cap=0.2, base=0.05), 2)
    return {"socket_connect_timeout": 1.0, "socket_timeout": socket_timeout,
            "health_check_interval": health_check_interval, "retry": retry,
            "retry_on_error": [RedisConnectionError, RedisTimeoutError]}
