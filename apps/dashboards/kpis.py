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

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Value
from django.db.models.lookups import GreaterThanOrEqual, LessThan, LessThanOrEqual

from apps.dashboards.aggregates import SecondsList, seconds_list
from apps.dashboards.figures import Figures
from apps.dashboards.histogram import histogram_add, histogram_of
from apps.dashboards.models import WorkKind
from apps.dashboards.periods import Period
from apps.dashboards.rollup_sums import rollup_sums
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
    """The rows that are no longer open and count for today (the open rows are counted with the open
    work, `_open_counts`): due today (found through migration 0007's index on their deadline),
    finished today or opened today."""
    touched = (Q(deadline__gte=start, deadline__lt=now) | source.finished_since(start)
               | Q(**{f"{source.opened_field}__gte": start}))
    return touched & ~source.open_q


def _open_counts(viewer: Viewer, stores: StoreFilter, start: datetime, now: datetime, *,
                 per_store: bool) -> list[dict[str, Any]]:
    """Open and overdue per kind (and store, with `per_store`), every kind in one statement (UNION ALL),
    with the open rows' share of today: opened today, and due today (an open row is never finished, so
    it counts for nothing else today). Each part is an index-only scan of the kind's partial index on
    its open rows (store, deadline, and the opening moment: migration 0007), so no table page is read
    whatever the table's size."""
    allowed = viewer.allowed(stores)
    parts = []
    for source in sources():
        rows = source.model.objects.order_by().filter(source.open_q, store_id__in=allowed)
        due = Q(deadline__gte=start, deadline__lt=now)
        if source.open_excluded is not None:
            due &= ~source.open_excluded
        counts = {"open": Count("*"), "overdue": Count("deadline", filter=Q(deadline__lt=now)),
                  "opened_today": Count("deadline", filter=Q(**{f"{source.opened_field}__gte": start})),
                  "due_today": Count("deadline", filter=due)}
        parts.append(rows.values("store_id").annotate(work=Value(source.key), **counts) if per_store
                     else rows.values(work=Value(source.key)).annotate(**counts))  # a constant: one row per kind
    if not parts:
        return []
    return list(parts[0].union(*parts[1:], all=True))


NETWORK = 0  # the key of a scope's figures gathered as a whole (not per store)


@dataclass
class Gathered:
    """Per store figures (histograms kept, percentiles not read yet) and work in/out per day; gathered
    for the scope as a whole, one entry under `NETWORK`."""

    stores: dict[int, Figures] = field(default_factory=dict)
    opened: dict[date, int] = field(default_factory=dict)
    finished: dict[date, int] = field(default_factory=dict)

    def store(self, store_id: int) -> Figures:
        return self.stores.setdefault(store_id, Figures())


def _add(figures: Figures, name: str, amount: int) -> None:
    setattr(figures, name, getattr(figures, name) + amount)


def _rollups(gathered: Gathered, period: Period, allowed: list[int], *, previous: bool, per_store: bool) -> None:
    """The closed days of the period (and of the previous one) from the rollup cells: one query
    (`rollup_sums`), its sums written to the figures once per store (or once for the scope)."""
    sums = rollup_sums(period, allowed, previous=previous, per_store=per_store)
    gathered.opened.update(sums.opened)
    gathered.finished.update(sums.finished)
    for (store_id, kind, current), (opened, finished, due, met, closed) in sums.groups.items():
        figures, suffix = gathered.store(NETWORK if store_id is None else store_id), "" if current else "_prev"
        histogram = sums.histograms.get((store_id, kind, current))
        if histogram is not None:  # the figures' first (today's rows are read after the closed days)
            figures.histograms[DURATION_NAMES[kind] + suffix] = histogram
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


def _opened_today(gathered: Gathered, figures: Figures, kind: str, today: date, amount: int) -> None:
    """Work of `kind` opened today (open still or not): in the figures and in the day's work in."""
    _add(figures, "opened", amount)
    gathered.opened[today] = gathered.opened.get(today, 0) + amount
    if kind == WorkKind.EXCEPTIONS:
        _add(figures, "exceptions_opened", amount)


def _live(gathered: Gathered, viewer: Viewer, period: Period, stores: StoreFilter, *, per_store: bool) -> None:
    """Today and the work open now, from the rows: one query for every kind's open rows (open and
    overdue counts, and their share of today) and one per kind for today's rows that are no longer
    open (both bounded by what is open or happened today, not by the table's size)."""
    start, now, today = period.today_start, period.end, period.today
    for row in _open_counts(viewer, stores, start, now, per_store=per_store):
        if not row["open"]:  # a kind with nothing open (as a whole: one row per kind all the same)
            continue
        figures = gathered.store(row.get("store_id", NETWORK))
        counts = figures.by_source.setdefault(row["work"], {"open": 0, "overdue": 0})
        for name in ("open", "overdue"):
            _add(figures, name, row[name])
            counts[name] += row[name]
        _add(figures, "due", row["due_today"])
        _opened_today(gathered, figures, row["work"], today, row["opened_today"])
    for source in sources():
        scoped = _scoped(source, viewer, stores).filter(_touched_today(source, start, now))
        aggregates = _today(source, start, now)
        rows = scoped.values("store_id").annotate(**aggregates) if per_store else [scoped.aggregate(**aggregates)]
        for row in rows:
            figures = gathered.store(row.get("store_id", NETWORK))
            for name in ("finished", "due", "met"):
                _add(figures, name, row[name])
            _opened_today(gathered, figures, source.key, today, row["opened"])
            gathered.finished[today] = gathered.finished.get(today, 0) + row["finished"]
            if source.key in FINISHED_NAMES:
                _add(figures, FINISHED_NAMES[source.key], row["finished"])
                seconds = seconds_list(row["seconds"])
                if seconds:
                    histogram_add(figures.histogram(DURATION_NAMES[source.key]), histogram_of(seconds))
            if source.key == WorkKind.EXCEPTIONS:
                _add(figures, "exceptions_closed", row["closed"])
    _directives_today(gathered, viewer, period, stores, per_store=per_store)


