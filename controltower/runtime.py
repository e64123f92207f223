"""What long-lived processes (web, worker) do once they have started.

Python's cyclic garbage collector walks every tracked object of its oldest generation on each full
collection. A web or worker process holds a large heap from start-up that lives as long as the process
(Django's apps and models, settings, translations, the URL map); a first import allocates tens of
thousands of rows a page, which triggers full collections that walk that heap again and again.
`heap_freeze` moves what is alive after start-up out of the collector's sight (`gc.freeze`, made for
this): measured on a first import of 10,000 approvals, the sync's own CPU time falls by about a quarter
(`bench/sync.py`). What the process allocates afterwards is collected as usual.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager


def heap_freeze() -> None:
    gc.collect()
    gc.freeze()


FULL_COLLECTIONS_HELD = 10_000  # young collections between two full ones while held (Python's default: 10)
_held = 0
_saved: tuple[int, int, int] | None = None
_lock = threading.Lock()


@contextmanager
def full_collections_held() -> Iterator[None]:
    """Around a sync run: a first import allocates and frees tens of thousands of rows, and the objects a
    page leaves are freed by reference counting, not by the collector; yet every tenth young collection
    may start a full one over everything alive since the freeze (about 100,000 objects in a worker,
    60-70 ms each, two or three per 10,000 records). Young collections go on (a page's own reference
    cycles are still found); full ones wait until the run ends, when the thresholds are put back."""
    global _held, _saved
    with _lock:
        if _held == 0:
            _saved = gc.get_threshold()
            gc.set_threshold(_saved[0], _saved[1], max(_saved[2], FULL_COLLECTIONS_HELD))
        _held += 1
    try:
        yield
    finally:
        with _lock:
            _held -= 1
            if _held == 0 and _saved is not None:
                gc.set_threshold(*_saved)
