"""stock: locations, warehouses (the stores), operation types, lots and quants (inventory counts)."""

from __future__ import annotations

from typing import Any

from .. import errors
from ..environment import Env
from ..fields import Boolean, Char, Date, Float, Integer, Many2one, Row, Selection
from ..orm import Model, rpc
from ..writing import touch

STOCK_GROUPS = ("stock.group_stock_user", "stock.group_stock_manager", "purchase.group_purchase_user")
STOCK_WRITE = ("stock.group_stock_user", "stock.group_stock_manager")
USAGES = [
    ("supplier", "Vendor Location"),
    ("view", "View"),
    ("internal", "Internal Location"),
    ("customer", "Customer Location"),
    ("inventory", "Inventory Loss"),
    ("production", "Production"),
    ("transit", "Transit Location"),
]


def _location_name(env: Env, row: Row) -> str:
    parent = env.store.get("stock.location", row.get("location_id") or 0)
    if parent is not None and row.get("usage") != "view":
        return f"{_location_name(env, parent)}/{row.get('name')}"
    return str(row.get("name"))


class StockLocation(Model):
    _name = "stock.location"
    _description = "Inventory Locations"
    _order = "complete_name, id"
    _groups = STOCK_GROUPS
    _write_groups = ("stock.group_stock_manager",)
    _abstract = False
    _fields = {
        "name": Char("Location Name", required=True),
        "complete_name": Char("Full Location Name", compute=lambda env, row, _m: _location_name(env, row)),
        "location_id": Many2one("stock.location", "Parent Location"),
        "usage": Selection(USAGES, "Location Type", required=True, default="internal"),
        "warehouse_id": Many2one("stock.warehouse", "Warehouse"),
        "company_id": Many2one("res.company", "Company", default=1),
        "barcode": Char("Barcode"),
        "active": Boolean("Active", default=True),
        "last_inventory_date": Date("Last Inventory"),
    }

    @classmethod
    def _display_name(cls, env: Env, row: Row) -> str:
        return _location_name(env, row)


class StockWarehouse(Model):
    _name = "stock.warehouse"
    _description = "Warehouse"
    _order = "sequence, id"
    _groups = STOCK_GROUPS
    _write_groups = ("stock.group_stock_manager",)
    _abstract = False
    _fields = {
        "name": Char("Warehouse", required=True),
        "code": Char("Short Name", required=True),
        "sequence": Integer("Sequence", default=10),
        "company_id": Many2one("res.company", "Company", required=True, default=1),
        "partner_id": Many2one("res.partner", "Address", default=lambda env: 1),
        "view_location_id": Many2one("stock.location", "View Location"),
        "lot_stock_id": Many2one("stock.location", "Location Stock"),
        "in_type_id": Many2one("stock.picking.type", "In Type"),
        "out_type_id": Many2one("stock.picking.type", "Out Type"),
        "reception_steps": Selection(
            [
                ("one_step", "Receive and Store (1 step)"),
                ("two_steps", "Receive then store (2 steps)"),
                ("three_steps", "Receive, quality control, then store (3 steps)"),
            ],
            "Incoming Shipments",
            default="one_step",
        ),
        "active": Boolean("Active", default=True),
    }

    def _after_create(self) -> None:
        """Like Odoo, a new warehouse gets its view and stock locations and its receipt type."""
        env = self.env.sudo()
        for warehouse in self:
            row = warehouse.row
            if row.get("lot_stock_id"):
                continue
            code = row["code"]
            view = env["stock.location"]._create_one({"name": code, "usage": "view", "warehouse_id": warehouse.id})
            stock = env["stock.location"]._create_one(
                {"name": "Stock", "usage": "internal", "location_id": view, "warehouse_id": warehouse.id}
            )
            supplier = next(
                (
                    rid
                    for rid, loc in sorted(env.store.table("stock.location").items())
                    if loc.get("usage") == "supplier"
                ),
                False,
            )
            receipts = env["stock.picking.type"]._create_one(
                {
                    "name": "Receipts",
                    "code": "incoming",
                    "sequence_code": "IN",
                    "warehouse_id": warehouse.id,
                    "default_location_src_id": supplier,
                    "default_location_dest_id": stock,
                }
            )
            touch(warehouse, {"view_location_id": view, "lot_stock_id": stock, "in_type_id": receipts})


class StockPickingType(Model):
    _name = "stock.picking.type"
    _description = "Picking Type"
    _order = "sequence, id"
    _groups = STOCK_GROUPS
    _write_groups = ("stock.group_stock_manager",)
    _abstract = False
    _fields = {
        "name": Char("Operation Type", required=True),
        "code": Selection(
            [("incoming", "Receipt"), ("outgoing", "Delivery"), ("internal", "Internal Transfer")],
            "Type of Operation",
            required=True,
            default="incoming",
        ),
        "sequence": Integer("Sequence", default=1),
        "sequence_code": Char("Sequence Prefix", default="IN"),
        "warehouse_id": Many2one("stock.warehouse", "Warehouse"),
        "default_location_src_id": Many2one("stock.location", "Default Source Location"),
        "default_location_dest_id": Many2one("stock.location", "Default Destination Location"),
        "company_id": Many2one("res.company", "Company", default=1),
        "active": Boolean("Active", default=True),
    }

    @classmethod
    def _display_name(cls, env: Env, row: Row) -> str:
        warehouse = env.store.get("stock.warehouse", row.get("warehouse_id") or 0)
        return f"{warehouse['name']}: {row.get('name')}" if warehouse else str(row.get("name"))


