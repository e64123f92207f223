"""Reading a feed's pages one ahead of the writer.

The next page is fetched while the current one is written (its position is known as soon as a page
arrives), so database work hides behind Odoo's latency. The first page is asked for as soon as the
run knows where to start, before its bookkeeping (run record, lease): an incremental run of a few
changes is mostly that one read, and it now overlaps the rest. A failed fetch surfaces when its page
is taken, after the pages before it were applied.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from apps.odoo_gateway import OdooGateway
from apps.sync.models import Feed
from apps.sync.paging import Position, Step, step


class PageReader:
    """The pages of one pass over a feed, from `position`, with `base` as the domain."""

    def __init__(self, feed: Feed, gateway: OdooGateway, base: list[Any], position: Position) -> None:
        self.feed, self.gateway, self.base = feed, gateway, base
        self.position = position
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"sync-{feed.slug}")
        self._pending: Future[list[dict[str, Any]]] | None = self._executor.submit(self._fetch, position)

    def _fetch(self, at: Position) -> list[dict[str, Any]]:
        return self.gateway.search_read(self.feed.odoo_model, self.base + at.domain(), self.feed.fetch_fields,
                                        order=at.order, limit=self.feed.batch_size)

    def restart(self, base: list[Any], position: Position) -> None:
        """Start somewhere else (the first page already asked for is dropped unless it is the same)."""
        if base == self.base and position == self.position:
            return
        self.base, self.position = base, position
        self._pending = self._executor.submit(self._fetch, position)

    def pages(self) -> Iterator[tuple[list[dict[str, Any]], Step, bool]]:
        """Each page with what it taught (cursor, next position) and whether another page follows."""
        while self._pending is not None:
            rows = self._pending.result()
            learned = step(self.position, rows, self.feed.batch_size)
            self._pending = self._executor.submit(self._fetch, learned.next) if learned.next is not None else None
            yield rows, learned, self._pending is not None
            self.position = learned.next or self.position

    def close(self, *, wait: bool = True) -> None:
        """Stop reading; without `wait` a read on the wire finishes in the background, unused."""
        self._pending = None
        self._executor.shutdown(wait=wait, cancel_futures=True)
