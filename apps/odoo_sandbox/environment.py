"""Environments: who is calling with which context, and how raw field values are computed and shown."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import errors
from .fields import Field, Row
from .store import Store

if TYPE_CHECKING:
    from .core import Sandbox

GROUP_LABELS = {
    "base.group_user": "User types/Internal User",
    "base.group_system": "Administration/Settings",
    "purchase.group_purchase_user": "Purchase/User",
    "purchase.group_purchase_manager": "Purchase/Administrator",
    "stock.group_stock_user": "Inventory/User",
    "stock.group_stock_manager": "Inventory/Administrator",
    "account.group_account_invoice": "Invoicing/Invoicing",
    "account.group_account_manager": "Invoicing/Administrator",
    "hr_expense.group_hr_expense_team_approver": "Expenses/Team Approver",
    "hr_expense.group_hr_expense_manager": "Expenses/Administrator",
    "maintenance.group_equipment_manager": "Maintenance/Equipment Manager",
    "project.group_project_user": "Project/User",
    "project.group_project_manager": "Project/Administrator",
    "hr.group_hr_user": "Employees/Officer",
}


def _registry() -> dict[str, Any]:
    from .orm import REGISTRY

    return REGISTRY


class Env:
    """Who is calling, with which context: the entry point to models, like Odoo's `env`."""

    def __init__(self, sandbox: Sandbox, uid: int, context: dict[str, Any] | None = None, su: bool = False):
        self.sandbox = sandbox
        self.store: Store = sandbox.store
        self.uid = uid
        self.context = dict(context or {})
        self.su = su

    def __getitem__(self, model: str) -> Any:
        """An empty recordset of `model` (typed Any: models add their own methods, as in Odoo)."""
        cls = _registry().get(model)
        if cls is None or not cls._since <= self.sandbox.major <= cls._until:
            raise errors.UserError(f"Object {model} doesn't exist")
        return cls(self, [])

    def __contains__(self, model: str) -> bool:
        cls = _registry().get(model)
        return cls is not None and cls._since <= self.sandbox.major <= cls._until

    def sudo(self) -> Env:
        return Env(self.sandbox, self.uid, self.context, su=True)

    def with_context(self, **values: Any) -> Env:
        return Env(self.sandbox, self.uid, {**self.context, **values}, self.su)

    # -- user ------------------------------------------------------------------------------------
    @property
    def user(self) -> Any:
        return self["res.users"].browse([self.uid])

    def groups(self) -> set[str]:
        row = self.store.get("res.users", self.uid) or {}
        return set(row.get("_groups", ()))

    def has_group(self, xmlid: str) -> bool:
        groups = self.groups()
        return xmlid in groups or "base.group_system" in groups

    def now(self) -> str:
        return self.store.now()

    def today(self) -> str:
        return self.store.today()

    def ref(self, xmlid: str) -> Any:
        model, rec_id = self.store.xmlids[xmlid]
        return self[model].browse([rec_id])

    # -- values ----------------------------------------------------------------------------------
    def fields_of(self, model: str) -> dict[str, Field]:
        """The fields `model` has in this database: its declared fields with the custom ones that
        ir.model.fields rows describe (built once, again after those rows change)."""
        fields: dict[str, Field] | None = self.store.derived.get(model)
        if fields is None:
            from .custom_fields import model_fields

            major = self.sandbox.major
            fields = self.store.derived[model] = {
                name: fld for name, fld in model_fields(self.store, _registry()[model]).items()
                if fld.exists_in(major)
            }
        return fields

    def registry_fields(self, model: str) -> dict[str, Field]:
        return self.fields_of(model)

    def field_value(self, model: str, row: Row, fname: str) -> Any:
        """The raw value of a field for a row: stored, related, computed or one2many."""
        if fname == "display_name":
            return _registry()[model]._display_name(self, row)
        fld = self.fields_of(model)[fname]
        if fld.compute is not None:
            return fld.compute(self, row, model)
        if fld.related is not None:
            return self._related(model, row, fld.related)
        if fld.type == "one2many":
            assert fld.relation
            assert fld.inverse_name
            inverse, where = fld.inverse_name, fld.where
            return [
                rid
                for rid, other in self.store.table(fld.relation).items()
                if other.get(inverse) == row["id"] and (where is None or where(other))
            ]
        return row.get(fname, fld.empty())

    def _related(self, model: str, row: Row | None, path: str) -> Any:
        names = path.split(".")
        for name in names[:-1]:
            if row is None:
                return False
            value = self.field_value(model, row, name)
            relation = self.fields_of(model)[name].relation
            assert relation is not None
            model, row = relation, (self.store.get(relation, value) if value else None)
        if row is None:
            return self.fields_of(model)[names[-1]].empty() if names[-1] != "display_name" else False
        return self.field_value(model, row, names[-1])

    def display_name(self, model: str, rec_id: int) -> str:
        row = self.store.get(model, rec_id)
        if row is None:
            return ""
        return _registry()[model]._display_name(self, row)

    def read_value(self, fld: Field, raw: Any, load: str | None = "_classic_read") -> Any:
        """A raw value as JSON-RPC shows it: many2one as [id, name], numbers typed, empties False."""
        kind = fld.type
        if kind == "many2one":
            if not raw:
                return False
            assert fld.relation is not None
            if self.store.get(fld.relation, raw) is None:
                return False
            return [raw, self.display_name(fld.relation, raw)] if load == "_classic_read" else raw
        if kind in ("one2many", "many2many"):
            return list(raw or [])
        if kind in ("float", "monetary"):
            return float(raw or 0.0)
        if kind == "integer":
            return int(raw or 0)
        if kind == "boolean":
            return bool(raw)
        if kind == "datetime" and isinstance(raw, str):
            return raw[:19]  # create_date/write_date keep microseconds; Odoo reads them to the second
        return raw if raw not in (None, "") else False
