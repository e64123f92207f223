"""`order` clauses of search: 'field [asc|desc], ...' over in-memory rows, as Odoo sorts them.

Values sort as stored (create_date/write_date with their microseconds), many2one by the related
record's display name, and empty values last.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import errors
from .fields import Field, Row

if TYPE_CHECKING:
    from .orm import Model


def sort_rows(model: Model, rows: list[Row], order: str) -> list[Row]:
    """Sort `rows` of `model` in place by an Odoo `order` string and return them."""
    fields = model._field_map
    keys = []
    for part in order.split(","):
        words = part.strip().split()
        if not words:
            continue
        fname = words[0].strip('"')
        desc = len(words) > 1 and words[1].lower() == "desc"
        if fname not in fields:
            raise errors.PyValueError(f"Invalid field {fname!r} on model {model._name!r}")
        keys.append((fname, desc))
    env = model.env
    for fname, desc in reversed(keys):
        fld = fields[fname]

        def key(row: Row, fname: str = fname, fld: Field = fld) -> tuple[bool, Any]:
            value = env.field_value(model._name, row, fname)
            if fld.type == "many2one" and value:
                assert fld.relation is not None
                value = env.display_name(fld.relation, value)
            if value is False or value is None or isinstance(value, list):
                return (True, 0)
            return (False, value)

        rows.sort(key=key, reverse=desc)
    return rows
