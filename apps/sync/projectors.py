"""Domain apps turn mirrored records into their own rows (approvals, incidents, exceptions).

The sync engine calls the projector registered for a feed's kind inside the transaction that saved
the batch, so a mirror row and its domain row can never disagree after a crash.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from apps.sync.models import Feed, MirrorRecord


@dataclass
class BatchResult:
    """What one batch changed in the mirror."""

    feed: Feed
    upserted: list[MirrorRecord] = field(default_factory=list)
    closed: list[MirrorRecord] = field(default_factory=list)
    created_count: int = 0

    @property
    def created(self) -> list[MirrorRecord]:
        """The records new to the mirror in this batch (they come first in `upserted`): no domain row
        can point at them yet."""
        return self.upserted[:self.created_count]

    @property
    def store_ids(self) -> set[int]:
        return {record.store_id for record in (*self.upserted, *self.closed) if record.store_id is not None}


Projector = Callable[[BatchResult], None]
_PROJECTORS: dict[str, list[Projector]] = {}


def projector_register(kind: str, projector: Projector) -> None:
    """Register once per process (from an AppConfig.ready)."""
    if projector not in _PROJECTORS.setdefault(kind, []):
        _PROJECTORS[kind].append(projector)


def project(batch: BatchResult) -> None:
    for projector in _PROJECTORS.get(batch.feed.kind, []):
        projector(batch)


def projectors_for(kind: str) -> Iterable[Projector]:
    return tuple(_PROJECTORS.get(kind, ()))
