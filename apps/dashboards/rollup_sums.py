"""The closed days of a period from the rollup cells, added up by the database in one statement.

A period's cells are thousands of rows at the HQ (stores x kinds x days, this period's and the
previous one's). The database adds up each group's counts (per store or for the whole scope, per kind,
this period or the previous one) and the work in and out per day; each group's duration histograms
and exceptions' closing lags come as one text of the cells' JSON objects, decoded once per group
rather than once per cell (the histograms hold a few buckets per cell, so merging them in SQL would
not return fewer rows). The statement is the same on PostgreSQL and SQLite but for the text
aggregate's name and how the store list is passed (`apps.portal.lookups.any_of_sql`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import connection

from apps.dashboards.histogram import Histogram, histogram_add
from apps.dashboards.models import DailyRollup, WorkKind
from apps.dashboards.periods import Period
from apps.portal.lookups import any_of_sql

DURATION_KINDS = (WorkKind.APPROVALS.value, WorkKind.INCIDENTS.value)

# store (None: every store of the scope together), kind, this period (False: the previous one)
GroupKey = tuple[int | None, str, bool]

_SQL = """
SELECT {store}, kind, CASE WHEN day >= %s THEN 1 ELSE 0 END, NULL,
       SUM(opened), SUM(finished), SUM(due), SUM(met),
       {concat}(CASE WHEN kind IN (%s, %s) AND finished > 0 THEN CAST(durations AS TEXT) END, ','),
       {concat}(CASE WHEN kind = %s AND opened > 0
                THEN '["' || CAST(day AS TEXT) || '",' || CAST(closed_after_days AS TEXT) || ']' END, ',')
FROM {table} WHERE {scope} AND day >= %s AND day < %s
GROUP BY {group}
UNION ALL
SELECT NULL, NULL, NULL, CAST(day AS TEXT), SUM(opened), SUM(finished), NULL, NULL, NULL, NULL
FROM {table} WHERE {scope} AND day >= %s AND day < %s AND kind <> %s
GROUP BY day
"""


@dataclass
class RollupSums:
    """Per group: opened, finished, due, met and closed (exceptions opened in the period and closed by
    its end); the duration kinds' merged histograms; work in and out per day of this period."""

    groups: dict[GroupKey, tuple[int, int, int, int, int]] = field(default_factory=dict)
    histograms: dict[GroupKey, Histogram] = field(default_factory=dict)
    opened: dict[date, int] = field(default_factory=dict)
    finished: dict[date, int] = field(default_factory=dict)


def _statement(allowed: list[int], *, per_store: bool) -> tuple[str, list[Any]]:
    """The SQL and the store list's parameters (one array on PostgreSQL, `apps.portal.lookups`)."""
    scope, params = any_of_sql("store_id", DailyRollup._meta.get_field("store"), allowed)
    concat = "STRING_AGG" if connection.vendor == "postgresql" else "GROUP_CONCAT"
    sql = _SQL.format(store="store_id" if per_store else "NULL", concat=concat, table=DailyRollup._meta.db_table,
                      scope=scope, group="1, 2, 3" if per_store else "2, 3")
    return sql, params


def _closed(lags: str, first_day: date, current: bool) -> int:
    """Exceptions closed by the period's end: any lag for this period (it ends now); for the previous
    one, closed on a day before this period's first day."""
    closed = 0
    for day, counts in json.loads(f"[{lags}]"):
        if current:
            closed += sum(counts.values())
        else:
            limit = (first_day - date.fromisoformat(day)).days
            closed += sum(count for lag, count in counts.items() if int(lag) < limit)
    return closed


def rollup_sums(period: Period, allowed: list[int], *, previous: bool, per_store: bool = True) -> RollupSums:
    """The closed days of `period` (and of the previous one, with `previous`) for the stores `allowed`,
    per store or (`per_store` False) for all of them together."""
    result = RollupSums()
    if not allowed:
        return result
    first_day = period.first_day
    first = period.previous_first_day if previous else first_day
    sql, scope = _statement(allowed, per_store=per_store)
    params: list[Any] = [first_day, *DURATION_KINDS, WorkKind.EXCEPTIONS.value, *scope, first, period.today,
              *scope, first_day, period.today, WorkKind.DIRECTIVES.value]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    for store_id, kind, current, day, opened, finished, due, met, durations, lags in rows:
        if kind is None:  # one day of this period: work in and out (directives are neither)
            result.opened[date.fromisoformat(day)] = opened
            result.finished[date.fromisoformat(day)] = finished
            continue
        key = (store_id, kind, bool(current))
        result.groups[key] = (opened, finished, due, met, _closed(lags, first_day, bool(current)) if lags else 0)
        if durations:
            histogram: Histogram = {}
            for cell in json.loads(f"[{durations}]"):
                histogram_add(histogram, cell)
            if histogram:
                result.histograms[key] = histogram
    return result
