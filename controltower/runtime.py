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


def heap_freeze() -> None:
    gc.collect()
    gc.freeze()
