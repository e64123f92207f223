"""Supplier bill mismatches (three-way match): orders, receipts and bills made in the sandbox over RPC."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from apps.operations.models import ExceptionKind, ExceptionRule, ExceptionStatus, OpsException, Severity
from apps.operations.services import exceptions_refresh
from tests.operations.builders import feeds_ready, sync

pytestmark = pytest.mark.django_db
WAREHOUSE = 2  # store N01 of tests.factories.make_network


@pytest.fixture
def ready(network, odoo):  # type: ignore[no-untyped-def]
    feeds_ready()
    return network


class Purchase:
    """One order line in the sandbox: ordered, received in part, billed."""

    def __init__(self, server: Any, *, qty: float, price: float, warehouse: int = WAREHOUSE) -> None:
        self.server = server
        receipts = self.call("stock.picking.type", "search", [[["code", "=", "incoming"],
                                                               ["warehouse_id", "=", warehouse]]])[0]
        self.vendor = self.call("res.partner", "search", [[["supplier_rank", ">", 0]]], {"limit": 1})[0]
        self.product = self.call("product.product", "search", [[["is_storable", "=", True],
                                                                ["purchase_method", "=", "receive"]]],
                                 {"limit": 1})[0]
        self.order = self.call("purchase.order", "create", [{
            "partner_id": self.vendor, "picking_type_id": receipts,
            "order_line": [[0, 0, {"product_id": self.product, "product_qty": qty, "price_unit": price}]]}])
        self.call("purchase.order", "button_confirm", [[self.order]])
        self.line = self.call("purchase.order.line", "search", [[["order_id", "=", self.order]]])[0]

    def call(self, model: str, method: str, args: list[Any], kwargs: dict[str, Any] | None = None) -> Any:
        return self.server.execute("admin", model, method, args, kwargs or {})

    def receive(self, qty: float) -> None:
        """Validate the open receipt with `qty`, keeping the rest on a backorder."""
        picking = self.call("stock.picking", "search", [[["purchase_id", "=", self.order],
                                                         ["state", "=", "assigned"]]])[0]
        move = self.call("stock.move", "search", [[["picking_id", "=", picking]]])[0]
        self.call("stock.move", "write", [[move], {"quantity": qty}])
        action = self.call("stock.picking", "button_validate", [[picking]])
        if isinstance(action, dict):
            wizard = self.call("stock.backorder.confirmation", "create", [{"pick_ids": [[6, 0, [picking]]]}],
                               {"context": action["context"]})
            self.call("stock.backorder.confirmation", "process", [[wizard]], {"context": action["context"]})

    def bill(self, qty: float, price: float, *, kind: str = "in_invoice", dated: date | None = None) -> int:
        return int(self.call("account.move", "create", [{
            "move_type": kind, "partner_id": self.vendor, "invoice_date": (dated or date.today()).isoformat(),
            "invoice_line_ids": [[0, 0, {"product_id": self.product, "quantity": qty, "price_unit": price,
                                         "purchase_line_id": self.line}]]}]))


def refresh(odoo: Any) -> dict[int, OpsException]:
    sync("bill-mismatches", odoo)
    sync("bill-mismatches", odoo, reconcile=True)
    exceptions_refresh(gateway=odoo)
    return {e.odoo_id: e for e in OpsException.objects.filter(kind=ExceptionKind.BILL_MISMATCH)
            .select_related("store")}


def test_it_finds_the_mismatches_the_demo_network_is_seeded_with(ready, odoo) -> None:
    """The sandbox seeds three (apps/odoo_sandbox/seed_bills.py); two are in this test network's stores.
    First in the module: the sandbox is shared by the module's tests."""
    found = refresh(odoo)
    assert sorted((e.store.code, e.detail, e.value_at_risk) for e in found.values()) == [
        ("N01", "Draft bill: billed 40, received 25", Decimal("97.50")),  # 15 x 6.50
        ("N02", "Draft bill: billed at 4.60, ordered at 4", Decimal("18.00")),  # 0.60 x 30
    ]