def _directives_today(gathered: Gathered, viewer: Viewer, period: Period, stores: StoreFilter, *,
                      per_store: bool) -> None:
    try:
        from apps.directives.models import CopyStatus, DirectiveStatus, StoreDirective
    except ImportError:
        return
    scoped = (viewer.narrow(StoreDirective.objects.all(), stores).order_by()
              .filter(directive__status=DirectiveStatus.PUBLISHED, due_at__gte=period.today_start,
                      due_at__lt=period.end))
    aggregates = {"due": Count("pk"), "met": Count("pk", filter=Q(status=CopyStatus.APPROVED,
                                                                  submitted_at__lte=F("due_at")))}
    rows = scoped.values("store_id").annotate(**aggregates) if per_store else [scoped.aggregate(**aggregates)]
    for row in rows:
        figures = gathered.store(row.get("store_id", NETWORK))
        _add(figures, "directives_due", row["due"])
        _add(figures, "directives_met", row["met"])


def gather(viewer: Viewer, period: Period, stores: StoreFilter = None, *, previous: bool = False,
           per_store: bool = True) -> Gathered:
    """Every figure of the period per store (and the previous period's, with `previous`), read once per
    request and scope (the page's panels share it). Without `per_store`, the scope's figures as a whole
    (one entry, `NETWORK`), added up by the database, unless the request gathered them per store."""
    memo: dict[Any, Gathered] = viewer.__dict__.setdefault("_kpi_gathered", {})
    scope = tuple(stores) if stores is not None else None
    # With the previous period is a superset of without; per store, of the scope as a whole.
    for with_previous in (True, previous):
        for each_store in (True, per_store):
            if (key := (period.key, period.end, scope, with_previous, each_store)) in memo:
                if each_store != per_store:
                    memo[(period.key, period.end, scope, with_previous, per_store)] = _as_whole(memo[key])
                return memo[(period.key, period.end, scope, with_previous, per_store)]
    gathered = Gathered()
    _rollups(gathered, period, viewer.allowed(stores), previous=previous, per_store=per_store)
    _live(gathered, viewer, period, stores, per_store=per_store)
    memo[(period.key, period.end, scope, previous, per_store)] = gathered
    return gathered


def _as_whole(gathered: Gathered) -> Gathered:
    return Gathered(stores={NETWORK: Figures.total(gathered.stores.values())}, opened=gathered.opened,
                    finished=gathered.finished)


def store_figures(viewer: Viewer, period: Period, stores: StoreFilter = None, *,
                  previous: bool = False) -> dict[int, Figures]:
    """Figures per store (p50 and p90 durations from each store's histograms). `previous`: read the
    previous period as well when the page shows it elsewhere (the HQ tiles), so one read serves both."""
    gathered = gather(viewer, period, stores, previous=previous)
    result = {}
    for store_id, figures in gathered.stores.items():
        # A copy (the request's gathered figures serve its other panels); a store or region row shows
        # the period only (the previous one is for the network tiles).
        own = replace(figures, by_source={key: dict(counts) for key, counts in figures.by_source.items()},
                      histograms={name: dict(histogram) for name, histogram in figures.histograms.items()
                                  if not name.endswith("_prev")})
        own.percentiles_read()
        result[store_id] = own
    return result


def region_figures(viewer: Viewer, period: Period, store_regions: dict[int, int]) -> dict[int, Figures]:
    """Regions: counts and histograms summed from their stores' gathered figures (no query of their
    own, and no store's percentiles read: a region row needs only its own)."""
    result: dict[int, Figures] = {}
    for store_id, figures in gather(viewer, period).stores.items():
        region_id = store_regions.get(store_id)
        if region_id is not None:
            result.setdefault(region_id, Figures()).add(figures)
    for figures in result.values():
        figures.histograms = {name: histogram for name, histogram in figures.histograms.items()
                              if not name.endswith("_prev")}  # this period's only, as a store row
        figures.percentiles_read()
    return result


def network_figures(viewer: Viewer, period: Period, stores: StoreFilter = None, *, per_store: bool = False) -> Figures:
    """Everything in scope (or in `stores`), this period and the previous one: added up by the database,
    or from the figures per store when the request gathers them anyway (`per_store`, or already done)."""
    total = Figures.total(gather(viewer, period, stores, previous=True, per_store=per_store).stores.values())
    total.percentiles_read()
    return total


@dataclass(frozen=True)
class TrendPoint:
    day: date
    opened: int
    finished: int


def trend(viewer: Viewer, period: Period, stores: StoreFilter = None, *, previous: bool = False,
          per_store: bool = True) -> list[TrendPoint]:
    """Work in (opened) and work out (finished) per day or week of the period (`previous` and
    `per_store`: as in `store_figures` and `network_figures`, so one read serves the page)."""
    gathered = gather(viewer, period, stores, previous=previous, per_store=per_store)
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

