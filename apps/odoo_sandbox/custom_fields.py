"""Custom fields: the fields a model has in one database beyond its declared ones.

As in Odoo, an `ir.model.fields` row with `state = 'manual'` *is* the field: creating the row adds the
field to its model (fields_get, read, write, domains, order), unlinking it removes it. A declared field
marked `manual` follows the same rule once the database describes its model: it lives as long as its
row. A fresh sandbox has no custom field, like a stock Odoo Community. Field maps are cached per store
(`Store.derived`) and rebuilt after any change to `ir.model.fields`, or a rollback.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from .fields import Field, Row

if TYPE_CHECKING:
    from .orm import Model
    from .store import Store

INDEX_KEY = "\0ir.model.fields"  # Store.derived key of the per-model index below
CUSTOM_TYPES = {
    "char",
    "text",
    "html",
    "integer",
    "float",
    "monetary",
    "boolean",
    "date",
    "datetime",
    "selection",
    "binary",
    "many2one",
    "many2many",
    "one2many",
}


def model_fields(store: Store, cls: type[Model]) -> dict[str, Field]:
    """Declared fields of `cls` plus the custom fields its `ir.model.fields` rows describe."""
    described, manual = _index(store).get(cls._name, (set(), []))
    alive = {row["name"] for row in manual}
    fields = {
        name: fld
        for name, fld in cls._declared_fields.items()
        if not (fld.manual and described and name not in alive)
    }
    for row in manual:
        if row["name"] not in fields:
            fields[row["name"]] = field_from_row(row)
    return fields


def _index(store: Store) -> dict[str, tuple[set[str], list[Row]]]:
    """model -> (names described by a row, rows of manual fields), built in one pass over the table."""
    index: dict[str, tuple[set[str], list[Row]]] | None = store.derived.get(INDEX_KEY)
    if index is None:
        index = {}
        for row in store.table("ir.model.fields").values():
            names, manual = index.setdefault(str(row.get("model")), (set(), []))
            names.add(str(row.get("name")))
            if row.get("state") == "manual":
                manual.append(row)
        store.derived[INDEX_KEY] = index
    return index


def field_from_row(row: Row) -> Field:
    """The field an `ir.model.fields` row of a custom field defines."""
    fld = Field(
        str(row.get("ttype")),
        str(row.get("field_description") or row["name"]),
        relation=row.get("relation") or None,
        inverse_name=row.get("relation_field") or None,
        selection=parse_selection(row.get("selection")) if row.get("ttype") == "selection" else None,
        required=bool(row.get("required")),
        readonly=bool(row.get("readonly")),
        manual=True,
        help=str(row.get("help") or ""),
    )
    fld.name = str(row["name"])
    return fld


def parse_selection(text: Any) -> list[tuple[str, str]]:
    """Odoo's `selection` attribute of a custom field: a Python literal list of (value, label) pairs."""
    if not text:
        return []
    choices = ast.literal_eval(str(text))
    return [(str(value), str(label)) for value, label in choices]
