"""KPI figures: closed days from the daily rollups, today and open work from the rows.

A period is whole local days (`periods.Period`): its closed days (and the previous period's) are
summed from `DailyRollup` cells in one query, today's figures and the work open now come from one
grouped query per kind of work over the open rows and today's rows, and the directives due today
from one more. The number of queries is the same whatever the data size. Definitions (also in the
README):

- open / overdue: waiting now / waiting now and past the deadline.
- SLA attainment: of the items whose deadline fell in the period, the share finished on or before it
  (items decided in Odoo or closed as duplicates have no portal timing and are left out).
- approval cycle time p50/p90: request → decision, over requests decided in the period.
- incident resolution time p50/p90: report → resolved, over incidents resolved in the period.
  Percentiles come from fixed histograms (`histogram`), exact to the bucket width.
- exception closure rate: of the exceptions opened in the period, the share closed by its end.
- on-time directive completion: of the store copies of published directives due in the period, the
  share done (approved) from a submission on or before their due time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Case, Count, F, Q, QuerySet, Value, When
from django.db.models.lookups import GreaterThanOrEqual, LessThan, LessThanOrEqual

from apps.dashboards.aggregates import SecondsList, seconds_list
from apps.dashboards.figures import Figures
from apps.dashboards.histogram import histogram_add, histogram_of
from apps.dashboards.models import DailyRollup, WorkKind
from apps.dashboards.periods import Period
from apps.dashboards.scope import Viewer
from apps.dashboards.sources import Source, sources

StoreFilter = list[int] | None

# From this many stores on, a period's rows are found faster through the time indexes than through the
# stores' own index (which returns every row the stores ever had); below it, the store index wins.
TIME_INDEX_MIN_STORES = 10
DURATION_NAMES = {"approvals": "cycle", "incidents": "resolution"}
FINISHED_NAMES = {"approvals": "decided", "incidents": "resolved"}


def _scoped(source: Source, viewer: Viewer, stores: StoreFilter) -> QuerySet[Any]:
    count = len(stores) if stores is not None else len(viewer.store_ids)
    return viewer.narrow(source.model.objects.all(), stores, index_hint=count >= TIME_INDEX_MIN_STORES).order_by()


def _finished_in(source: Source, start: datetime, end: datetime) -> Q:
    counted = (source.done & source.finished_since(start) & Q(GreaterThanOrEqual(source.finished(), Value(start)))
               & Q(LessThan(source.finished(), Value(end))))
    return counted & ~source.excluded if source.excluded is not None else counted


def _today(source: Source, start: datetime, now: datetime) -> dict[str, Any]:
    """One kind's figures of today from its rows (`start` is today's midnight)."""
    opened = Q(**{f"{source.opened_field}__gte": start})
    due = Q(deadline__gte=start, deadline__lt=now)
    if source.excluded is not None:
        due &= ~source.excluded
    aggregates: dict[str, Any] = {
        "opened": Count("pk", filter=opened), "finished": Count("pk", filter=_finished_in(source, start, now)),
        "due": Count("pk", filter=due),
        "met": Count("pk", filter=due & source.done & Q(LessThanOrEqual(source.finished(), F("deadline")))),
    }
    if source.key == WorkKind.EXCEPTIONS:
        aggregates["closed"] = Count("pk", filter=opened & source.done)
    if source.key in DURATION_NAMES:
        aggregates["seconds"] = SecondsList(source.finished() - F(source.opened_field),
                                            filter=_finished_in(source, start, now))
    return aggregates


def _touched_today(source: Source, start: datetime, now: datetime) -> Q:
    return (Q(deadline__gte=start, deadline__lt=now) | source.finished_since(start)
            | Q(**{f"{source.opened_field}__gte": start}))


def _open_counts(viewer: Viewer, stores: StoreFilter, now: datetime) -> list[dict[str, Any]]:
    """Open and overdue per kind and store, every kind in one statement (UNION ALL): each part is an
    index-only scan of the kind's partial index on its open rows (deadline, store; migration 0005), so
    no table page is read whatever the table's size."""
    allowed = viewer.allowed(stores)
    parts = [source.model.objects.order_by().filter(source.open_q, store_id__in=allowed).values("store_id")
             .annotate(kind=Value(source.key), open=Count("*"), overdue=Count("deadline", filter=Q(deadline__lt=now)))
             for source in sources()]
    if not parts:
        return []
    return list(parts[0].union(*parts[1:], all=True))


