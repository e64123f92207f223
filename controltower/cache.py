"""The shared cache on Redis, failing open: a Redis outage costs speed, never a page.

Everything the portal keeps in the cache can be lost (dashboard figures are recomputed, throttle and
rate-limit counters start over, a replay guard lets a duplicate hint through, which only schedules
one more idempotent refetch). So while Redis cannot be reached, reads miss, writes are dropped and
`add` succeeds, and the request goes on; one warning is logged per outage. After a failure the
process leaves Redis alone for `retry_after` seconds, so a dead server costs each request nothing
rather than a connect timeout, and the first call after that finds it again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

from controltower.redis_pools import UNREACHABLE

logger = logging.getLogger(__name__)
T = TypeVar("T")


class FailOpenRedisCache(RedisCache):
    """Django's Redis cache whose operations degrade to a cache miss while Redis is unreachable."""

    retry_after = 1.0

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._down_until = 0.0
        self._lock = threading.Lock()

    def _guard(self, operation: Callable[[], T], fallback: T) -> T:
        if self._down_until > time.monotonic():
            return fallback
        try:
            result = operation()
        except UNREACHABLE as exc:
            with self._lock:
                if self._down_until == 0.0:
                    logger.warning("Cache unreachable (%s): serving without it until Redis answers again.",
                                   exc.__class__.__name__)
                self._down_until = time.monotonic() + self.retry_after
            return fallback
        if self._down_until:
            with self._lock:
                self._down_until = 0.0
            logger.warning("Cache reachable again.")
        return result

    def add(self, key: Any, value: Any, timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._guard(lambda: super(FailOpenRedisCache, self).add(key, value, timeout, version), True)

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._guard(lambda: super(FailOpenRedisCache, self).get(key, default, version), default)

    def set(self, key: Any, value: Any, timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        self._guard(lambda: super(FailOpenRedisCache, self).set(key, value, timeout, version), None)

    def touch(self, key: Any, timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._guard(lambda: super(FailOpenRedisCache, self).touch(key, timeout, version), False)

    def delete(self, key: Any, version: int | None = None) -> bool:
        return self._guard(lambda: super(FailOpenRedisCache, self).delete(key, version), False)

    def get_many(self, keys: Iterable[Any], version: int | None = None) -> dict[Any, Any]:
        return self._guard(lambda: super(FailOpenRedisCache, self).get_many(keys, version), {})

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return self._guard(lambda: super(FailOpenRedisCache, self).has_key(key, version), False)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        """While Redis is away a counter reads as freshly started (`delta`): limits fail open."""
        return self._guard(lambda: super(FailOpenRedisCache, self).incr(key, delta, version), delta)

    def set_many(self, data: dict[Any, Any], timeout: float | None = DEFAULT_TIMEOUT,
                 version: int | None = None) -> list[Any]:
        return self._guard(lambda: super(FailOpenRedisCache, self).set_many(data, timeout, version), [])

    def delete_many(self, keys: Iterable[Any], version: int | None = None) -> None:
        self._guard(lambda: super(FailOpenRedisCache, self).delete_many(keys, version), None)

    def clear(self) -> None:
        self._guard(lambda: super(FailOpenRedisCache, self).clear(), None)
