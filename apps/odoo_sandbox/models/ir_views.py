"""ir.ui.view: the views of the web client, enough to show a custom field on a form.

An integrator finds a model's primary form view (`inherit_id = False`, `mode = 'primary'`, order
`priority, id`), creates a view inheriting it whose arch adds the field with an `xpath`, and unlinks
that view again. As in Odoo, a view is checked when it is saved: the specs of an inheriting view must
locate their target in the parent, and every field it names must exist on the model.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from .. import errors
from ..fields import Boolean, Char, Integer, Many2one, One2many, Row, Selection, Text
from ..orm import Model
from ..view_arch import apply_inheritance, parse, unknown_fields

ADMIN_ONLY = ("base.group_system",)
VIEW_TYPES = [
    ("list", "List"),
    ("form", "Form"),
    ("graph", "Graph"),
    ("pivot", "Pivot"),
    ("calendar", "Calendar"),
    ("kanban", "Kanban"),
    ("search", "Search"),
    ("qweb", "QWeb"),
    ("activity", "Activity"),
]


class IrUiView(Model):
    _name = "ir.ui.view"
    _description = "View"
    _order = "priority, name, id"
    _write_groups = ADMIN_ONLY
    _abstract = False
    _fields = {
        "name": Char("View Name", required=True),
        "model": Char("Model"),
        "key": Char("Key"),
        "priority": Integer("Sequence", default=16),
        "type": Selection(VIEW_TYPES, "View Type"),
        "arch": Text("View Architecture"),
        "arch_db": Text("Arch Blob", related="arch"),
        "inherit_id": Many2one("ir.ui.view", "Inherited View"),
        "inherit_children_ids": One2many("ir.ui.view", "inherit_id", "Views which inherit from this one"),
        "mode": Selection([("primary", "Base view"), ("extension", "Extension View")], "View inheritance mode"),
        "active": Boolean("Active", default=True),
    }

    def _prepare_create(self, vals: dict[str, Any]) -> None:
        if not vals.get("arch"):
            raise errors.ValidationError("Invalid view definition: a view needs an arch")
        parent = self.env.store.get(self._name, vals.get("inherit_id"))
        if vals.get("inherit_id") and parent is None:
            raise errors.missing(self._name, [vals["inherit_id"]], self.env.uid)
        if parent is not None:
            vals.setdefault("model", parent.get("model"))
            vals.setdefault("type", parent.get("type"))
            vals.setdefault("mode", "extension")
        else:
            root = parse(str(vals["arch"]))
            vals.setdefault("type", "list" if root.tag == "tree" else root.tag)
            vals.setdefault("mode", "primary")

    def _after_create(self) -> None:
        self._check_xml()

    def _after_write(self, vals: dict[str, Any]) -> None:
        if {"arch", "arch_db", "inherit_id", "mode", "model", "active"} & set(vals):
            self._check_xml()

    def _check_xml(self) -> None:
        """Combine each view's primary ancestor with every extension and check the result, so that a
        view naming a missing target or field is refused (and the transaction rolled back)."""
        for view in self:
            row = view.row
            root_row = _primary_of(self.env.store.table(self._name), row)
            model = str(root_row.get("model") or "")
            try:
                arch = combined_arch(self.env.store.table(self._name), root_row)
            except errors.ValidationError as exc:
                raise _view_error(row, exc.message) from exc
            if model not in self.env:
                raise _view_error(row, f'Model not found: {model}')
            missing = unknown_fields(arch, model, self.env.fields_of)
            if missing:
                where, _, name = missing[0].rpartition(".")
                raise _view_error(row, f'Field "{name}" does not exist in model "{where}"')


def _view_error(row: Row, message: str) -> errors.ValidationError:
    context = {"name": row.get("name"), "view.model": row.get("model"), "view.parent": row.get("inherit_id")}
    return errors.ValidationError(f"Error while validating view:\n\n{message}\n\nView error context:\n{context!r}")


def _primary_of(table: dict[int, Row], row: Row) -> Row:
    seen = {row["id"]}
    while row.get("mode") != "primary" and row.get("inherit_id") in table:
        row = table[row["inherit_id"]]
        if row["id"] in seen:
            raise errors.ValidationError("Recursion error in view inheritance")
        seen.add(row["id"])
    return row


def combined_arch(table: dict[int, Row], view: Row, depth: int = 0) -> ET.Element:
    """A primary view's arch with its extension views applied in (priority, id) order, recursively."""
    if depth > 20:
        raise errors.ValidationError("Recursion error in view inheritance")
    parent = table.get(view.get("inherit_id") or 0)
    if view.get("mode") == "primary" and parent is not None:
        root = apply_inheritance(combined_arch(table, parent, depth + 1), str(view.get("arch")))
    else:
        root = parse(str(view.get("arch") or ""))
    _apply_extensions(table, view, root, depth)
    return root


def _apply_extensions(table: dict[int, Row], view: Row, root: ET.Element, depth: int) -> None:
    children = sorted(
        (row for row in table.values() if row.get("inherit_id") == view["id"] and row.get("mode") == "extension"),
        key=lambda row: (row.get("priority") or 0, row["id"]),
    )
    for child in children:
        if child.get("active", True):
            apply_inheritance(root, str(child.get("arch") or ""))
            _apply_extensions(table, child, root, depth + 1)
