"""KPI queries: one aggregation query per source and level, never a loop over rows.

Every query is narrowed to the viewer's stores (read once per request from the scope choke point, see
`scope.Viewer`) and adds conditional aggregates (`COUNT(*) FILTER (WHERE ...)`, `percentile_cont`), so the number of
queries per dashboard is fixed whatever the data size. Definitions (also in the README):

- open / overdue: waiting now / waiting now and past the deadline.
- SLA attainment: of the items whose deadline fell in the period, the share finished on or before it
  (items decided in Odoo or closed as duplicates have no portal timing and are left out).
- approval cycle time p50/p90: request → decision, over requests decided in the period.
- incident resolution time p50/p90: report → resolved, over incidents resolved in the period.
- exception closure rate: of the exceptions opened in the period, the share closed by its end.
- compliance completion: of the compliance incidents due in the period, the share resolved by its end.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Value
from django.db.models.functions import TruncDate, TruncWeek
from django.db.models.lookups import GreaterThanOrEqual, LessThan, LessThanOrEqual
from django.utils import timezone

from apps.dashboards.aggregates import Percentile
from apps.dashboards.figures import Figures
from apps.dashboards.periods import Period
from apps.dashboards.scope import Viewer
from apps.dashboards.sources import Source, sources

StoreFilter = list[int] | None


# From this many stores on, a period's rows are found faster through the time indexes than through the
# stores' own index (which returns every row the stores ever had); below it, the store index wins.
TIME_INDEX_MIN_STORES = 10


def _scoped(source: Source, viewer: Viewer, stores: StoreFilter, *, by_time: bool = False) -> QuerySet[Any]:
    """The source's rows in the viewer's scope; `by_time` when the query is bounded by a period."""
    count = len(stores) if stores is not None else len(viewer.store_ids)
    hint = by_time and count >= TIME_INDEX_MIN_STORES
    return viewer.narrow(source.model.objects.all(), stores, index_hint=hint).order_by()


def _opened_in(source: Source, start: datetime, end: datetime) -> Q:
    return Q(**{f"{source.opened_field}__gte": start, f"{source.opened_field}__lt": end})


def _finished_in(source: Source, start: datetime, end: datetime) -> Q:
    counted = (source.done & source.finished_since(start) & Q(GreaterThanOrEqual(source.finished(), Value(start)))
               & Q(LessThan(source.finished(), Value(end))))
    return counted & ~source.excluded if source.excluded is not None else counted


def _due_in(source: Source, start: datetime, end: datetime) -> Q:
    due = Q(deadline__gte=start, deadline__lt=end)
    return due & ~source.excluded if source.excluded is not None else due


def _on_time(source: Source) -> Q:
    return source.done & Q(LessThanOrEqual(source.finished(), F("deadline")))


def _window(source: Source, start: datetime, end: datetime, suffix: str) -> dict[str, Any]:
    """The period figures of one window (`suffix` "" for the period, "_prev" for the one before)."""
    due = _due_in(source, start, end)
    aggregates: dict[str, Any] = {
        f"opened{suffix}": Count("pk", filter=_opened_in(source, start, end)),
        f"finished{suffix}": Count("pk", filter=_finished_in(source, start, end)),
        f"due{suffix}": Count("pk", filter=due),
        f"met{suffix}": Count("pk", filter=due & _on_time(source)),
    }
    if source.key == "exceptions":
        opened = _opened_in(source, start, end)
        aggregates[f"exceptions_opened{suffix}"] = Count("pk", filter=opened)
        aggregates[f"exceptions_closed{suffix}"] = Count(
            "pk", filter=opened & source.done & Q(LessThan(source.finished(), Value(end))))
    compliance = source.extra.get("compliance")
    if compliance is not None:
        aggregates[f"compliance_due{suffix}"] = Count("pk", filter=due & compliance)
        aggregates[f"compliance_done{suffix}"] = Count(
            "pk", filter=due & compliance & source.done & Q(LessThan(source.finished(), Value(end))))
    return aggregates


DURATION_NAMES = {"approvals": "cycle", "incidents": "resolution"}


def _durations(source: Source, start: datetime, end: datetime, suffix: str, fractions: tuple[int, ...]
               ) -> dict[str, Any]:
    name = DURATION_NAMES.get(source.key)
    if name is None:
        return {}
    span = source.finished() - F(source.opened_field)
    window = _finished_in(source, start, end)
    return {f"{name}_p{p}{suffix}": Percentile(span, p / 100, filter=window) for p in fractions}


def _now(source: Source, now: datetime) -> dict[str, Any]:
    """Work waiting now. Asked of the open rows only (status index), apart from the period figures."""
    return {"open": Count("pk"), "overdue": Count("pk", filter=Q(deadline__lt=now))}


def _period(source: Source, period: Period, *, previous: bool, fractions: tuple[int, ...]) -> dict[str, Any]:
    aggregates = {**_window(source, period.start, period.end, ""),
                  **_durations(source, period.start, period.end, "", fractions)}
    if source.key in DURATION_NAMES:
        aggregates["decided" if source.key == "approvals" else "resolved"] = aggregates["finished"]
    if previous:
        aggregates.update(_window(source, period.previous_start, period.start, "_prev"))
        aggregates.update(_durations(source, period.previous_start, period.start, "_prev", fractions))
    return aggregates


def _touched(source: Source, since: datetime, now: datetime) -> Q:
    """Rows a period figure can count: due, finished or opened since `since` (each an indexed column),
    so the database reads the period's rows and skips the year behind it."""
    return (Q(deadline__gte=since, deadline__lt=now) | source.finished_since(since)
            | Q(**{f"{source.opened_field}__gte": since}))