def test_it_opens_a_line_billed_beyond_its_receipt_and_closes_when_the_rest_arrives(ready, odoo, odoo_server) -> None:
    purchase = Purchase(odoo_server, qty=10, price=5)
    purchase.receive(4)
    purchase.bill(10, 5)
    assert purchase.call("purchase.order.line", "read", [[purchase.line], ["qty_to_invoice"]])[0][
        "qty_to_invoice"] == -6
    exception = refresh(odoo)[purchase.line]
    assert exception.store.code == "N01"  # the order's receiving warehouse
    assert exception.status == ExceptionStatus.OPEN
    assert (exception.quantity, exception.value_at_risk) == (Decimal("6"), Decimal("30.00"))  # 6 x 5
    assert exception.severity == Severity.LOW  # below the rule's value_high (100)
    assert "billed 10, received 4" in exception.detail
    purchase.receive(6)  # the backorder arrives
    exception = refresh(odoo)[purchase.line]
    assert exception.status == ExceptionStatus.CLOSED
    assert not exception.condition_active


def test_it_grades_severity_by_the_value_at_risk(ready, odoo, odoo_server) -> None:
    purchase = Purchase(odoo_server, qty=100, price=20)
    purchase.bill(100, 20)  # nothing received: 2,000 at risk
    exception = refresh(odoo)[purchase.line]
    assert exception.value_at_risk == Decimal("2000.00")
    assert exception.severity == Severity.HIGH  # low + two levels past value_critical (1000)


def test_it_opens_a_bill_priced_above_the_order_beyond_the_tolerance(ready, odoo, odoo_server) -> None:
    within, above = Purchase(odoo_server, qty=10, price=5), Purchase(odoo_server, qty=10, price=5)
    for purchase in (within, above):
        purchase.receive(10)
    within.bill(10, 5.08)  # 0.08 over: inside max(2 % of 5, 0.05) = 0.10
    above.bill(10, 5.5)
    found = refresh(odoo)
    assert within.line not in found
    exception = found[above.line]
    assert exception.value_at_risk == Decimal("5.00")  # 0.50 x 10
    assert exception.quantity == 0  # nothing billed beyond the receipt
    assert "billed at 5.50, ordered at 5" in exception.detail
    ExceptionRule.objects.filter(kind=ExceptionKind.BILL_MISMATCH).update(price_tolerance_percent=20)
    assert refresh(odoo)[above.line].status == ExceptionStatus.CLOSED


def test_it_closes_a_price_mismatch_when_a_credit_note_gives_the_excess_back(ready, odoo, odoo_server) -> None:
    purchase = Purchase(odoo_server, qty=10, price=5)
    purchase.receive(10)
    purchase.bill(10, 5.5)
    assert refresh(odoo)[purchase.line].status == ExceptionStatus.OPEN
    purchase.bill(1, 5, kind="in_refund")  # credits 5.00: the whole excess
    exception = refresh(odoo)[purchase.line]
    assert exception.status == ExceptionStatus.CLOSED


def test_it_opens_a_bill_waiting_for_its_receipt_past_the_configured_days(ready, odoo, odoo_server) -> None:
    # Over-billing alone stays quiet here (thresholds out of reach): only the waiting rule can open.
    ExceptionRule.objects.filter(kind=ExceptionKind.BILL_MISMATCH).update(
        min_quantity=1000, min_value=100000, bill_wait_days=7)
    old, recent = Purchase(odoo_server, qty=10, price=5), Purchase(odoo_server, qty=10, price=5)
    old.bill(2, 5, dated=date.today() - timedelta(days=10))
    recent.bill(2, 5, dated=date.today() - timedelta(days=2))
    found = refresh(odoo)
    assert recent.line not in found
    exception = found[old.line]
    assert "waiting 10 days for the receipt" in exception.detail
    assert exception.value_at_risk == Decimal("10.00")
    old.receive(2)
    assert refresh(odoo)[old.line].status == ExceptionStatus.CLOSED
