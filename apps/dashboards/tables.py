"""Comparison tables (stores of a region, regions of the network): columns, sorting, worst first."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from apps.dashboards.figures import Figures
from apps.dashboards.periods import Period
from apps.organisation.models import Region, Store


class SortError(ValueError):
    """A sort column or direction the table does not have (answered with 400)."""


@dataclass(frozen=True)
class Column:
    key: str
    label: StrOrPromise
    value: Callable[[Figures], Any]
    higher_is_worse: bool
    definition: StrOrPromise


def _seconds(value: Any) -> float | None:
    return None if value is None else value.total_seconds()


COLUMNS: tuple[Column, ...] = (
    Column("open", _("Open items"), lambda f: f.open, True, _("Approvals, incidents and exceptions waiting now.")),
    Column("overdue", _("Overdue"), lambda f: f.overdue, True, _("Open and past the deadline.")),
    Column("closure", _("Exception closure"), lambda f: f.closure, False,
           _("Exceptions opened in the period and closed by its end.")),
    Column("resolution", _("Incident resolution (median)"), lambda f: _seconds(f.resolution_p50), True,
           _("Report to resolution, incidents resolved in the period.")),
    Column("cycle", _("Approval cycle (median)"), lambda f: _seconds(f.cycle_p50), True,
           _("Request to decision, requests decided in the period.")),
    Column("sla", _("SLA attainment"), lambda f: f.sla, False,
           _("Items due in the period finished by their deadline.")),
)
_BY_KEY = {column.key: column for column in COLUMNS}


@dataclass(frozen=True)
class SortOrder:
    """`worst` (the default): most overdue first, then lowest SLA attainment, then most open."""

    column: str = "worst"
    descending: bool = True

    def query(self) -> str:
        if self.column == "worst":
            return ""
        query = QueryDict(mutable=True)
        query["sort"], query["dir"] = self.column, "desc" if self.descending else "asc"
        return query.urlencode()

    def header(self, column: Column) -> dict[str, Any]:
        """The link and aria-sort of one column header (a click sorts worst first, then toggles)."""
        active = self.column == column.key
        descending = not self.descending if active else column.higher_is_worse
        aria = ("descending" if self.descending else "ascending") if active else "none"
        return {"column": column, "aria_sort": aria, "active": active,
                "query": SortOrder(column.key, descending).query()}


def sort_parse(params: QueryDict | dict[str, str]) -> SortOrder:
    column = (params.get("sort") or "worst").strip()
    direction = (params.get("dir") or "").strip()
    if column != "worst" and column not in _BY_KEY:
        raise SortError(f"Unknown sort column {column[:30]!r}: use one of {', '.join(_BY_KEY)}.")
    if direction not in ("", "asc", "desc"):
        raise SortError("The sort direction is asc or desc.")
    if column == "worst":
        return SortOrder()
    return SortOrder(column, descending=(direction or ("desc" if _BY_KEY[column].higher_is_worse else "asc"))
                     == "desc")


@dataclass(frozen=True)
class ComparisonRow:
    subject: Store | Region
    figures: Figures
    url: str

    @property
    def code(self) -> str:
        return self.subject.code

    @property
    def name(self) -> str:
        return self.subject.name


def _worst_key(row: ComparisonRow) -> tuple[float, float, float, str]:
    sla = row.figures.sla
    return (-row.figures.overdue, sla if sla is not None else 101.0, -row.figures.open, row.code)


def comparison_rows(subjects: list[Store] | list[Region], figures: dict[int, Figures], order: SortOrder,
                    period: Period) -> list[ComparisonRow]:
    """One row per store or region (no figures yet → zeros), sorted; unknown values always sort last."""
    query = f"?period={period.key}"
    rows = []
    for subject in subjects:
        name = "dashboards:store" if isinstance(subject, Store) else "dashboards:region"
        rows.append(ComparisonRow(subject, figures.get(subject.pk) or Figures(),
                                  reverse(name, args=[subject.code]) + query))
    if order.column == "worst":
        return sorted(rows, key=_worst_key)
    column = _BY_KEY[order.column]
    known = [row for row in rows if column.value(row.figures) is not None]
    unknown = [row for row in rows if column.value(row.figures) is None]
    known.sort(key=lambda row: (column.value(row.figures), row.code), reverse=order.descending)
    return known + sorted(unknown, key=lambda row: row.code)


def headers(order: SortOrder) -> list[dict[str, Any]]:
    return [order.header(column) for column in COLUMNS]
