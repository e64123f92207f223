"""Membership in a long list of keys as one array parameter on PostgreSQL.

A sync page looks up its 500 records (and their domain rows) by Odoo id, and a dashboard its stores'
rollup cells. Django's `__in` prepares and quotes every element as its own parameter (`IN (%s, %s,
...)`), which costs more than the rest of the query for a page of keys; `= ANY(%s)` sends the list as
one array, typed as the column: psycopg would send the smallest integer type that fits, and PostgreSQL
hashes a long list only when both sides have the same type (else it compares each row with every key
in turn). Elsewhere it is `IN`, with the same results (`None` never matches; an empty list matches
nothing).

- `field__any_of=[...]` in the ORM (registered on integer fields and foreign keys by the portal app);
- `any_of_sql(column, field, values)` for a statement written by hand.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection, models
from django.db.models.lookups import In


def _fits(field: Any) -> tuple[int | None, int | None]:
    """The range of the column's integer type (a key outside it matches nothing, and the typed array
    would refuse it)."""
    internal = (field.target_field if field.is_relation else field).get_internal_type()
    return connection.ops.integer_field_ranges.get(internal, (None, None))


def any_of_sql(column: str, field: Any, values: Iterable[Any]) -> tuple[str, list[Any]]:
    """`column` (of `field`) among `values`: the SQL and its parameters."""
    low, high = _fits(field)
    keys = [value for value in values if value is not None and (low is None or low <= value <= high)]
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s::{field.db_type(connection)}[])", [keys]
    if not keys:
        return "1 = 0", []
    return f"{column} IN ({', '.join(['%s'] * len(keys))})", keys


class AnyOf(In):
    lookup_name = "any_of"

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        sql, params = any_of_sql(lhs, self.lhs.output_field, self.rhs)
        return sql, [*lhs_params, *params]


def lookups_register() -> None:
    for field in (models.IntegerField, models.BigIntegerField, models.ForeignKey):
        field.register_lookup(AnyOf)
