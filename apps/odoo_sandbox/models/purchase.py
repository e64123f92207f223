"""purchase: orders and lines, with Odoo 18's confirmation and two-step approval behaviour."""

from __future__ import annotations

from typing import Any

from .. import errors
from ..environment import Env
from ..fields import (
    Char,
    Datetime,
    Float,
    Html,
    Integer,
    Many2many,
    Many2one,
    Monetary,
    One2many,
    Row,
    Selection,
)
from ..orm import Model, rpc
from ..writing import touch
from . import billing
from .mail import MailThread

PURCHASE_GROUPS = (
    "purchase.group_purchase_user",
    "purchase.group_purchase_manager",
    "stock.group_stock_user",
    "account.group_account_invoice",
)
PO_STATES = [
    ("draft", "RFQ"),
    ("sent", "RFQ Sent"),
    ("to approve", "To Approve"),
    ("purchase", "Purchase Order"),
    ("done", "Locked"),
    ("cancel", "Cancelled"),
]


def _default_picking_type(env: Env) -> Any:
    for rid, row in sorted(env.store.table("stock.picking.type").items()):
        if row.get("code") == "incoming" and row.get("active", True):
            return rid
    return False


class PurchaseOrder(MailThread):
    _name = "purchase.order"
    _description = "Purchase Order"
    _order = "priority desc, id desc"
    _groups = PURCHASE_GROUPS
    _write_groups = ("purchase.group_purchase_user", "purchase.group_purchase_manager")
    _abstract = False
    _fields = {
        "name": Char("Order Reference", required=True, default="New"),
        "priority": Selection([("0", "Normal"), ("1", "Urgent")], "Priority", default="0"),
        "origin": Char("Source Document"),
        "partner_ref": Char("Vendor Reference"),
        "date_order": Datetime("Order Deadline", required=True, default=lambda env: env.now()),
        "date_approve": Datetime("Confirmation Date", readonly=True),
        "date_planned": Datetime("Expected Arrival"),
        "partner_id": Many2one("res.partner", "Vendor", required=True),
        "dest_address_id": Many2one("res.partner", "Dropship Address"),
        "currency_id": Many2one("res.currency", "Currency", required=True, default=1),
        "state": Selection(PO_STATES, "Status", readonly=True, default="draft"),
        "order_line": One2many("purchase.order.line", "order_id", "Order Lines"),
        "notes": Html("Terms and Conditions", until=18),
        "note": Html("Terms and Conditions", since=19),  # Odoo 19 renamed `notes`
        "amount_untaxed": Monetary("Untaxed Amount", readonly=True),
        "amount_tax": Monetary("Taxes", readonly=True),
        "amount_total": Monetary("Total", readonly=True),
        "user_id": Many2one("res.users", "Buyer", default=lambda env: env.uid),
        "company_id": Many2one("res.company", "Company", required=True, default=1),
        "picking_type_id": Many2one("stock.picking.type", "Deliver To", required=True, default=_default_picking_type),
        "picking_ids": One2many("stock.picking", "purchase_id", "Receptions", readonly=True),
        "incoming_picking_count": Integer(
            "Incoming Shipment count",
            compute=lambda env, row, _m: sum(
                1 for p in env.store.table("stock.picking").values() if p.get("purchase_id") == row["id"]
            ),
        ),
        "invoice_status": Selection(
            [("no", "Nothing to Bill"), ("to invoice", "Waiting Bills"), ("invoiced", "Fully Billed")],
            "Billing Status",
            compute=lambda env, row, _m: billing.order_invoice_status(env, row),
        ),
        "invoice_ids": Many2many(
            "account.move", "Bills", compute=lambda env, row, _m: billing.order_bills(env, row["id"])
        ),
        "receipt_status": Selection(
            [("pending", "Not Received"), ("partial", "Partially Received"), ("full", "Fully Received")],
            "Receipt Status",
        ),
    }

    def _prepare_create(self, vals: dict[str, Any]) -> None:
        if vals.get("name", "New") in ("New", False, None, ""):
            vals["name"] = f"P{self.env.store.next_sequence('purchase.order'):05d}"

    def _after_create(self) -> None:
        self._recompute_amounts()

    def _after_write(self, vals: dict[str, Any]) -> None:
        if "order_line" in vals:
            self._recompute_amounts()

    def _recompute_amounts(self) -> None:
        lines = self.env.store.table("purchase.order.line")
        for order in self:
            untaxed = round(
                sum(
                    float(line.get("price_subtotal") or 0.0)
                    for line in lines.values()
                    if line.get("order_id") == order.id
                ),
                2,
            )
            if order.row.get("amount_total") != untaxed:
                touch(order, {"amount_untaxed": untaxed, "amount_tax": 0.0, "amount_total": untaxed})

    def _approval_allowed(self) -> bool:
        """Odoo's rule: one-step company, or below the double-validation amount, or a purchase manager."""
        row = self.row
        company = self.env.store.get("res.company", row.get("company_id")) or {}
        return bool(
            company.get("po_double_validation", "one_step") == "one_step"
            or (
                company.get("po_double_validation") == "two_step"
                and float(row.get("amount_total") or 0.0) < float(company.get("po_double_validation_amount") or 0.0)
            )
            or self.env.has_group("purchase.group_purchase_manager")
        )

    @rpc
    def button_confirm(self) -> bool:
        self._check_exists()
        self._check_access("write")
        for order in self:
            if order.row.get("state") not in ("draft", "sent"):
                continue
            if order._approval_allowed():
                order.button_approve()
            else:
                touch(order, {"state": "to approve"})
        return True

    @rpc
    def button_approve(self, force: bool = False) -> dict[str, Any]:
        """No state guard (as in Odoo): a cancelled order becomes confirmed. Non-managers above the
        limit are filtered out silently, so the call 'succeeds' and changes nothing."""
        self._check_exists()
        self._check_access("write")
        allowed = self.filtered(lambda order: order._approval_allowed())
        for order in allowed:
            company = self.env.store.get("res.company", order.row.get("company_id")) or {}
            state = "done" if company.get("po_lock") == "lock" else "purchase"
            touch(order, {"state": state, "date_approve": self.env.now()})
            order._create_picking()
        return {}

    def _create_picking(self) -> None:
        if any(
            p.get("purchase_id") == self.id and p.get("state") not in ("done", "cancel")
            for p in self.env.store.table("stock.picking").values()
        ):
            return
        row = self.row
        ptype = self.env.store.get("stock.picking.type", row.get("picking_type_id")) or {}
        picking = self.env["stock.picking"].sudo()._create_one(
            {
                "partner_id": row.get("partner_id"),
                "picking_type_id": row.get("picking_type_id"),
                "location_dest_id": ptype.get("default_location_dest_id") or False,
                "origin": row.get("name"),
                "scheduled_date": row.get("date_planned") or self.env.now(),
                "state": "assigned",
                "purchase_id": self.id,
                "company_id": row.get("company_id"),
            }
        )
        billing.receipt_moves_create(self.env, picking, self.id)

    @rpc
    def button_cancel(self) -> None:
        self._check_exists()
        self._check_access("write")
        pickings = self.env["stock.picking"].sudo()
        for order in self:
            mine = [p for p in self.env.store.table("stock.picking").values() if p.get("purchase_id") == order.id]
            if any(p.get("state") == "done" for p in mine):
                name = order.row.get("name")
                raise errors.UserError(
                    f"Unable to cancel purchase order {name} as some receptions have already been done."
                )
            for picking in mine:
                if picking.get("state") != "cancel":
                    touch(pickings.browse([picking["id"]]), {"state": "cancel"})
        touch(self, {"state": "cancel"})

    @rpc
    def button_draft(self) -> dict[str, Any]:
        self._check_exists()
        self.write({"state": "draft"})
        return {}

    @rpc
    def button_done(self) -> None:
        self._check_exists()
        self.write({"state": "done", "priority": "0"})

    @rpc
    def button_unlock(self) -> None:
        self._check_exists()
        self.write({"state": "purchase"})

    @rpc
    def button_lock(self) -> None:
        self.button_done()

    def _check_unlink(self) -> None:
        for order in self:
            if order.row.get("state") != "cancel":
                raise errors.UserError("In order to delete a purchase order, you must cancel it first.")
        lines = self.env["purchase.order.line"].sudo()
        for rid, line in list(self.env.store.table("purchase.order.line").items()):
            if line.get("order_id") in self.ids:
                self.env.store.delete(lines._name, rid)


