"""purchase: received and billed quantities of order lines, as Odoo 18's purchase_stock computes them.

`qty_received` is the done receipt moves' quantity; `qty_invoiced` the quantity of vendor bill lines
linked to the line (`purchase_line_id`, bills not cancelled, credit notes subtracting);
`qty_to_invoice` is what may still be billed: received minus billed for products billed on receipt
(negative when billed beyond the receipt), ordered minus billed for the others.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..fields import Row

if TYPE_CHECKING:
    from ..environment import Env

CONFIRMED = ("purchase", "done")


def _product(env: Env, row: Row) -> Row:
    return env.store.get("product.product", row.get("product_id") or 0) or {}


def received_method(env: Env, row: Row) -> str:
    """Goods are received through stock moves; services by hand."""
    return "stock_moves" if _product(env, row).get("type") == "consu" else "manual"


def line_qty_received(env: Env, line_id: int) -> float:
    return round(sum(float(m.get("quantity") or 0.0) for m in env.store.table("stock.move").values()
                     if m.get("purchase_line_id") == line_id and m.get("state") == "done"), 4)


def line_qty_invoiced(env: Env, line_id: int) -> float:
    moves = env.store.table("account.move")
    total = 0.0
    for line in env.store.table("account.move.line").values():
        if line.get("purchase_line_id") != line_id:
            continue
        move = moves.get(line.get("move_id") or 0) or {}
        if move.get("state") == "cancel":
            continue
        if move.get("move_type") == "in_invoice":
            total += float(line.get("quantity") or 0.0)
        elif move.get("move_type") == "in_refund":
            total -= float(line.get("quantity") or 0.0)
    return round(total, 4)


def line_qty_to_invoice(env: Env, row: Row) -> float:
    order = env.store.get("purchase.order", row.get("order_id") or 0) or {}
    if order.get("state") not in CONFIRMED:
        return 0.0
    invoiced = line_qty_invoiced(env, row["id"])
    if _product(env, row).get("purchase_method", "receive") == "purchase":
        return round(float(row.get("product_qty") or 0.0) - invoiced, 4)
    return round(float(row.get("qty_received") or 0.0) - invoiced, 4)


def _order_lines(env: Env, order_id: int) -> list[Row]:
    return [line for line in env.store.table("purchase.order.line").values() if line.get("order_id") == order_id]


def order_bills(env: Env, order_id: int) -> list[int]:
    """The vendor bills and credit notes with a line on one of the order's lines."""
    lines = {line["id"] for line in _order_lines(env, order_id)}
    moves = env.store.table("account.move")
    return sorted({int(ln["move_id"]) for ln in env.store.table("account.move.line").values()
                   if ln.get("purchase_line_id") in lines and ln.get("move_id")
                   and (moves.get(ln["move_id"]) or {}).get("move_type") in ("in_invoice", "in_refund")})


def order_invoice_status(env: Env, row: Row) -> str:
    if row.get("state") not in CONFIRMED:
        return "no"
    lines = _order_lines(env, row["id"])
    if any(abs(line_qty_to_invoice(env, line)) > 1e-6 for line in lines):
        return "to invoice"
    return "invoiced" if order_bills(env, row["id"]) else "no"


def receipt_moves_create(env: Env, picking_id: int, order_id: int) -> None:
    """One reserved move per goods line still to receive, on the order's new receipt."""
    picking = env.store.get("stock.picking", picking_id) or {}
    for line in sorted(_order_lines(env, order_id), key=lambda ln: ln["id"]):
        if received_method(env, line) != "stock_moves":
            continue
        wanted = float(line.get("product_qty") or 0.0) - float(line.get("qty_received") or 0.0)
        if wanted <= 0:
            continue
        values: dict[str, Any] = {
            "picking_id": picking_id, "product_id": line.get("product_id"), "product_uom_qty": wanted,
            "quantity": wanted, "state": "assigned", "purchase_line_id": line["id"],
            "location_id": picking.get("location_id"), "location_dest_id": picking.get("location_dest_id"),
        }
        env["stock.move"].sudo()._create_one(values)
