"""stock operations: transfers (receipts) and reordering rules."""

from __future__ import annotations

import math
from typing import Any

from ..environment import Env
from ..fields import Boolean, Char, Date, Datetime, Float, Many2one, One2many, Row, Selection
from ..orm import Model, rpc
from ..writing import touch
from .mail import MailThread
from .stock import STOCK_GROUPS, STOCK_WRITE
from .stock_moves import picking_validate

PICKING_STATES = [
    ("draft", "Draft"),
    ("waiting", "Waiting Another Operation"),
    ("confirmed", "Waiting"),
    ("assigned", "Ready"),
    ("done", "Done"),
    ("cancel", "Cancelled"),
]


class StockPicking(MailThread):
    _name = "stock.picking"
    _description = "Transfer"
    _order = "priority desc, scheduled_date asc, id desc"
    _groups = STOCK_GROUPS
    _write_groups = (*STOCK_WRITE, "purchase.group_purchase_user")
    _abstract = False
    _fields = {
        "name": Char("Reference", default="/"),
        "origin": Char("Source Document"),
        "partner_id": Many2one("res.partner", "Contact"),
        "picking_type_id": Many2one("stock.picking.type", "Operation Type", required=True),
        "picking_type_code": Selection(
            [("incoming", "Receipt"), ("outgoing", "Delivery"), ("internal", "Internal Transfer")],
            "Type of Operation",
            related="picking_type_id.code",
        ),
        "location_id": Many2one("stock.location", "Source Location"),
        "location_dest_id": Many2one("stock.location", "Destination Location"),
        "state": Selection(PICKING_STATES, "Status", default="draft"),
        "priority": Selection([("0", "Normal"), ("1", "Urgent")], "Priority", default="0"),
        "scheduled_date": Datetime("Scheduled Date", default=lambda env: env.now()),
        "date_deadline": Datetime("Deadline"),
        "date_done": Datetime("Date of Transfer", readonly=True),
        "purchase_id": Many2one("purchase.order", "Purchase Orders"),
        "move_ids": One2many("stock.move", "picking_id", "Operations"),
        "backorder_id": Many2one("stock.picking", "Back Order of"),
        "user_id": Many2one("res.users", "Responsible"),
        "company_id": Many2one("res.company", "Company", default=1),
    }

    def _prepare_create(self, vals: dict[str, Any]) -> None:
        ptype = self.env.store.get("stock.picking.type", vals.get("picking_type_id") or 0) or {}
        if vals.get("name", "/") in ("/", False, None, ""):
            warehouse = self.env.store.get("stock.warehouse", ptype.get("warehouse_id") or 0) or {}
            prefix = f"{warehouse.get('code', 'WH')}/{ptype.get('sequence_code') or 'IN'}"
            vals["name"] = f"{prefix}/{self.env.store.next_sequence('picking:' + prefix):05d}"
        vals.setdefault("location_id", ptype.get("default_location_src_id") or False)
        vals.setdefault("location_dest_id", ptype.get("default_location_dest_id") or False)

    @rpc
    def action_confirm(self) -> bool:
        self._check_exists()
        touch(self.filtered(lambda p: p.row.get("state") == "draft"), {"state": "confirmed"})
        return True

    @rpc
    def action_assign(self) -> bool:
        self._check_exists()
        touch(self.filtered(lambda p: p.row.get("state") in ("draft", "confirmed", "waiting")), {"state": "assigned"})
        return True

    @rpc
    def button_validate(self) -> dict[str, Any] | bool:
        """Done when every move has its demand; a short receipt answers with the backorder wizard."""
        self._check_exists()
        self._check_access("write")
        for picking in self:
            answer = picking_validate(picking)
            if answer is not True:
                return answer
        return True

    @rpc
    def action_cancel(self) -> bool:
        self._check_exists()
        touch(self.filtered(lambda p: p.row.get("state") != "done"), {"state": "cancel"})
        return True


