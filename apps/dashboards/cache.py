"""Shared, versioned cache of dashboard figures.

Every committed change is announced per store (`apps.live.broadcast`); the announcement also bumps a
version number per store and one for the network (`stores_changed`, registered as a change listener).
A cached computation remembers the versions it was computed at and is reused until one of its stores
changes: viewers of one region share one computation, and a live refresh after a change recomputes.

Network-wide figures (the HQ dashboard) change with every change anywhere; they are reused for up to
`CT_DASHBOARD_NETWORK_STALE_SECONDS` after a change, so a busy network costs one computation per
interval rather than one per viewer per change. Every entry also expires after
`CT_DASHBOARD_CACHE_SECONDS`, which bounds what no announcement covers (an item passing its
deadline). Caching needs a cache all processes share (Redis): with the process-local default cache
a worker's change could not reach the web process's entries, so it is off unless configured.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.core.cache import cache

from apps.dashboards import conf

T = TypeVar("T")
NETWORK_VERSION = "dash:v:network"


def _store_key(store_id: int) -> str:
    return f"dash:v:store:{store_id}"


def _bump(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:  # never counted yet (or evicted): start over, distinct from "absent" (0)
        cache.set(key, int(time.time() * 1000), timeout=None)


def stores_changed(store_ids: Iterable[int | None]) -> None:
    """After commit: these stores' figures changed (None: something network-wide, e.g. health)."""
    if not conf.CACHE_SECONDS:
        return
    for store_id in {pk for pk in store_ids if pk is not None}:
        _bump(_store_key(store_id))
    _bump(NETWORK_VERSION)


def cached(name: str, period_key: str, store_ids: list[int] | None, compute: Callable[[], T], *,
           max_stale: float = 0.0) -> T:
    """`compute()`, or its result from the cache while none of its stores changed since.

    `store_ids` None means the whole network (versioned as one); `max_stale` lets a result outlive a
    change by that many seconds.
    """
    if not conf.CACHE_SECONDS:
        return compute()
    if store_ids is None:
        version_keys, scope = [NETWORK_VERSION], "network"
    else:
        version_keys = [_store_key(pk) for pk in sorted(store_ids)]
        scope = hashlib.sha1(",".join(map(str, sorted(store_ids))).encode(), usedforsecurity=False).hexdigest()
    found = cache.get_many(version_keys)
    versions = tuple(found.get(key, 0) for key in version_keys)
    key = f"dash:{name}:{period_key}:{scope}"
    entry = cache.get(key)
    now = time.time()
    if entry is not None and (entry[0] == versions or now - entry[1] < max_stale):
        return entry[2]
    value = compute()
    cache.set(key, (versions, now, value), timeout=conf.CACHE_SECONDS)
    return value
