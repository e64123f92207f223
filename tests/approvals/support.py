"""Shared helpers for approval and write-back tests: fresh Odoo documents in the sandbox, syncing the
approval feeds, running queued write-backs, and counting effects on the Odoo side."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from apps.approvals.models import ApprovalRequest, ApprovalStatus
from apps.sync.engine import feed_sync
from apps.sync.feeds import feeds_ensure
from apps.sync.models import Feed
from apps.writeback.models import PENDING, WriteBack
from apps.writeback.services import writeback_run

APPROVAL_FEEDS = ("purchase-orders", "stock-counts", "customer-refunds", "expense-reports")


@pytest.fixture(autouse=True)
def dispatched(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Write-back tasks sent to the broker, captured: the tests run them explicitly with writeback_run
    (the outbox row is the source of truth; a task only says "try this row now")."""
    from apps.writeback.tasks import apply_writeback

    sent: list[int] = []
    monkeypatch.setattr(apply_writeback, "delay", lambda pk: sent.append(pk))
    # A held row (undo window) is sent for the end of its hold: captured alike, its countdown kept.
    monkeypatch.setattr(apply_writeback, "apply_async",
                        lambda args, countdown=0: (sent.append(args[0]), COUNTDOWNS.append(countdown)))
    COUNTDOWNS.clear()
    return sent


COUNTDOWNS: list[float] = []


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def approvals_sync(gateway: Any, slugs: tuple[str, ...] = APPROVAL_FEEDS) -> None:
    feeds_ensure(major=gateway.version().major)  # as odoo_setup does: the feeds of the server's version
    for slug in slugs:
        run = feed_sync(Feed.objects.get(slug=slug), gateway=gateway)
        assert run.status == "ok", run.error


def run_writebacks(gateway: Any) -> list[WriteBack]:
    """Apply every due row once, as a worker would."""
    done = []
    for pk in WriteBack.objects.filter(status__in=PENDING).order_by("pk").values_list("pk", flat=True):
        result = writeback_run(pk, gateway=gateway)
        if result is not None:
            done.append(result)
    return done


def request_for(model: str, odoo_id: int) -> ApprovalRequest:
    return ApprovalRequest.objects.select_related("store", "writeback").get(odoo_model=model, odoo_id=odoo_id)


def open_requests(kind: str, **filters: Any) -> list[ApprovalRequest]:
    return list(ApprovalRequest.objects.filter(kind=kind, status=ApprovalStatus.OPEN, **filters).order_by("pk"))


def odoo_value(server: Any, model: str, odoo_id: int, field: str = "state") -> Any:
    return server.execute("admin", model, "read", [[odoo_id], [field]])[0][field]


def chatter_notes(server: Any, model: str, odoo_id: int) -> int:
    """Control Tower's own notes on a record (each carries its write-back marker)."""
    return server.execute("admin", "mail.message", "search_count",
                          [[["model", "=", model], ["res_id", "=", odoo_id], ["body", "ilike", "[ct:approval:"]]])


def calls_of(server: Any, model: str, method: str) -> int:
    return sum(1 for call in list(server.sandbox.calls) if call.model == model and call.method == method)


def new_po(server: Any, *, warehouse_id: int = 2, price: float = 100.0, qty: float = 50.0) -> int:
    """A buyer's order above the two-step limit: it waits in `to approve`."""
    vendor = server.execute("admin", "res.partner", "search", [[["supplier_rank", ">", 0]]], {"limit": 1})[0]
    product = server.execute("admin", "product.product", "search", [[["purchase_ok", "=", True]]], {"limit": 1})[0]
    picking_type = server.execute("admin", "stock.picking.type", "search",
                                  [[["code", "=", "incoming"], ["warehouse_id", "=", warehouse_id]]], {"limit": 1})[0]
    order = server.execute("buyer", "purchase.order", "create", [{
        "partner_id": vendor, "picking_type_id": picking_type,
        "order_line": [[0, 0, {"product_id": product, "product_qty": qty, "price_unit": price}]]}])
    server.execute("buyer", "purchase.order", "button_confirm", [[order]])
    return order


def new_refund(server: Any, *, warehouse_id: int = 2, amount: float = 40.0) -> int:
    customer = server.execute("admin", "res.partner", "search", [[["customer_rank", ">", 0]]], {"limit": 1})[0]
    return server.execute("admin", "account.move", "create", [{
        "move_type": "out_refund", "partner_id": customer, "x_store_warehouse_id": warehouse_id,
        "invoice_line_ids": [[0, 0, {"name": "Damaged goods", "quantity": 1, "price_unit": amount}]]}])


def expense_model(server: Any) -> str:
    """What an expense approval approves: the report on Odoo 16-18, the expense itself on 19."""
    return "hr.expense" if server.sandbox.major >= 19 else "hr.expense.sheet"


def new_expense_sheet(server: Any, *, warehouse_id: int = 2, amount: float = 60.0) -> int:
    """A submitted expense report (Odoo 18) or expense (Odoo 19) of a store manager, waiting for approval."""
    employee = server.execute("admin", "hr.employee", "search", [[["user_id", "=", False]]], {"limit": 1})[0]
    values = {"name": "Taxi to supplier", "employee_id": employee, "total_amount_currency": amount}
    if server.sandbox.major >= 19:
        expense = server.execute("admin", "hr.expense", "create", [{**values, "x_store_warehouse_id": warehouse_id}])
        server.execute("admin", "hr.expense", "action_submit", [[expense]])
        return expense
    expense = server.execute("admin", "hr.expense", "create", [values])
    sheet = server.execute("admin", "hr.expense.sheet", "create", [{
        "name": "Taxi", "employee_id": employee, "expense_line_ids": [[6, 0, [expense]]],
        "x_store_warehouse_id": warehouse_id}])
    server.execute("admin", "hr.expense.sheet", "action_submit_sheet", [[sheet]])
    return sheet


def new_count(server: Any, *, warehouse_id: int = 2, delta: float = -3.0) -> int:
    """Count a quant of the store's stock that is not counted yet (inventory mode)."""
    quants = server.execute("admin", "stock.quant", "search_read", [[
        ["warehouse_id", "=", warehouse_id], ["inventory_quantity_set", "=", False], ["quantity", ">", 5],
        ["location_id.usage", "=", "internal"]]], {"fields": ["quantity"], "limit": 1})
    quant = quants[0]
    server.execute("admin", "stock.quant", "write", [[quant["id"]], {"inventory_quantity": quant["quantity"] + delta}],
                   {"context": {"inventory_mode": True}})
    return quant["id"]