def _line_subtotal(row: Row) -> float:
    return round(float(row.get("product_qty") or 0.0) * float(row.get("price_unit") or 0.0), 2)


class PurchaseOrderLine(Model):
    _name = "purchase.order.line"
    _description = "Purchase Order Line"
    _order = "order_id, sequence, id"
    _groups = PURCHASE_GROUPS
    _write_groups = ("purchase.group_purchase_user", "purchase.group_purchase_manager")
    _abstract = False
    _fields = {
        "order_id": Many2one("purchase.order", "Order Reference", required=True),
        "sequence": Integer("Sequence", default=10),
        "name": Char("Description"),
        "product_id": Many2one("product.product", "Product"),
        "product_qty": Float("Quantity", default=1.0),
        "product_uom_qty": Float("Total Quantity", compute=lambda env, row, _m: float(row.get("product_qty") or 0.0)),
        "price_unit": Float("Unit Price", default=0.0),
        "price_subtotal": Monetary("Subtotal", readonly=True),
        "price_total": Monetary("Total", readonly=True),
        "qty_received_method": Selection(
            [("manual", "Manual"), ("stock_moves", "Stock Moves")],
            "Received Qty Method",
            compute=lambda env, row, _m: billing.received_method(env, row),
        ),
        "qty_received": Float("Received Qty", default=0.0),
        "qty_invoiced": Float("Billed Qty", compute=lambda env, row, _m: billing.line_qty_invoiced(env, row["id"])),
        "qty_to_invoice": Float(
            "To Invoice Quantity", compute=lambda env, row, _m: billing.line_qty_to_invoice(env, row)
        ),
        "invoice_lines": One2many("account.move.line", "purchase_line_id", "Bill Lines"),
        "move_ids": One2many("stock.move", "purchase_line_id", "Reservation"),
        "date_planned": Datetime("Expected Arrival"),
        "state": Selection(PO_STATES, "Status", related="order_id.state"),
        "partner_id": Many2one("res.partner", "Partner", related="order_id.partner_id"),
        "currency_id": Many2one("res.currency", "Currency", related="order_id.currency_id"),
        "company_id": Many2one("res.company", "Company", related="order_id.company_id"),
    }

    def _prepare_create(self, vals: dict[str, Any]) -> None:
        product = vals.get("product_id")
        if product and not vals.get("name"):
            vals["name"] = self.env.display_name("product.product", int(product))
        if product and "price_unit" not in vals:
            vals["price_unit"] = (self.env.store.get("product.product", int(product)) or {}).get("standard_price", 0.0)
        subtotal = _line_subtotal(
            {"product_qty": vals.get("product_qty", 1.0), "price_unit": vals.get("price_unit", 0.0)}
        )
        vals["price_subtotal"] = vals["price_total"] = subtotal

    def _after_create(self) -> None:
        self._refresh_orders()

    def _after_write(self, vals: dict[str, Any]) -> None:
        for line in self:
            subtotal = _line_subtotal(line.row)
            self.env.store.update(
                self._name, line.id, {"price_subtotal": subtotal, "price_total": subtotal}, event=False
            )
        self._refresh_orders()

    def _received_refresh(self) -> None:
        """`qty_received` of lines received through stock moves: the done moves' quantities."""
        for line in self:
            if billing.received_method(self.env, line.row) == "stock_moves":
                received = billing.line_qty_received(self.env, line.id)
                if line.row.get("qty_received") != received:
                    touch(line, {"qty_received": received})

    def _refresh_orders(self) -> None:
        orders = {int(row["order_id"]) for row in self.rows if row.get("order_id")}
        self.env["purchase.order"].browse(sorted(orders))._recompute_amounts()
