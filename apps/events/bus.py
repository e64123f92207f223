"""Emitting events and delivering them to subscribers: in the transaction, or after it commits."""

from __future__ import annotations

import enum
import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from apps.events.types import Event

logger = logging.getLogger(__name__)


class Phase(enum.Enum):
    TRANSACTION = "transaction"  # inside the emitting transaction: rows that must commit with the change
    COMMIT = "commit"  # after the commit, best effort: notices, e-mails, caches


@dataclass(frozen=True)
class Subscriber:
    event: type[Event] | tuple[type[Event], ...]  # the event classes it hears (their subclasses too)
    handler: Callable[[Sequence[Any]], None]  # receives the matching events, oldest first
    phase: Phase = Phase.COMMIT

    @property
    def name(self) -> str:
        return f"{self.handler.__module__}.{getattr(self.handler, '__qualname__', self.handler)}"


_SUBSCRIBERS: list[Subscriber] = []
_local = threading.local()


def subscribe(subscribers: Iterable[Subscriber]) -> None:
    """Install subscribers (from an app's `registry.py`, at start-up); installing one twice is a no-op."""
    for subscriber in subscribers:
        if subscriber not in _SUBSCRIBERS:
            _SUBSCRIBERS.append(subscriber)


def subscribers_for(event_type: type[Event]) -> list[Subscriber]:
    return [s for s in _SUBSCRIBERS if issubclass(event_type, s.event)]


def _stack(name: str) -> list[Any]:
    found: list[Any] | None = getattr(_local, name, None)
    if found is None:
        found = []
        setattr(_local, name, found)
    return found


def emit(event: Event) -> None:
    """Say that `event` happened. Call it inside the transaction of the change: transaction-phase
    subscribers run now, commit-phase ones once it commits (never, if it rolls back)."""
    for recorder in _stack("recorders"):
        recorder.append(event)
    batches = _stack("batches")
    if batches:  # delivered when the block ends: in the transaction, then after its commit
        batches[-1].append(event)
        return
    wanted = subscribers_for(type(event))
    _in_transaction([event])
    if any(subscriber.phase is Phase.COMMIT for subscriber in wanted):
        transaction.on_commit(lambda: _after_commit([event]))


def _in_transaction(emitted: list[Event]) -> None:
    """Each transaction-phase subscriber's matching events, in one call (a failure fails the change)."""
    for subscriber in list(_SUBSCRIBERS):
        if subscriber.phase is not Phase.TRANSACTION:
            continue
        matching = [event for event in emitted if isinstance(event, subscriber.event)]
        if matching:
            subscriber.handler(matching)


def _after_commit(emitted: list[Event]) -> None:
    for subscriber in list(_SUBSCRIBERS):
        if subscriber.phase is not Phase.COMMIT:
            continue
        matching = [event for event in emitted if isinstance(event, subscriber.event)]
        if not matching:
            continue
        try:
            subscriber.handler(matching)
        except Exception:  # one subscriber never stops the others, nor the change (already committed)
            logger.exception("Subscriber %s failed on %d %s event(s)", subscriber.name, len(matching),
                             type(matching[0]).__name__)


@contextmanager
def batched() -> Iterator[None]:
    """Events emitted inside reach each subscriber in one call: transaction-phase ones when the block
    ends (still inside the transaction), commit-phase ones after commit. A sync batch of thousands of
    records then costs one webhook check and one live notice pass, not one per record. Use it inside
    the transaction of the change; a block left by an exception delivers nothing (the change fails)."""
    batch: list[Event] = []
    batches = _stack("batches")
    batches.append(batch)
    try:
        yield
    finally:
        batches.pop()
    if not batch:
        return
    _in_transaction(batch)
    if any(subscriber.phase is Phase.COMMIT and isinstance(event, subscriber.event)
           for subscriber in _SUBSCRIBERS for event in batch):
        transaction.on_commit(lambda: _after_commit(batch))


@contextmanager
def recording() -> Iterator[list[Event]]:
    """Every event emitted inside, in order: for tests, and for a caller that must know whether a
    step already said what happened (the exception projector)."""
    recorded: list[Event] = []
    recorders = _stack("recorders")
    recorders.append(recorded)
    try:
        yield recorded
    finally:  # by identity: two recordings holding the same events are still two
        del recorders[next(i for i, found in enumerate(recorders) if found is recorded)]
