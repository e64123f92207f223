"""CSV exports of every dashboard table: the same selectors as the page, so figures never differ."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from typing import Any

from django.utils import timezone

from apps.dashboards.figures import Figures
from apps.dashboards.formatting import hours
from apps.dashboards.selectors import HqDashboard, RegionDashboard

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula is prefixed with an apostrophe (CSV injection)."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.1f}"
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_text(rows: Iterable[Iterable[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return out.getvalue()


COMPARISON_HEADER = ["code", "name", "open", "overdue", "exceptions_opened", "exceptions_closed",
                     "exception_closure_percent", "incidents_resolved", "incident_resolution_p50_hours",
                     "approvals_decided", "approval_cycle_p50_hours", "due", "met", "sla_attainment_percent"]


def _comparison(rows: list[Any]) -> Iterable[list[Any]]:
    yield COMPARISON_HEADER
    for row in rows:
        f: Figures = row.figures
        yield [row.code, row.name, f.open, f.overdue, f.exceptions_opened, f.exceptions_closed, f.closure,
               f.resolved, hours(f.resolution_p50), f.decided, hours(f.cycle_p50), f.due, f.met, f.sla]


def _trend(points: list[Any]) -> Iterable[list[Any]]:
    yield ["period_start", "opened", "finished"]
    for point in points:
        yield [point.day.isoformat(), point.opened, point.finished]


def _tiles(dashboard: HqDashboard) -> Iterable[list[Any]]:
    yield ["kpi", "value", "detail", "change_against_previous_period", "definition"]
    for tile in dashboard.tiles:
        yield [tile.label, tile.value, tile.detail, tile.change_text, tile.definition]


def _breaches(dashboard: HqDashboard) -> Iterable[list[Any]]:
    yield ["source", "kind", "title", "store", "region", "deadline", "hours_late"]
    for breach in dashboard.breaches[0]:
        yield [breach.source, breach.kind, breach.title, breach.store.code, breach.store.region.code,
               breach.deadline.isoformat(), hours(breach.late_by)]


def _inbox(dashboard: RegionDashboard) -> Iterable[list[Any]]:
    yield ["kind", "open", "overdue", "due_within_a_day", "next_deadline"]
    for kind in dashboard.inbox.kinds:
        yield [kind["kind_label"], kind["total"], kind["overdue"], kind["due_soon"],
               kind["next_deadline"].isoformat() if kind["next_deadline"] else ""]


HQ_TABLES: dict[str, Callable[[HqDashboard], Iterable[list[Any]]]] = {
    "kpis": _tiles,
    "regions": lambda d: _comparison(d.region_rows),
    "stores": lambda d: _comparison(d.all_stores),
    "breaches": _breaches,
    "trend": lambda d: _trend(d.trend),
}
REGION_TABLES: dict[str, Callable[[RegionDashboard], Iterable[list[Any]]]] = {
    "stores": lambda d: _comparison(d.rows),
    "inbox": _inbox,
    "trend": lambda d: _trend(d.trend),
}


def export_name(scope: str, table: str, period_key: str) -> str:
    return f"controltower-{scope}-{table}-{period_key}-{timezone.localdate().isoformat()}.csv"