@dataclass
class Gathered:
    """Per store figures (histograms kept, percentiles not read yet) and work in/out per day."""

    stores: dict[int, Figures] = field(default_factory=dict)
    opened: dict[date, int] = field(default_factory=dict)
    finished: dict[date, int] = field(default_factory=dict)

    def store(self, store_id: int) -> Figures:
        return self.stores.setdefault(store_id, Figures())


def _add(figures: Figures, name: str, amount: int) -> None:
    setattr(figures, name, getattr(figures, name) + amount)


def _rollups(gathered: Gathered, period: Period, allowed: list[int], *, previous: bool) -> None:
    """The closed days of the period (and of the previous one) from the rollup cells: one query.

    Sums are kept per store, kind and period in plain lists and written to the figures once per store
    (a period's cells are thousands of rows at the HQ); only duration kinds' histograms and exceptions'
    closing lags are decoded (the other kinds' JSON columns are read as NULL)."""
    first_day = period.first_day
    first = period.previous_first_day if previous else first_day
    cells = (DailyRollup.objects.filter(store_id__in=allowed, day__gte=first, day__lt=period.today).order_by()
             .annotate(hist=Case(When(kind__in=list(DURATION_NAMES), then=F("durations")), default=None),
                       lags=Case(When(kind=WorkKind.EXCEPTIONS, then=F("closed_after_days")), default=None))
             .values_list("kind", "store_id", "day", "opened", "finished", "due", "met", "hist", "lags"))
    sums: dict[tuple[int, str, bool], list[int]] = {}  # opened, finished, due, met, closed
    trend_in, trend_out = gathered.opened, gathered.finished
    for kind, store_id, day, opened, finished, due, met, durations, lags in cells:
        current = day >= first_day
        total = sums.get((store_id, kind, current))
        if total is None:
            total = sums[(store_id, kind, current)] = [0, 0, 0, 0, 0]
        total[0] += opened
        total[1] += finished
        total[2] += due
        total[3] += met
        if current and kind != WorkKind.DIRECTIVES:
            trend_in[day] = trend_in.get(day, 0) + opened
            trend_out[day] = trend_out.get(day, 0) + finished
        if durations:
            name = DURATION_NAMES[kind] if current else DURATION_NAMES[kind] + "_prev"
            histogram_add(gathered.store(store_id).histogram(name), durations)
        if lags:
            # Closed by the period's end: any lag for the current period (it ends now); for the previous
            # one, closed on a day before the current period's first day.
            limit = None if current else (first_day - day).days
            total[4] += sum(count for lag, count in lags.items() if limit is None or int(lag) < limit)
    for (store_id, kind, current), (opened, finished, due, met, closed) in sums.items():
        figures, suffix = gathered.store(store_id), "" if current else "_prev"
        if kind == WorkKind.DIRECTIVES:
            _add(figures, f"directives_due{suffix}", due)
            _add(figures, f"directives_met{suffix}", met)
            continue
        for name, amount in (("opened", opened), ("finished", finished), ("due", due), ("met", met)):
            _add(figures, f"{name}{suffix}", amount)
        if current and kind in FINISHED_NAMES:
            _add(figures, FINISHED_NAMES[kind], finished)
        if kind == WorkKind.EXCEPTIONS:
            _add(figures, f"exceptions_opened{suffix}", opened)
            _add(figures, f"exceptions_closed{suffix}", closed)


def _live(gathered: Gathered, viewer: Viewer, period: Period, stores: StoreFilter) -> None:
    """Today and the work open now, from the rows: one query for every kind's open counts and one per
    kind for today's rows (both bounded by what is open or happened today, not by the table's size)."""
    start, now = period.today_start, period.end
    for row in _open_counts(viewer, stores, now):
        figures = gathered.store(row["store_id"])
        counts = figures.by_source.setdefault(row["kind"], {"open": 0, "overdue": 0})
        for name in ("open", "overdue"):
            _add(figures, name, row[name])
            counts[name] += row[name]
    for source in sources():
        rows = (_scoped(source, viewer, stores).filter(_touched_today(source, start, now)).values("store_id")
                .annotate(**_today(source, start, now)))
        for row in rows:
            figures = gathered.store(row["store_id"])
            for name in ("opened", "finished", "due", "met"):
                _add(figures, name, row[name])
            gathered.opened[period.today] = gathered.opened.get(period.today, 0) + row["opened"]
            gathered.finished[period.today] = gathered.finished.get(period.today, 0) + row["finished"]
            if source.key in FINISHED_NAMES:
                _add(figures, FINISHED_NAMES[source.key], row["finished"])
                histogram_add(figures.histogram(DURATION_NAMES[source.key]), histogram_of(seconds_list(row["seconds"])))
            if source.key == WorkKind.EXCEPTIONS:
                _add(figures, "exceptions_opened", row["opened"])
                _add(figures, "exceptions_closed", row["closed"])
    _directives_today(gathered, viewer, period, stores)


