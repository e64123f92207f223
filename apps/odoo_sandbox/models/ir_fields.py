"""ir.model.fields: the description of every field, and the way to add custom fields over RPC.

Odoo Community has no Studio; an integration user with Settings rights adds a field by creating a row
with `state = 'manual'` and a name starting with `x_`. The row is the field (see `custom_fields.py`):
from then on the model reads, writes, searches and describes it; unlinking the row removes it again.
"""

from __future__ import annotations

import re
from typing import Any

from .. import errors
from ..custom_fields import CUSTOM_TYPES, parse_selection
from ..fields import Boolean, Char, Integer, Many2one, Selection, Text
from ..orm import Model, rpc

ADMIN_ONLY = ("base.group_system",)
FIELD_TYPES = [(kind, kind.title()) for kind in sorted(CUSTOM_TYPES)]
NAME_PATTERN = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
REFUSED = "The operation cannot be completed: "


class IrModelFields(Model):
    _name = "ir.model.fields"
    _description = "Fields"
    _order = "name"
    _write_groups = ADMIN_ONLY
    _abstract = False
    _fields = {
        "name": Char("Field Name", required=True),
        "model": Char("Model Name", required=True),
        "model_id": Many2one("ir.model", "Model", required=True),
        "field_description": Char("Field Label", required=True),
        "ttype": Selection(FIELD_TYPES, "Field Type", required=True),
        "relation": Char("Related Model"),
        "relation_field": Char("Related Field"),
        "on_delete": Selection(
            [("cascade", "Cascade"), ("set null", "Set NULL"), ("restrict", "Restrict")],
            "On Delete",
            default="set null",
        ),
        "selection": Char("Selection Options"),
        "domain": Char("Domain", default="[]"),
        "required": Boolean("Required"),
        "readonly": Boolean("Readonly"),
        "index": Boolean("Indexed"),
        "copied": Boolean("Copied"),
        "translate": Boolean("Translatable"),
        "tracking": Integer("Enable Ordered Tracking"),
        "store": Boolean("Stored", default=True),
        "state": Selection([("manual", "Custom Field"), ("base", "Base Field")], "Type", default="manual"),
        "help": Text("Field Help"),
    }

    @classmethod
    def _display_name(cls, env: Any, row: dict[str, Any]) -> str:
        """Odoo names a field by its label and its model's: "Stage (Maintenance Request)"."""
        model = env.store.get("ir.model", row.get("model_id") or 0) or {}
        return f"{row.get('field_description') or row.get('name')} ({model.get('name') or row.get('model')})"

    def _prepare_create(self, vals: dict[str, Any]) -> None:
        """Check a new field as Odoo's constraints do, so that a bad row never becomes a field."""
        store = self.env.store
        model_row = store.get("ir.model", vals.get("model_id"))
        if model_row is None and vals.get("model"):
            model_row = next((r for r in store.table("ir.model").values() if r.get("model") == vals["model"]), None)
        if model_row is None:
            return  # the mandatory-field check of create reports it
        vals["model_id"], vals["model"] = model_row["id"], model_row["model"]
        name = str(vals.get("name") or "")
        if vals.get("state", "manual") == "manual":
            if not name.startswith("x_"):
                raise errors.ValidationError(REFUSED + "Custom fields must have a name that starts with 'x_'!")
            if not NAME_PATTERN.match(name):
                raise errors.ValidationError(
                    "Field names can only contain characters, digits and underscores (up to 63)."
                )
        if any(r.get("model") == model_row["model"] and r.get("name") == name for r in self._table()):
            raise errors.ValidationError(REFUSED + "Field names must be unique per model.")
        self._check_definition(str(model_row["model"]), vals)

    def _table(self) -> list[dict[str, Any]]:
        return list(self.env.store.table(self._name).values())

    def _check_definition(self, model: str, vals: dict[str, Any]) -> None:
        ttype = vals.get("ttype")
        if ttype in ("many2one", "many2many", "one2many"):
            relation = vals.get("relation")
            if not relation or relation not in self.env:
                raise errors.ValidationError(f"Unknown model name '{relation or ''}' in Related Model")
            if ttype == "one2many":
                inverse = self.env.fields_of(str(relation)).get(str(vals.get("relation_field") or ""))
                if inverse is None or inverse.type != "many2one" or inverse.relation != model:
                    raise errors.UserError(
                        f"Many2one {vals.get('relation_field')} on model {relation} does not exist!"
                    )
        if ttype == "selection":
            try:
                parse_selection(vals.get("selection"))
            except (ValueError, SyntaxError, TypeError) as exc:
                raise errors.ValidationError(f"The Selection Options expression is not a valid list: {exc}") from exc

    @rpc
    def write(self, vals: dict[str, Any]) -> bool:
        if not self.env.su and any(row.get("state") != "manual" for row in self.rows):
            raise errors.UserError(
                "Properties of base fields cannot be altered in this manner! "
                "Please modify them through Python code, preferably through a custom addon!"
            )
        return super().write(vals)

    @rpc
    def unlink(self) -> bool:
        """Remove the fields with their rows; their stored values go too (Odoo drops the columns)."""
        columns = [(str(row["model"]), str(row["name"])) for row in self.rows]
        super().unlink()
        for model, name in columns:
            self.env.store.drop_column(model, name)
        return True

    def _check_unlink(self) -> None:
        if self.env.su:
            return
        for row in self.rows:
            if row.get("state") != "manual":
                raise errors.UserError("This column contains module data and cannot be removed!")
            pattern = re.compile(r"""name=["']%s["']""" % re.escape(str(row["name"])))  # noqa: UP031
            for view in self.env.store.table("ir.ui.view").values():
                if view.get("model") == row["model"] and pattern.search(str(view.get("arch") or "")):
                    raise errors.UserError(
                        "Cannot rename/delete fields that are still present in views:\n"
                        f"Fields: {row['field_description']} ({row['name']})\nView: {view.get('name')}"
                    )
