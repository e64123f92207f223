"""Demo bill mismatches: in a few stores, a confirmed order received in part and billed in full, an order
billed above its price, and a bill waiting for a receipt that has not come (three-way match)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .environment import Env
from .models.stock_moves import picking_finish

# (store index, ordered, received, billed, order price, bill price, bill age in days)
MISMATCHES = [
    (0, 40.0, 25.0, 40.0, 6.5, 6.5, 2),   # billed 15 beyond the receipt
    (1, 30.0, 30.0, 30.0, 4.0, 4.6, 1),   # billed 0.60 a unit above the order
    (2, 12.0, 0.0, 12.0, 18.0, 18.0, 12),  # a bill waiting twelve days for its goods
]


def seed_bill_mismatches(env: Env, warehouses: list[tuple[int, int]], now: dt.datetime) -> None:
    """`warehouses`: (receipt operation type, warehouse) of the stores, in seeding order."""
    store = env.store
    vendors = sorted(r["id"] for r in store.table("res.partner").values() if (r.get("supplier_rank") or 0) > 0)
    products = sorted(r["id"] for r in store.table("product.product").values()
                      if r.get("is_storable") and r.get("purchase_ok"))
    for position, ordered, received, billed, price, bill_price, age in MISMATCHES:
        if position >= len(warehouses) or not vendors or not products:
            continue
        receipts, _warehouse = warehouses[position]
        vendor, product = vendors[position % len(vendors)], products[(position * 3) % len(products)]
        order = env["purchase.order"]._create_one({
            "partner_id": vendor, "picking_type_id": receipts,
            "order_line": [(0, 0, {"product_id": product, "product_qty": ordered, "price_unit": price})]})
        env["purchase.order"].browse([order]).button_approve()
        line = next(rid for rid, row in store.table("purchase.order.line").items() if row.get("order_id") == order)
        if received:
            picking = env["stock.picking"].browse([next(
                rid for rid, row in store.table("stock.picking").items() if row.get("purchase_id") == order)])
            for move in store.table("stock.move").values():
                if move.get("picking_id") == picking.id:
                    store.update("stock.move", move["id"], {"quantity": received}, event=False)
            picking_finish(picking, backorder=True)
        values: dict[str, Any] = {"product_id": product, "quantity": billed, "price_unit": bill_price,
                                  "purchase_line_id": line}
        env["account.move"]._create_one({
            "move_type": "in_invoice", "partner_id": vendor, "ref": f"V-{order:05d}",
            "invoice_date": (now.date() - dt.timedelta(days=age)).isoformat(),
            "invoice_line_ids": [(0, 0, values)]})
