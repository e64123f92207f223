"""CSV exports of every dashboard table: the same selectors as the page, so figures never differ."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from django.utils import timezone

from apps.dashboards import lists
from apps.dashboards.figures import Figures
from apps.dashboards.formatting import hours
from apps.dashboards.selectors import HqDashboard, RegionDashboard, StoreDashboard

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


COMPARISON_FIGURES = ["open", "overdue", "exceptions_opened", "exceptions_closed", "exception_closure_percent",
                      "incidents_resolved", "incident_resolution_p50_hours", "approvals_decided",
                      "approval_cycle_p50_hours", "due", "met", "sla_attainment_percent"]


def _figures(f: Figures) -> list[Any]:
    return [f.open, f.overdue, f.exceptions_opened, f.exceptions_closed, f.closure, f.resolved,
            hours(f.resolution_p50), f.decided, hours(f.cycle_p50), f.due, f.met, f.sla]


def _regions(rows: list[Any]) -> Iterable[list[Any]]:
    yield ["code", "name", *COMPARISON_FIGURES]
    for row in rows:
        yield [row.code, row.name, *_figures(row.figures)]


def _stores(rows: list[Any]) -> Iterable[list[Any]]:
    """Stores with their region, so a network-wide export can be grouped and filtered by it."""
    yield ["code", "name", "region_code", "region", *COMPARISON_FIGURES]
    for row in rows:
        region = row.subject.region
        yield [row.code, row.name, region.code, region.name, *_figures(row.figures)]


def _trend(points: list[Any]) -> Iterable[list[Any]]:
    yield ["period_start", "opened", "finished"]
    for point in points:
        yield [point.day.isoformat(), point.opened, point.finished]


def _tiles(dashboard: HqDashboard | StoreDashboard) -> Iterable[list[Any]]:
    """Raw figures with their unit (hours, percent, count), the previous period's where there is one."""
    yield ["kpi", "label", "value", "unit", "previous_period_value", "detail", "definition"]
    for tile in dashboard.tiles:
        yield [tile.key, tile.label, tile.amount, tile.unit, tile.previous_amount, tile.detail, tile.definition]


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


def _iso(moment: datetime | None) -> str:
    return moment.isoformat() if moment else ""


def _overdue(deadline: datetime | None, now: datetime) -> str:
    """Whether the open item is past its deadline (yes/no), as the panel flags it."""
    return "yes" if deadline is not None and deadline < now else "no"


def _username(user: Any) -> str:
    return user.get_username() if user is not None else ""


def _incidents(dashboard: StoreDashboard) -> Iterable[list[Any]]:
    """Every open incident of the store (not cut at the panel's limit), in the panel's order."""
    yield ["reference", "title", "category", "urgency", "status", "odoo_stage", "deadline", "overdue"]
    now = timezone.now()
    for item in lists.store_open_rows(dashboard.viewer, dashboard.store, "incidents"):
        yield [item.reference, item.title, item.get_category_display(), item.get_urgency_display(),
               item.get_status_display(), item.odoo_stage, _iso(item.deadline), _overdue(item.deadline, now)]


def _exceptions(dashboard: StoreDashboard) -> Iterable[list[Any]]:
    """Every open exception of the store, most severe first as on the panel."""
    yield ["title", "kind", "severity", "status", "owner", "deadline", "overdue"]
    now = timezone.now()
    for item in lists.store_open_rows(dashboard.viewer, dashboard.store, "exceptions"):
        yield [item.title_text, item.get_kind_display(), item.get_severity_display(), item.get_status_display(),
               _username(item.owner), _iso(item.deadline), _overdue(item.deadline, now)]


def _requests(dashboard: StoreDashboard) -> Iterable[list[Any]]:
    """Every request of the store waiting for a decision, next deadline first as on the panel."""
    yield ["reference", "kind", "partner", "amount", "currency", "status", "tier", "assignee", "deadline",
           "overdue"]
    now = timezone.now()
    for item in lists.store_open_rows(dashboard.viewer, dashboard.store, "requests"):
        yield [item.reference, item.kind_label, item.partner, item.amount, item.currency, item.get_status_display(),
               item.tier, _username(item.assignee), _iso(item.deadline), _overdue(item.deadline, now)]


def _activity(dashboard: StoreDashboard) -> Iterable[list[Any]]:
    """Every action of the region and HQ for the store in the panel's window (message in full)."""
    yield ["occurred_at", "actor", "action", "object", "message"]
    for event in lists.store_activity(dashboard.viewer, dashboard.store, every=True):
        yield [_iso(event.occurred_at), event.actor_label, event.action, event.object_label, event.message]


HQ_TABLES: dict[str, Callable[[HqDashboard], Iterable[list[Any]]]] = {
    "kpis": _tiles,
    "regions": lambda d: _regions(d.region_rows),
    "stores": lambda d: _stores(d.all_stores),
    "breaches": _breaches,
    "trend": lambda d: _trend(d.trend),
}
REGION_TABLES: dict[str, Callable[[RegionDashboard], Iterable[list[Any]]]] = {
    "stores": lambda d: _stores(d.rows),
    "inbox": _inbox,
    "trend": lambda d: _trend(d.trend),
}

STORE_TABLES: dict[str, Callable[[StoreDashboard], Iterable[list[Any]]]] = {
    "kpis": _tiles,
    "incidents": _incidents,
    "exceptions": _exceptions,
    "requests": _requests,
    "activity": _activity,
}


def export_name(scope: str, table: str, period_key: str) -> str:
    return f"controltower-{scope}-{table}-{period_key}-{timezone.localdate().isoformat()}.csv"