class StockLot(Model):
    _name = "stock.lot"
    _description = "Lot/Serial"
    _groups = STOCK_GROUPS
    _write_groups = STOCK_WRITE
    _abstract = False
    _fields = {
        "name": Char("Lot/Serial Number", required=True),
        "product_id": Many2one("product.product", "Product", required=True),
        "company_id": Many2one("res.company", "Company", default=1),
    }


def _diff(row: Row) -> float:
    if not row.get("inventory_quantity_set"):
        return 0.0
    return float(row.get("inventory_quantity") or 0.0) - float(row.get("quantity") or 0.0)


def _outdated(row: Row) -> bool:
    base = row.get("_count_base")
    return bool(row.get("inventory_quantity_set") and base is not None and base != row.get("quantity"))


INVENTORY_FIELDS = {
    "inventory_quantity",
    "inventory_quantity_auto_apply",
    "inventory_date",
    "user_id",
    "inventory_quantity_set",
    "lot_id",
    "package_id",
    "owner_id",
    "product_id",
    "location_id",
}


class StockQuant(Model):
    _name = "stock.quant"
    _description = "Quants"
    _order = "id"
    _rec_name = None
    _groups = STOCK_GROUPS
    _write_groups = STOCK_WRITE
    _abstract = False
    _fields = {
        "product_id": Many2one("product.product", "Product", required=True),
        "location_id": Many2one("stock.location", "Location", required=True),
        "warehouse_id": Many2one("stock.warehouse", "Warehouse", related="location_id.warehouse_id"),
        "lot_id": Many2one("stock.lot", "Lot/Serial Number"),
        "company_id": Many2one("res.company", "Company", default=1),
        "quantity": Float("Quantity", readonly=True),
        "reserved_quantity": Float("Reserved Quantity", readonly=True),
        "available_quantity": Float(
            "Available Quantity",
            compute=lambda env, row, _m: float((row.get("quantity") or 0.0) - (row.get("reserved_quantity") or 0.0)),
        ),
        "inventory_quantity": Float("Counted Quantity"),
        "inventory_diff_quantity": Float("Difference", compute=lambda env, row, _m: _diff(row), readonly=True),
        "inventory_date": Date("Scheduled Date"),
        "last_count_date": Date("Last Count Date", readonly=True),
        "inventory_quantity_set": Boolean("Inventory Quantity Set", default=False),
        "is_outdated": Boolean("Quantity has been moved since last count", compute=lambda env, row, _m: _outdated(row)),
        "user_id": Many2one("res.users", "Assigned To"),
        "in_date": Char("Incoming Date", compute=lambda env, row, _m: str(row.get("create_date") or "")[:19] or False),
    }

    @classmethod
    def _display_name(cls, env: Env, row: Row) -> str:
        location = env.display_name("stock.location", row.get("location_id") or 0)
        return f"{location} - {env.display_name('product.product', row.get('product_id') or 0)}"

    def write(self, vals: dict[str, Any]) -> bool:
        vals = dict(vals)
        if self.env.context.get("inventory_mode") and set(vals) - INVENTORY_FIELDS:
            raise errors.UserError("Quant's editing is restricted, you can't do this operation.")
        if "inventory_quantity" in vals:
            vals.setdefault("inventory_quantity_set", True)
        result = super().write(vals)
        if "inventory_quantity" in vals:
            for quant in self:
                self.env.store.update(self._name, quant.id, {"_count_base": quant.row.get("quantity")}, event=False)
        return result

    @rpc
    def action_apply_inventory(self) -> dict[str, Any] | None:
        """Apply the counted quantities. Returns the conflict wizard instead when stock moved since the count."""
        self._check_exists()
        self._check_access("write")
        outdated = [quant.id for quant in self if _outdated(quant.row)]
        if outdated:
            return {
                "name": "Conflict in Inventory Adjustment",
                "type": "ir.actions.act_window",
                "view_mode": "form",
                "res_model": "stock.inventory.conflict",
                "views": [[False, "form"]],
                "target": "new",
                "context": {"default_quant_ids": self.ids, "default_quant_to_fix_ids": outdated},
            }
        for quant in self:
            row = quant.row
            if not row.get("inventory_quantity_set"):
                continue
            touch(
                quant,
                {
                    "quantity": float(row.get("inventory_quantity") or 0.0),
                    "inventory_quantity": 0.0,
                    "inventory_quantity_set": False,
                    "user_id": False,
                    "last_count_date": self.env.today(),
                    "_count_base": None,
                },
            )
        return None

    @rpc
    def action_clear_inventory_quantity(self) -> None:
        self._check_exists()
        self._check_access("write")
        touch(self, {"inventory_quantity": 0.0, "inventory_quantity_set": False, "user_id": False, "_count_base": None})

    @rpc
    def action_set_inventory_quantity(self) -> None:
        self._check_exists()
        for quant in self:
            quant.write({"inventory_quantity": float(quant.row.get("quantity") or 0.0)})

    @rpc
    def action_set_inventory_quantity_to_zero(self) -> None:
        self.action_clear_inventory_quantity()