def _on_hand(env: Env, row: Row) -> float:
    return float(
        sum(
            q.get("quantity") or 0.0
            for q in env.store.table("stock.quant").values()
            if q.get("product_id") == row.get("product_id") and q.get("location_id") == row.get("location_id")
        )
    )


def _qty_to_order(env: Env, row: Row) -> float:
    forecast = _on_hand(env, row)
    minimum, maximum = float(row.get("product_min_qty") or 0.0), float(row.get("product_max_qty") or 0.0)
    if row.get("snoozed_until") and str(row["snoozed_until"]) > env.today():
        return 0.0
    if forecast >= minimum:
        return 0.0
    needed = max(maximum, minimum) - forecast
    multiple = float(row.get("qty_multiple") or 0.0)
    if multiple > 0:
        needed = math.ceil(needed / multiple) * multiple
    return float(needed)


class StockWarehouseOrderpoint(Model):
    _name = "stock.warehouse.orderpoint"
    _description = "Minimum Inventory Rule"
    _order = "location_id, id"
    _groups = STOCK_GROUPS
    _write_groups = STOCK_WRITE
    _abstract = False
    _fields = {
        "name": Char("Name", default="/"),
        "product_id": Many2one("product.product", "Product", required=True),
        "warehouse_id": Many2one("stock.warehouse", "Warehouse", required=True),
        "location_id": Many2one("stock.location", "Location", required=True),
        "product_min_qty": Float("Min Quantity", default=0.0),
        "product_max_qty": Float("Max Quantity", default=0.0),
        "qty_multiple": Float("Multiple Quantity", default=1.0),
        "qty_forecast": Float("Forecast", compute=lambda env, row, _m: _on_hand(env, row)),
        "qty_to_order": Float("To Order", compute=lambda env, row, _m: _qty_to_order(env, row)),
        "trigger": Selection([("auto", "Auto"), ("manual", "Manual")], "Trigger", default="auto"),
        "snoozed_until": Date("Snoozed"),
        "company_id": Many2one("res.company", "Company", default=1),
        "active": Boolean("Active", default=True),
    }

    def _prepare_create(self, vals: dict[str, Any]) -> None:
        if vals.get("name", "/") in ("/", False, None, ""):
            vals["name"] = f"OP/{self.env.store.next_sequence('stock.orderpoint'):05d}"
        if vals.get("warehouse_id") and not vals.get("location_id"):
            vals["location_id"] = (self.env.store.get("stock.warehouse", vals["warehouse_id"]) or {}).get(
                "lot_stock_id", False
            )

    @rpc
    def action_replenish(self, force_to_max: bool = False) -> dict[str, Any]:
        """Create a draft purchase order for what is missing, like Odoo's 'Order Once'."""
        self._check_exists()
        created = []
        for point in self:
            row = point.row
            qty = _qty_to_order(self.env, row)
            if qty <= 0:
                continue
            vendor = next(
                (
                    rid
                    for rid, p in sorted(self.env.store.table("res.partner").items())
                    if (p.get("supplier_rank") or 0) > 0
                ),
                False,
            )
            warehouse = self.env.store.get("stock.warehouse", row["warehouse_id"]) or {}
            product = self.env.store.get("product.product", row["product_id"]) or {}
            created.append(
                self.env["purchase.order"]
                .sudo()
                ._create_one(
                    {
                        "partner_id": vendor,
                        "origin": row.get("name"),
                        "picking_type_id": warehouse.get("in_type_id"),
                        "order_line": [
                            (
                                0,
                                0,
                                {
                                    "product_id": row["product_id"],
                                    "product_qty": qty,
                                    "price_unit": product.get("standard_price") or 1.0,
                                },
                            )
                        ],
                    }
                )
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": "The following replenishment order has been generated",
                "type": "success",
                "sticky": False,
                "purchase_order_ids": created,
            },
        }

    @rpc
    def action_snooze(self, snoozed_until: str | bool = False) -> bool:
        self.write({"snoozed_until": snoozed_until})
        return True

    @rpc
    def action_reset_snooze(self) -> bool:
        self.write({"snoozed_until": False})
        return True
