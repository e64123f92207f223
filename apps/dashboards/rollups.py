"""Keeping the dashboard rollups equal to the rows: an idempotent incremental refresh with a
watermark per kind, a full rebuild, and the reconciliation that proves cells == rows.

The refresh (worker, every `CT_DASHBOARD_ROLLUP_INTERVAL` seconds) recomputes, per kind:
- every store's cells of the days that closed since its last run (yesterday, after midnight);
- the cells of the stores whose rows were written since the watermark (`updated_at`, read back
  `ROLLUP_OVERLAP` earlier so a transaction that committed after a run began is not missed), from the
  earliest day those rows can count on up to yesterday.
Recomputing a cell from the rows is idempotent, so overlapping or repeated runs change nothing.
Today's cells are never stored: the dashboards read today and open work from the rows.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.dashboards import conf
from apps.dashboards.models import DailyRollup, RollupMark
from apps.dashboards.rollup_cells import Cell, CellKey, cells_compute, changed_since, earliest_day, kinds, local_day

log = logging.getLogger(__name__)
ROLLUP_OVERLAP = timedelta(minutes=2)


def _yesterday(now: datetime) -> date:
    return local_day(now) - timedelta(days=1)


def _write(kind: str, first: date, last: date, stores: list[int] | None, cells: dict[CellKey, Cell]) -> int:
    """Replace the stored cells of first..last (of `stores`, or all) by `cells`."""
    stale = DailyRollup.objects.filter(kind=kind, day__gte=first, day__lte=last)
    if stores is not None:
        stale = stale.filter(store_id__in=stores)
    stale.delete()
    DailyRollup.objects.bulk_create(
        [DailyRollup(kind=kind, store_id=store_id, day=day, **cell.as_values())
         for (store_id, day), cell in cells.items()], batch_size=2000)
    return len(cells)


@transaction.atomic
def rollups_rebuild(*, now: datetime | None = None) -> int:
    """Every kind's cells, from its first row up to yesterday, recomputed from the rows."""
    now = now or timezone.now()
    yesterday, written = _yesterday(now), 0
    for kind in kinds():
        first = earliest_day(kind)
        DailyRollup.objects.filter(kind=kind).delete()
        if first is not None:
            written += _write(kind, first, yesterday, None, cells_compute(kind, first, yesterday))
        RollupMark.objects.update_or_create(kind=kind, defaults={"changes_through": now,
                                                                 "closed_through": yesterday})
    return written


@dataclass(frozen=True)
class RefreshResult:
    kind: str
    closed_days: int
    stores: int
    cells: int


def rollups_refresh(*, now: datetime | None = None) -> list[RefreshResult]:
    """Bring every kind's rollups up to the rows (see the module docstring). Safe to run at once in
    several workers: each kind's watermark row is locked while it is advanced."""
    results = []
    for kind in kinds():
        with transaction.atomic():
            results.append(_refresh_kind(kind, now or timezone.now()))
    return results


def _refresh_kind(kind: str, now: datetime) -> RefreshResult:
    yesterday = _yesterday(now)
    mark = RollupMark.objects.select_for_update().filter(kind=kind).first()
    if mark is None:  # never built: start from every row there is
        first = earliest_day(kind)
        cells = cells_compute(kind, first, yesterday) if first is not None else {}
        if first is not None:
            _write(kind, first, yesterday, None, cells)
        RollupMark.objects.create(kind=kind, changes_through=now, closed_through=yesterday)
        return RefreshResult(kind, 0, 0, len(cells))
    written, closed = 0, 0
    if mark.closed_through < yesterday:
        first = mark.closed_through + timedelta(days=1)
        closed = (yesterday - first).days + 1
        written += _write(kind, first, yesterday, None, cells_compute(kind, first, yesterday))
    earliest: dict[int, datetime] = {}
    for row in changed_since(kind, mark.changes_through - ROLLUP_OVERLAP).iterator():
        store_id, moment = row["store_id"], row["earliest"]
        if moment is not None and (store_id not in earliest or moment < earliest[store_id]):
            earliest[store_id] = moment
    if earliest:
        first = min(local_day(moment) for moment in earliest.values())
        stores = sorted(earliest)
        if first <= yesterday:
            written += _write(kind, first, yesterday, stores, cells_compute(kind, first, yesterday, stores))
    mark.changes_through, mark.closed_through = now, max(mark.closed_through, yesterday)
    mark.save(update_fields=["changes_through", "closed_through"])
    return RefreshResult(kind, closed, len(earliest), written)


@dataclass(frozen=True)
class Mismatch:
    kind: str
    store_id: int
    day: date
    stored: dict[str, Any] | None
    computed: dict[str, Any] | None


def rollups_compare(*, now: datetime | None = None) -> list[Mismatch]:
    """Every stored cell against the same cell computed from the rows, up to yesterday."""
    yesterday = _yesterday(now or timezone.now())
    mismatches = []
    for kind in kinds():
        first = earliest_day(kind)
        computed = ({key: cell.as_values() for key, cell in cells_compute(kind, first, yesterday).items()}
                    if first is not None else {})
        stored = {(row.store_id, row.day): {name: getattr(row, name) for name in
                                            ("opened", "finished", "due", "met", "durations", "closed_after_days")}
                  for row in DailyRollup.objects.filter(kind=kind, day__lte=yesterday).iterator()}
        for key in sorted(set(computed) | set(stored)):
            if computed.get(key) != stored.get(key):
                mismatches.append(Mismatch(kind, key[0], key[1], stored.get(key), computed.get(key)))
    return mismatches


def rollups_enabled() -> bool:
    return conf.ROLLUP_INTERVAL > 0
