"""stock: the moves of a transfer, and validating a receipt (with Odoo's backorder wizard).

A purchase order's receipt holds one move per goods line (`purchase_line_id`), reserved in full
(`quantity = product_uom_qty`, as Odoo 18 does for supplier receipts). Validating with less than the
demand returns the `stock.backorder.confirmation` wizard action; its `process` finishes the receipt
with what was received and moves the rest to a new receipt (the backorder). A done move adds its
quantity to the purchase line's `qty_received`.
"""

from __future__ import annotations

from typing import Any

from .. import errors
from ..fields import Boolean, Char, Datetime, Float, Many2many, Many2one, Selection
from ..orm import Model, rpc
from ..writing import touch
from .stock import STOCK_GROUPS, STOCK_WRITE

MOVE_STATES = [
    ("draft", "New"),
    ("waiting", "Waiting Another Move"),
    ("confirmed", "Waiting Availability"),
    ("partially_available", "Partially Available"),
    ("assigned", "Available"),
    ("done", "Done"),
    ("cancel", "Cancelled"),
]
BACKORDER_VIEW_ID = 1073


class StockMove(Model):
    _name = "stock.move"
    _description = "Stock Move"
    _order = "sequence, id"
    _groups = STOCK_GROUPS
    _write_groups = (*STOCK_WRITE, "purchase.group_purchase_user")
    _abstract = False
    _fields = {
        "name": Char("Description"),
        "sequence": Float("Sequence", default=10),
        "picking_id": Many2one("stock.picking", "Transfer"),
        "product_id": Many2one("product.product", "Product", required=True),
        "product_uom_qty": Float("Demand", default=0.0),
        "quantity": Float("Quantity", default=0.0),
        "state": Selection(MOVE_STATES, "Status", default="draft"),
        "location_id": Many2one("stock.location", "Source Location"),
        "location_dest_id": Many2one("stock.location", "Destination Location"),
        "purchase_line_id": Many2one("purchase.order.line", "Purchase Order Line"),
        "date": Datetime("Date Scheduled", default=lambda env: env.now()),
        "picked": Boolean("Picked", default=False),
        "company_id": Many2one("res.company", "Company", default=1),
    }

    def _prepare_create(self, vals: dict[str, Any]) -> None:
        product = vals.get("product_id")
        if product and not vals.get("name"):
            vals["name"] = self.env.display_name("product.product", int(product))


class StockBackorderConfirmation(Model):
    _name = "stock.backorder.confirmation"
    _description = "Backorder Confirmation"
    _groups = STOCK_GROUPS
    _write_groups = (*STOCK_WRITE, "purchase.group_purchase_user")
    _abstract = False
    _rec_name = None
    _fields = {
        "pick_ids": Many2many("stock.picking", "Transfers"),
        "show_transfers": Boolean("Show Transfers", default=False),
    }

    @rpc
    def process(self) -> bool:
        """Validate with what was received and keep the rest on a backorder receipt."""
        self._check_exists()
        for wizard in self:
            pickings = self.env["stock.picking"].browse(list(wizard.row.get("pick_ids") or []))
            for picking in pickings.exists():
                picking_finish(picking, backorder=True)
        return True

    @rpc
    def process_cancel_backorder(self) -> bool:
        """Validate with what was received and cancel the rest (no backorder)."""
        self._check_exists()
        for wizard in self:
            pickings = self.env["stock.picking"].browse(list(wizard.row.get("pick_ids") or []))
            for picking in pickings.exists():
                picking_finish(picking, backorder=False)
        return True


def picking_moves(picking: Model) -> list[dict[str, Any]]:
    return [m for m in picking.env.store.table("stock.move").values()
            if m.get("picking_id") == picking.id and m.get("state") not in ("done", "cancel")]


def picking_validate(picking: Model) -> dict[str, Any] | bool:
    """`button_validate` on one transfer: done at once when every move has its demand (or the transfer
    has no moves), else the backorder wizard's action, as Odoo answers it."""
    if picking.row.get("state") in ("done", "cancel"):
        raise errors.UserError("You cannot validate a transfer if no quantities are reserved nor done.")
    moves = picking_moves(picking)
    if moves and not any(float(m.get("quantity") or 0.0) > 0 for m in moves):
        raise errors.UserError("You cannot validate a transfer if no quantities are reserved nor done. "
                               "You can use the info button to set the quantities.")
    short = any(float(m.get("quantity") or 0.0) < float(m.get("product_uom_qty") or 0.0) for m in moves)
    if short and not picking.env.context.get("picking_ids_not_to_backorder"):
        return {
            "name": "Create Backorder?",
            "type": "ir.actions.act_window",
            "view_mode": "form",
            "res_model": "stock.backorder.confirmation",
            "views": [[BACKORDER_VIEW_ID, "form"]],
            "view_id": BACKORDER_VIEW_ID,
            "target": "new",
            "context": {"button_validate_picking_ids": [picking.id], "default_show_transfers": False,
                        "default_pick_ids": [[4, picking.id]]},
        }
    picking_finish(picking, backorder=False)
    return True


def picking_finish(picking: Model, *, backorder: bool) -> None:
    """Mark the moves done with their quantity, the rest onto a backorder (or dropped), the transfer
    done, and bring the purchase lines' received quantities up to date."""
    env = picking.env
    moves = picking_moves(picking)
    rest = [(m, float(m.get("product_uom_qty") or 0.0) - float(m.get("quantity") or 0.0)) for m in moves]
    rest = [(m, qty) for m, qty in rest if qty > 0]
    if backorder and rest:
        row = picking.row
        new_picking = env["stock.picking"].sudo()._create_one({
            "partner_id": row.get("partner_id"), "picking_type_id": row.get("picking_type_id"),
            "location_id": row.get("location_id"), "location_dest_id": row.get("location_dest_id"),
            "origin": row.get("origin"), "scheduled_date": row.get("scheduled_date"), "state": "assigned",
            "purchase_id": row.get("purchase_id"), "company_id": row.get("company_id"),
            "backorder_id": picking.id})
        for move, qty in rest:
            env["stock.move"].sudo()._create_one({
                "picking_id": new_picking, "product_id": move.get("product_id"), "product_uom_qty": qty,
                "quantity": qty, "state": "assigned", "location_id": move.get("location_id"),
                "location_dest_id": move.get("location_dest_id"), "purchase_line_id": move.get("purchase_line_id")})
    for move in moves:
        done = float(move.get("quantity") or 0.0)
        touch(env["stock.move"].browse([move["id"]]),
              {"state": "done" if done > 0 else "cancel", "product_uom_qty": done, "picked": True})
    touch(picking, {"state": "done", "date_done": env.now()})
    lines = sorted({int(m["purchase_line_id"]) for m in moves if m.get("purchase_line_id")})
    if lines:
        env["purchase.order.line"].sudo().browse(lines)._received_refresh()