def store_figures(viewer: Viewer, period: Period, stores: StoreFilter = None) -> dict[int, Figures]:
    """Figures per store (p50 durations included): per source, one grouped query over the open rows
    and one over the period's rows."""
    result: dict[int, Figures] = {}
    for source in sources():
        now_rows = (_scoped(source, viewer, stores).filter(source.open_q).values("store_id")
                    .annotate(**_now(source, period.end)))
        period_rows = (_scoped(source, viewer, stores, by_time=True).filter(_touched(source, period.start, period.end))
                       .values("store_id")
                       .annotate(**_period(source, period, previous=False, fractions=(50,))))
        for row in [*now_rows, *period_rows]:
            store_id = row.pop("store_id")
            result.setdefault(store_id, Figures()).absorb(source.key, row)
    return result


def region_figures(viewer: Viewer, period: Period, store_regions: dict[int, int],
                   per_store: dict[int, Figures]) -> dict[int, Figures]:
    """Regions: counts summed from their stores, percentiles from one grouped query per duration source."""
    result: dict[int, Figures] = {}
    for store_id, figures in per_store.items():
        region_id = store_regions.get(store_id)
        if region_id is not None:
            result.setdefault(region_id, Figures()).add(figures)
    for source in sources():
        if source.key not in DURATION_NAMES:
            continue
        rows = (_scoped(source, viewer, list(store_regions), by_time=True)
                .filter(_finished_in(source, period.start, period.end))
                .values("store__region_id").annotate(**_durations(source, period.start, period.end, "", (50,))))
        for row in rows:
            region_id = row.pop("store__region_id")
            figures = result.setdefault(region_id, Figures())
            for key, value in row.items():
                setattr(figures, key, value)
    return result


def network_figures(viewer: Viewer, period: Period, stores: StoreFilter = None) -> Figures:
    """Everything in scope (or in `stores`), this period and the previous one: two queries per source."""
    figures = Figures()
    for source in sources():
        figures.absorb(source.key, _scoped(source, viewer, stores).filter(source.open_q)
                       .aggregate(**_now(source, period.end)))
        figures.absorb(source.key, _scoped(source, viewer, stores, by_time=True)
                       .filter(_touched(source, period.previous_start, period.end))
                       .aggregate(**_period(source, period, previous=True, fractions=(50, 90))))
    return figures


@dataclass(frozen=True)
class TrendPoint:
    day: date
    opened: int
    finished: int


def trend(viewer: Viewer, period: Period, stores: StoreFilter = None) -> list[TrendPoint]:
    """Work in (opened) and work out (finished) per day or week: two grouped queries per source."""
    zone = timezone.get_current_timezone()
    trunc = TruncDate if period.bucket == "day" else TruncWeek
    opened: dict[date, int] = {}
    finished: dict[date, int] = {}
    for source in sources():
        scoped = _scoped(source, viewer, stores, by_time=True)
        rows = (scoped.filter(_opened_in(source, period.start, period.end))
                .annotate(bucket=trunc(source.opened_field, tzinfo=zone)).values("bucket").annotate(n=Count("pk")))
        _collect(opened, rows)
        rows = (scoped.filter(_finished_in(source, period.start, period.end))
                .annotate(bucket=trunc(source.finished(), tzinfo=zone)).values("bucket").annotate(n=Count("pk")))
        _collect(finished, rows)
    return [TrendPoint(day, opened.get(day, 0), finished.get(day, 0)) for day in buckets(period)]


def _collect(into: dict[date, int], rows: Any) -> None:
    for row in rows:
        bucket = row["bucket"]
        if isinstance(bucket, datetime):
            bucket = timezone.localtime(bucket).date() if timezone.is_aware(bucket) else bucket.date()
        into[bucket] = into.get(bucket, 0) + row["n"]


def buckets(period: Period) -> list[date]:
    """Every day (or Monday) of the period, so quiet days show as zero instead of disappearing."""
    first = timezone.localtime(period.start).date()
    last = timezone.localtime(period.end).date()
    if period.bucket == "week":
        first -= timedelta(days=first.weekday())
    step = timedelta(days=1 if period.bucket == "day" else 7)
    days, day = [], first
    while day <= last:
        days.append(day)
        day += step
    return days
