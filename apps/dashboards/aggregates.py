"""Percentiles computed by the database.

PostgreSQL has the ordered-set aggregate `percentile_cont(f) WITHIN GROUP (ORDER BY x)`. SQLite (the
embedded default) has none, so the same continuous percentile (linear interpolation between the two
nearest ranks, as PostgreSQL does) is registered on each SQLite connection as an aggregate function.
KPI code is therefore one query on both backends, and the figures agree.
"""

from __future__ import annotations

import json
import math
from typing import Any

from django.db.models import Aggregate, Expression, TextField

SQLITE_FUNCTION = "ct_percentile_cont"
SQLITE_SECONDS_FUNCTION = "ct_seconds_list"


class Percentile(Aggregate):
    """`Percentile(expression, 0.9)`: the continuous 90th percentile of a numeric or duration column."""

    function = "PERCENTILE_CONT"
    name = "Percentile"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    allow_distinct = False

    def __init__(self, expression: Expression | str, fraction: float, **extra: Any) -> None:
        if not isinstance(fraction, int | float) or not 0 <= fraction <= 1:
            raise ValueError(f"A percentile fraction lies between 0 and 1, not {fraction!r}.")
        super().__init__(expression, fraction=repr(float(fraction)), **extra)

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        clone = self.copy()
        clone.function = SQLITE_FUNCTION
        clone.template = "%(function)s(%(expressions)s, %(fraction)s)"
        return clone.as_sql(compiler, connection, **extra_context)


class _SqlitePercentile:
    """The SQLite side: collects the group's values, answers like PostgreSQL's percentile_cont."""

    def __init__(self) -> None:
        self.values: list[float] = []
        self.fraction = 0.5

    def step(self, value: float | None, fraction: float) -> None:
        self.fraction = fraction
        if value is not None:
            self.values.append(value)

    def finalize(self) -> float | None:
        if not self.values:
            return None
        self.values.sort()
        position = self.fraction * (len(self.values) - 1)
        low, high = math.floor(position), math.ceil(position)
        if low == high:
            return self.values[low]
        return self.values[low] + (self.values[high] - self.values[low]) * (position - low)


class SecondsList(Aggregate):
    """`SecondsList(later - earlier)`: the group's durations in seconds, as a list (for a histogram).
    PostgreSQL: `array_agg` of the epoch seconds; SQLite: a registered aggregate (JSON text)."""

    function = "ARRAY_AGG"
    name = "SecondsList"
    template = "%(function)s(EXTRACT(EPOCH FROM %(expressions)s))"
    output_field = TextField()  # no conversion: the value is read by `seconds_list`

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        clone = self.copy()
        clone.function = SQLITE_SECONDS_FUNCTION
        clone.template = "%(function)s(%(expressions)s)"
        return clone.as_sql(compiler, connection, **extra_context)


def seconds_list(value: Any) -> list[float]:
    """What `SecondsList` gave, on either backend, as floats."""
    if value is None:
        return []
    if isinstance(value, str):
        value = json.loads(value)
    return [float(item) for item in value if item is not None]


class _SqliteSecondsList:
    """SQLite durations arrive as microseconds (Django's `django_timestamp_diff`)."""

    def __init__(self) -> None:
        self.values: list[float] = []

    def step(self, value: float | None) -> None:
        if value is not None:
            self.values.append(value / 1_000_000)

    def finalize(self) -> str:
        return json.dumps(self.values)


def sqlite_functions_register(sender: Any, connection: Any, **kwargs: Any) -> None:
    """Connected to `connection_created`: give every new SQLite connection the percentile."""
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate(SQLITE_FUNCTION, 2, _SqlitePercentile)
        connection.connection.create_aggregate(SQLITE_SECONDS_FUNCTION, 1, _SqliteSecondsList)
