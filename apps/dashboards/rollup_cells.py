"""Rollup cells computed from the rows: the one definition the refresh job, the rebuild and the
reconciliation share (a cell is a pure function of the rows, so recomputing one is idempotent).

What each kind counts is what the live KPI queries count (see `kpis` and `sources`): opened by the
opening time, finished (done, not left out) by the finishing time, due (not left out) by the
deadline, met when finished by the deadline. Directives: the published directives' store copies,
due at their due time, met when approved from a submission on or before it (as the directives app
reports on-time completion); they are not "opened" work.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import BooleanField, DateTimeField, ExpressionWrapper, F, Min, Q, QuerySet, Value
from django.db.models.functions import Coalesce, Least
from django.db.models.lookups import LessThan, LessThanOrEqual
from django.utils import timezone

from apps.dashboards.histogram import bucket_of
from apps.dashboards.models import WorkKind
from apps.dashboards.sources import Source, source

DURATION_KINDS = ("approvals", "incidents")


@dataclass
class Cell:
    opened: int = 0
    finished: int = 0
    due: int = 0
    met: int = 0
    durations: dict[int, int] = field(default_factory=dict)
    closed_after_days: dict[int, int] = field(default_factory=dict)

    def as_values(self) -> dict[str, Any]:
        """The stored form (JSON object keys are strings)."""
        return {"opened": self.opened, "finished": self.finished, "due": self.due, "met": self.met,
                "durations": {str(k): v for k, v in sorted(self.durations.items())},
                "closed_after_days": {str(k): v for k, v in sorted(self.closed_after_days.items())}}


CellKey = tuple[int, date]  # store id, local day


def day_start(day: date) -> datetime:
    """Local midnight (portal time zone) opening `day`."""
    return timezone.make_aware(datetime.combine(day, time.min))


def local_day(value: datetime) -> date:
    return timezone.localtime(value).date()


def kinds() -> list[str]:
    """The kinds whose app is installed with the fields the rollups read."""
    installed = [kind for kind in ("approvals", "incidents", "exceptions") if source(kind) is not None]
    try:
        from apps.directives.models import StoreDirective  # noqa: F401
    except ImportError:
        return installed
    return [*installed, WorkKind.DIRECTIVES.value]


def _flag(condition: Q | None) -> Any:
    return ExpressionWrapper(condition if condition is not None else Q(pk__in=[]), output_field=BooleanField())


def _source_rows(src: Source, start: datetime, end: datetime) -> QuerySet[Any]:
    opened = src.opened_field
    touched = (Q(**{f"{opened}__gte": start, f"{opened}__lt": end})
               | (src.finished_since(start) & Q(LessThan(src.finished(), Value(end))))
               | Q(deadline__gte=start, deadline__lt=end))
    return (src.model.objects.order_by().filter(touched, store__isnull=False)
            .values("store_id").annotate(
                opened=F(opened), finished=src.finished(), deadline_at=F("deadline"), done=_flag(src.done),
                excluded=_flag(src.excluded),
                in_time=_flag(src.done & Q(LessThanOrEqual(src.finished(), F("deadline"))))))


def _directive_rows(start: datetime, end: datetime) -> QuerySet[Any]:
    from apps.directives.models import CopyStatus, DirectiveStatus, StoreDirective

    approved = Q(status=CopyStatus.APPROVED)
    return (StoreDirective.objects.order_by().filter(directive__status=DirectiveStatus.PUBLISHED)
            .filter(Q(due_at__gte=start, due_at__lt=end) | Q(approved_at__gte=start, approved_at__lt=end))
            .values("store_id").annotate(
                opened=Value(None, output_field=DateTimeField()), finished=F("approved_at"), deadline_at=F("due_at"),
                done=_flag(approved),
                excluded=_flag(None), in_time=_flag(approved & Q(submitted_at__lte=F("due_at")))))


def rows(kind: str, start: datetime, end: datetime, stores: Iterable[int] | None = None) -> QuerySet[Any]:
    """The rows of `kind` a cell of [start, end) can count, with the facts a cell needs."""
    if kind == WorkKind.DIRECTIVES:
        queryset = _directive_rows(start, end)
    else:
        src = source(kind)
        assert src is not None, kind
        queryset = _source_rows(src, start, end)
    return queryset if stores is None else queryset.filter(store_id__in=list(stores))


def changed_since(kind: str, since: datetime) -> QuerySet[Any]:
    """Rows of `kind` written since `since` (their `updated_at`), each with the earliest moment it can
    count on (cells from that day on may have changed)."""
    if kind == WorkKind.DIRECTIVES:
        from apps.directives.models import StoreDirective

        return (StoreDirective.objects.order_by().filter(updated_at__gte=since)
                .values("store_id", earliest=Least("due_at", Coalesce("approved_at", "due_at"),
                                                   Coalesce("submitted_at", "due_at"))))
    src = source(kind)
    assert src is not None, kind
    return (src.model.objects.order_by().filter(updated_at__gte=since, store__isnull=False)
            .values("store_id", earliest=Least(src.opened_field, Coalesce("deadline", src.opened_field))))


def cells_from(kind: str, facts: Iterable[dict[str, Any]], first: date, last: date) -> dict[CellKey, Cell]:
    """Fold rows (from `rows`) into the cells of the days first..last."""
    start, end = day_start(first), day_start(last + timedelta(days=1))
    cells: dict[CellKey, Cell] = {}

    def cell(store_id: int, moment: datetime) -> Cell:
        return cells.setdefault((store_id, local_day(moment)), Cell())

    durations, closures = kind in DURATION_KINDS, kind == WorkKind.EXCEPTIONS
    for row in facts:
        store_id, opened, finished, deadline = row["store_id"], row["opened"], row["finished"], row["deadline_at"]
        done, counted = bool(row["done"]), not row["excluded"]
        if opened is not None and start <= opened < end:
            target = cell(store_id, opened)
            target.opened += 1
            if closures and done and finished is not None:
                lag = (local_day(finished) - local_day(opened)).days
                target.closed_after_days[lag] = target.closed_after_days.get(lag, 0) + 1
        if finished is not None and done and counted and start <= finished < end:
            target = cell(store_id, finished)
            target.finished += 1
            if durations and opened is not None:
                index = bucket_of((finished - opened).total_seconds())
                target.durations[index] = target.durations.get(index, 0) + 1
        if deadline is not None and counted and start <= deadline < end:
            target = cell(store_id, deadline)
            target.due += 1
            target.met += 1 if row["in_time"] else 0
    return cells


def cells_compute(kind: str, first: date, last: date, stores: Iterable[int] | None = None) -> dict[CellKey, Cell]:
    """The cells of `kind` for the days first..last (of `stores`, or every store), from the rows."""
    if last < first:
        return {}
    facts = rows(kind, day_start(first), day_start(last + timedelta(days=1)), stores)
    return cells_from(kind, facts.iterator(chunk_size=5000), first, last)


def earliest_day(kind: str) -> date | None:
    """The first day any row of `kind` can count on (where a full rebuild starts)."""
    if kind == WorkKind.DIRECTIVES:
        from apps.directives.models import StoreDirective

        found = StoreDirective.objects.aggregate(first=Min(Least("due_at", Coalesce("approved_at", "due_at"))))
    else:
        src = source(kind)
        assert src is not None, kind
        found = src.model.objects.aggregate(first=Min(Least(src.opened_field, Coalesce("deadline", src.opened_field))))
    return local_day(found["first"]) if found["first"] is not None else None


def iter_days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)
