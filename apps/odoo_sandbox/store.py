"""The in-memory database: tables of rows, id sequences, a monotonic clock and transactions.

One re-entrant lock guards everything; every RPC call runs inside `transaction()`, which keeps an undo
journal so that a call failing half-way changes nothing (as a rolled-back Odoo transaction), and
collects the create/write events that webhook hints are sent for once the call has committed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

Row = dict[str, Any]
METADATA_MODELS = frozenset({"ir.model.fields"})


@dataclass(frozen=True)
class Event:
    """One committed change: kind is 'create', 'write' or 'unlink'."""

    kind: str
    model: str
    id: int
    fields: tuple[str, ...] = ()


@dataclass
class _Txn:
    undo: list[tuple[str, int, Row | None]] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    depth: int = 0
    stamp: str | None = None


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


STAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f"


class Store:
    def __init__(self, clock: Callable[[], dt.datetime] = utcnow) -> None:
        self.lock = threading.RLock()
        self.tables: dict[str, dict[int, Row]] = {}
        self.xmlids: dict[str, tuple[str, int]] = {}
        self._ids: dict[str, int] = {}
        self._sequences: dict[str, int] = {}
        self._clock = clock
        self._last_now = dt.datetime(2000, 1, 1)
        self._last_stamp = dt.datetime(2000, 1, 1)
        self._txn: _Txn | None = None
        self.listeners: list[Callable[[list[Event]], None]] = []
        # Caches derived from metadata rows (the fields of each model); dropped when those rows change.
        self.derived: dict[str, Any] = {}

    # -- time ------------------------------------------------------------------------------------
    def now_dt(self) -> dt.datetime:
        """UTC now at second precision, never earlier than a value handed out before."""
        with self.lock:
            now = max(self._clock().replace(microsecond=0), self._last_now)
            self._last_now = now
            return now

    def now(self) -> str:
        return self.now_dt().strftime("%Y-%m-%d %H:%M:%S")

    def stamp(self) -> str:
        """The create_date/write_date of the running transaction, with microseconds.

        Odoo stamps every record a transaction writes with the one `cr.now()`, so a create of a list or a
        write on many ids shares one value. Stamps of successive transactions strictly increase, and one
        never falls on a whole second, so `=` on the (truncated) value read never matches it on Odoo 18:
        on a real server that happens once in a million, which would only make tests flaky.
        """
        with self.lock:
            if self._txn is not None and self._txn.stamp is not None:
                return self._txn.stamp
            moment = max(self._clock(), self._last_stamp + dt.timedelta(microseconds=1))
            if moment.microsecond == 0:
                moment += dt.timedelta(microseconds=1)
            self._last_stamp = moment
            self._last_now = max(self._last_now, moment.replace(microsecond=0))
            value = moment.strftime(STAMP_FORMAT)
            if self._txn is not None:
                self._txn.stamp = value
            return value

    def today(self) -> str:
        return self.now_dt().date().isoformat()

    # -- ids and sequences -----------------------------------------------------------------------
    def table(self, model: str) -> dict[int, Row]:
        return self.tables.setdefault(model, {})

    def next_id(self, model: str) -> int:
        self._ids[model] = self._ids.get(model, 0) + 1
        return self._ids[model]

    def reserve_ids(self, model: str, last: int) -> None:
        """Make the next id of `model` come after `last` (seeding fixed ids)."""
        self._ids[model] = max(self._ids.get(model, 0), last)

    def next_sequence(self, code: str) -> int:
        self._sequences[code] = self._sequences.get(code, 0) + 1
        return self._sequences[code]

    # -- rows ------------------------------------------------------------------------------------
    def get(self, model: str, rec_id: Any) -> Row | None:
        """The row of `model` with id `rec_id`, or None (also for False/None ids)."""
        return self.tables.get(model, {}).get(rec_id) if isinstance(rec_id, int) else None

    def insert(self, model: str, row: Row) -> int:
        rec_id = int(row["id"])
        self.table(model)[rec_id] = row
        self.reserve_ids(model, rec_id)
        self._journal(model, rec_id, None, Event("create", model, rec_id, tuple(row)))
        return rec_id

    def update(self, model: str, rec_id: int, values: Row, *, event: bool = True) -> None:
        row = self.table(model)[rec_id]
        before = dict(row)
        row.update(values)
        self._journal(model, rec_id, before, Event("write", model, rec_id, tuple(values)) if event else None)

    def delete(self, model: str, rec_id: int) -> None:
        row = self.table(model).pop(rec_id)
        self._journal(model, rec_id, row, Event("unlink", model, rec_id))

    def drop_column(self, model: str, name: str) -> None:
        """Forget every value of a removed field (as Odoo drops the column), undoably."""
        for rec_id, row in self.table(model).items():
            if name in row:
                before = dict(row)
                del row[name]
                self._journal(model, rec_id, before, None)

    def _journal(self, model: str, rec_id: int, before: Row | None, event: Event | None) -> None:
        if model in METADATA_MODELS:
            self.derived.clear()
        if self._txn is None:
            return
        self._txn.undo.append((model, rec_id, before))
        if event is not None:
            self._txn.events.append(event)

    # -- transactions ----------------------------------------------------------------------------
    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Run a block atomically; nested blocks join the outer one. Listeners hear of the changes
        after the outermost block commits, outside the lock."""
        events: list[Event] = []
        with self.lock:
            outer = self._txn is None
            if outer:
                self._txn = _Txn()
            txn = self._txn
            assert txn is not None
            txn.depth += 1
            try:
                yield
            except BaseException:
                if outer:
                    self._rollback(txn)
                raise
            finally:
                txn.depth -= 1
                if outer:
                    self._txn = None
            if outer:
                events = txn.events
        if events:
            for listener in list(self.listeners):
                listener(events)

    def _rollback(self, txn: _Txn) -> None:
        self.derived.clear()
        for model, rec_id, before in reversed(txn.undo):
            table = self.table(model)
            if before is None:
                table.pop(rec_id, None)
            else:
                table[rec_id] = before