def _directives_today(gathered: Gathered, viewer: Viewer, period: Period, stores: StoreFilter) -> None:
    try:
        from apps.directives.models import CopyStatus, DirectiveStatus, StoreDirective
    except ImportError:
        return
    rows = (viewer.narrow(StoreDirective.objects.all(), stores).order_by()
            .filter(directive__status=DirectiveStatus.PUBLISHED, due_at__gte=period.today_start,
                    due_at__lt=period.end)
            .values("store_id").annotate(due=Count("pk"), met=Count("pk", filter=Q(
                status=CopyStatus.APPROVED, submitted_at__lte=F("due_at")))))
    for row in rows:
        figures = gathered.store(row["store_id"])
        _add(figures, "directives_due", row["due"])
        _add(figures, "directives_met", row["met"])


def gather(viewer: Viewer, period: Period, stores: StoreFilter = None, *, previous: bool = False) -> Gathered:
    """Every figure of the period per store (and the previous period's, with `previous`), read once per
    request and scope (the page's panels share it)."""
    memo: dict[Any, Gathered] = viewer.__dict__.setdefault("_kpi_gathered", {})
    scope = tuple(stores) if stores is not None else None
    for key in ((period.key, period.end, scope, True), (period.key, period.end, scope, previous)):
        if key in memo:  # with the previous period is a superset of without
            return memo[key]
    gathered = Gathered()
    _rollups(gathered, period, viewer.allowed(stores), previous=previous)
    _live(gathered, viewer, period, stores)
    memo[(period.key, period.end, scope, previous)] = gathered
    return gathered


def store_figures(viewer: Viewer, period: Period, stores: StoreFilter = None, *,
                  previous: bool = False) -> dict[int, Figures]:
    """Figures per store (p50 and p90 durations from each store's histograms). `previous`: read the
    previous period as well when the page shows it elsewhere (the HQ tiles), so one read serves both."""
    gathered = gather(viewer, period, stores, previous=previous)
    result = {}
    for store_id, figures in gathered.stores.items():
        own = Figures()
        own.add(figures)
        _current_only(own)
        own.percentiles_read()
        result[store_id] = own
    return result


def _current_only(figures: Figures) -> None:
    """A store or region row shows the period only (the previous one is for the network tiles)."""
    figures.histograms = {name: h for name, h in figures.histograms.items() if not name.endswith("_prev")}


def region_figures(viewer: Viewer, period: Period, store_regions: dict[int, int],
                   per_store: dict[int, Figures]) -> dict[int, Figures]:
    """Regions: counts and histograms summed from their stores (no query of their own)."""
    result: dict[int, Figures] = {}
    for store_id, figures in per_store.items():
        region_id = store_regions.get(store_id)
        if region_id is not None:
            result.setdefault(region_id, Figures()).add(figures)
    for figures in result.values():
        figures.percentiles_read()
    return result


def network_figures(viewer: Viewer, period: Period, stores: StoreFilter = None) -> Figures:
    """Everything in scope (or in `stores`), this period and the previous one."""
    total = Figures()
    for figures in gather(viewer, period, stores, previous=True).stores.values():
        total.add(figures)
    total.percentiles_read()
    return total


@dataclass(frozen=True)
class TrendPoint:
    day: date
    opened: int
    finished: int


def trend(viewer: Viewer, period: Period, stores: StoreFilter = None, *, previous: bool = False) -> list[TrendPoint]:
    """Work in (opened) and work out (finished) per day or week of the period (`previous`: as in
    `store_figures`)."""
    gathered = gather(viewer, period, stores, previous=previous)
    opened: dict[date, int] = {}
    finished: dict[date, int] = {}
    weekly = period.bucket == "week"
    for into, per_day in ((opened, gathered.opened), (finished, gathered.finished)):
        for day, count in per_day.items():
            if day < period.first_day:
                continue
            bucket = day - timedelta(days=day.weekday()) if weekly else day
            into[bucket] = into.get(bucket, 0) + count
    return [TrendPoint(day, opened.get(day, 0), finished.get(day, 0)) for day in buckets(period)]


def buckets(period: Period) -> list[date]:
    """Every day (or Monday) of the period, so quiet days show as zero instead of disappearing."""
    first, last = period.first_day, period.today
    if period.bucket == "week":
        first -= timedelta(days=first.weekday())
    step = timedelta(days=1 if period.bucket == "day" else 7)
    days, day = [], first
    while day <= last:
        days.append(day)
        day += step
    return days

