"""`field__any_of=[...]`: membership in a long list of keys as one array parameter on PostgreSQL.

A sync page looks up its 500 records (and their domain rows) by Odoo id. Django's `__in` prepares and
quotes every element as its own parameter (`IN (%s, %s, ...)`), which costs more than the rest of the
query for a page of keys; `= ANY(%s)` sends the list as one array. Elsewhere it is `__in`, with the same
results (`None` never matches; an empty list matches nothing).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models.lookups import In


class AnyOf(In):
    lookup_name = "any_of"

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = [value for value in self.rhs if value is not None]
        return f"{lhs} = ANY(%s)", [*lhs_params, values]


def lookups_register() -> None:
    for field in (models.IntegerField, models.BigIntegerField, models.ForeignKey):
        field.register_lookup(AnyOf)
