"""Odoo-side helpers for API tests: documents created in the sandbox as Odoo users would, and syncs."""

from __future__ import annotations

from typing import Any

from apps.approvals.models import ApprovalRequest
from apps.sync.engine import feed_sync
from apps.sync.feeds import feeds_ensure
from apps.sync.models import Feed


def new_po(server: Any, *, warehouse_id: int, price: float = 100.0, qty: float = 5.0) -> int:
    """A buyer's purchase order waiting in `to approve` for the store of `warehouse_id`."""
    vendor = server.execute("admin", "res.partner", "search", [[["supplier_rank", ">", 0]]], {"limit": 1})[0]
    product = server.execute("admin", "product.product", "search", [[["purchase_ok", "=", True]]], {"limit": 1})[0]
    picking_type = server.execute("admin", "stock.picking.type", "search",
                                  [[["code", "=", "incoming"], ["warehouse_id", "=", warehouse_id]]], {"limit": 1})[0]
    company = server.execute("admin", "res.users", "read", [[2], ["company_id"]])[0]["company_id"][0]
    server.execute("admin", "res.company", "write", [[company], {"po_double_validation": "two_step",
                                                                 "po_double_validation_amount": 100}])
    order = server.execute("buyer", "purchase.order", "create", [{
        "partner_id": vendor, "picking_type_id": picking_type,
        "order_line": [[0, 0, {"product_id": product, "product_qty": qty, "price_unit": price}]]}])
    server.execute("buyer", "purchase.order", "button_confirm", [[order]])
    return order


def sync_purchase_orders(gateway: Any) -> None:
    feeds_ensure()
    run = feed_sync(Feed.objects.get(slug="purchase-orders"), gateway=gateway)
    assert run.status == "ok", run.error


def approval_for(order: int) -> ApprovalRequest:
    return ApprovalRequest.objects.select_related("store").get(odoo_model="purchase.order", odoo_id=order)


def odoo_state(server: Any, model: str, odoo_id: int) -> Any:
    return server.execute("admin", model, "read", [[odoo_id], ["state"]])[0]["state"]


def make_exception(store: Any, **fields: Any) -> Any:
    """An open exception as the projector would leave it (a late receipt), without going through Odoo."""
    from datetime import timedelta

    from django.utils import timezone

    from apps.operations.models import ExceptionKind, ExceptionStatus, OpsException, Severity

    now = timezone.now()
    values: dict[str, Any] = {
        "kind": ExceptionKind.LATE_RECEIPT, "odoo_model": "stock.picking", "odoo_id": next(_exception_ids),
        "title": f"{store.code}/IN/00042 from Fresh Fields", "detail": "Receipt scheduled yesterday",
        "severity": Severity.MEDIUM, "status": ExceptionStatus.OPEN, "opened_at": now - timedelta(hours=3),
        "started_at": now - timedelta(hours=5), "deadline": now + timedelta(hours=5)}
    values.update(fields)
    return OpsException.objects.create(store=store, **values)


_exception_ids = iter(range(950_000, 10**9))


def make_approval(store: Any, odoo_id: int) -> ApprovalRequest:
    """A request as the projector leaves it (local only: these tests never reach a write-back)."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from apps.sync.models import MirrorRecord

    feeds_ensure()
    feed = Feed.objects.get(slug="purchase-orders")
    mirror = MirrorRecord.objects.create(feed=feed, odoo_id=odoo_id, store=store, values={},
                                         odoo_write_date=timezone.now())
    return ApprovalRequest.objects.create(mirror=mirror, feed=feed, kind=feed.slug, kind_label="Purchase order",
                                          store=store, odoo_model="purchase.order", odoo_id=odoo_id,
                                          reference=f"P{odoo_id}", amount=Decimal("120"),
                                          deadline=timezone.now() + timedelta(hours=8))
