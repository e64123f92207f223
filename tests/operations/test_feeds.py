"""Each exception feed against the sandbox's seeded data, checked against Odoo itself over RPC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.odoo_gateway import m2o_id, parse_odoo_datetime
from apps.operations.models import DocumentStore, ExceptionKind, ExceptionRule, ExceptionStatus, ProductCost
from apps.operations.services import exceptions_refresh
from apps.sync.models import MirrorRecord
from tests.operations.builders import NETWORK_WAREHOUSES, exceptions_of, feeds_ready, sync

pytestmark = pytest.mark.django_db
WAREHOUSES = sorted(NETWORK_WAREHOUSES)


@pytest.fixture
def ready(network, odoo):  # type: ignore[no-untyped-def]
    feeds_ready()
    return network


def costs_of(odoo, products: set[int]) -> dict[int, Decimal]:  # type: ignore[no-untyped-def]
    rows = odoo.read("product.product", sorted(products), ["standard_price"])
    return {row["id"]: Decimal(str(row["standard_price"])) for row in rows}


def test_it_opens_count_discrepancies_above_the_threshold_valued_at_cost(ready, odoo) -> None:
    sync("stock-discrepancies", odoo)
    exceptions_refresh(gateway=odoo)
    counted = [["inventory_quantity_set", "=", True], ["warehouse_id", "in", WAREHOUSES]]
    quants = odoo.search_read("stock.quant", counted,
                              ["product_id", "inventory_diff_quantity", "warehouse_id"])
    costs = costs_of(odoo, {m2o_id(q["product_id"]) for q in quants})  # type: ignore[misc]
    expected = {}
    for quant in quants:
        quantity = abs(Decimal(str(quant["inventory_diff_quantity"])))
        value = (quantity * costs[quant["product_id"][0]]).quantize(Decimal("0.01"))
        if quantity >= 5 or value >= 25:
            expected[quant["id"]] = (quant["warehouse_id"][0], quantity, value)
    found = exceptions_of(ExceptionKind.COUNT_DISCREPANCY)
    assert expected
    assert set(found) == set(expected)
    for odoo_id, (warehouse, quantity, value) in expected.items():
        assert found[odoo_id].store.odoo_warehouse_id == warehouse
        assert found[odoo_id].quantity == quantity
        assert found[odoo_id].value_at_risk == value
        assert found[odoo_id].status == ExceptionStatus.OPEN
    assert ProductCost.objects.count() >= len(costs)


def test_it_follows_the_configured_thresholds(ready, odoo) -> None:
    ExceptionRule.objects.filter(kind=ExceptionKind.COUNT_DISCREPANCY).update(min_quantity=0, min_value=0)
    sync("stock-discrepancies", odoo)
    exceptions_refresh(gateway=odoo)
    counted = odoo.search("stock.quant", [["inventory_quantity_set", "=", True], ["warehouse_id", "in", WAREHOUSES]])
    assert set(exceptions_of(ExceptionKind.COUNT_DISCREPANCY)) == set(counted)
    ExceptionRule.objects.filter(kind=ExceptionKind.COUNT_DISCREPANCY).update(min_quantity=1000, min_value=100000)
    exceptions_refresh(gateway=odoo)
    statuses = {e.status for e in exceptions_of(ExceptionKind.COUNT_DISCREPANCY).values()}
    assert statuses == {ExceptionStatus.CLOSED}


def test_it_opens_replenishment_risks_for_orderpoints_with_something_to_order(ready, odoo) -> None:
    sync("replenishment-risks", odoo)
    exceptions_refresh(gateway=odoo)
    points = odoo.search_read("stock.warehouse.orderpoint", [["warehouse_id", "in", WAREHOUSES]],
                              ["product_id", "qty_to_order", "warehouse_id"])
    short = [p for p in points if p["qty_to_order"] > 0]
    costs = costs_of(odoo, {p["product_id"][0] for p in short})
    found = exceptions_of(ExceptionKind.REPLENISHMENT_RISK)
    assert short
    assert len(short) < len(points)  # the seeded rules that are fine stay quiet
    assert set(found) == {p["id"] for p in short}
    for point in short:
        exception = found[point["id"]]
        assert exception.store.odoo_warehouse_id == point["warehouse_id"][0]
        assert exception.quantity == Decimal(str(point["qty_to_order"]))
        assert exception.value_at_risk == (exception.quantity * costs[point["product_id"][0]]).quantize(Decimal("0.01"))


def test_it_opens_negative_stock_only_in_internal_locations_of_known_stores(ready, odoo, odoo_server) -> None:
    location = odoo.read("stock.warehouse", [2], ["lot_stock_id"])[0]["lot_stock_id"][0]
    product = odoo.search("product.product", [["type", "=", "consu"]], limit=1)[0]
    quant = odoo_server.execute("admin", "stock.quant", "create",
                                [{"product_id": product, "location_id": location, "quantity": -4}])
    sync("negative-stock", odoo)
    exceptions_refresh(gateway=odoo)
    seeded_elsewhere = odoo.search("stock.quant", [["quantity", "<", 0], ["location_id.usage", "=", "internal"]])
    assert len(seeded_elsewhere) > 1  # the seed has negatives in stores this network does not know
    found = exceptions_of(ExceptionKind.NEGATIVE_STOCK)
    assert set(found) == {quant}
    exception = found[quant]
    assert exception.store.code == "N01"
    assert exception.quantity == 4
    assert exception.value_at_risk == (4 * costs_of(odoo, {product})[product]).quantize(Decimal("0.01"))


def test_it_opens_late_receipts_only_once_past_the_scheduled_date_and_grace(ready, odoo, odoo_server) -> None:
    receipts_type = odoo.search("stock.picking.type", [["code", "=", "incoming"], ["warehouse_id", "=", 3]])[0]
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S")
    on_time = odoo_server.execute("admin", "stock.picking", "create",
                                  [{"picking_type_id": receipts_type, "scheduled_date": tomorrow}])
    sync("late-receipts", odoo)
    exceptions_refresh(gateway=odoo)
    types = {t["id"]: m2o_id(t["warehouse_id"]) for t in odoo.search_read(
        "stock.picking.type", [["code", "=", "incoming"]], ["warehouse_id"])}
    grace = timedelta(hours=ExceptionRule.objects.get(kind=ExceptionKind.LATE_RECEIPT).grace_hours)
    late = {p["id"]: types[p["picking_type_id"][0]] for p in odoo.search_read(
        "stock.picking", [["picking_type_code", "=", "incoming"], ["state", "not in", ["done", "cancel"]]],
        ["picking_type_id", "scheduled_date"])
        if types[p["picking_type_id"][0]] in NETWORK_WAREHOUSES
        and parse_odoo_datetime(p["scheduled_date"]) + grace < timezone.now()}
    found = exceptions_of(ExceptionKind.LATE_RECEIPT)
    assert late
    assert set(found) == set(late)
    assert on_time not in found
    assert MirrorRecord.objects.filter(feed__slug="late-receipts", odoo_id=on_time).exists()
    for odoo_id, warehouse in late.items():
        assert found[odoo_id].store.odoo_warehouse_id == warehouse
        assert found[odoo_id].severity >= 2  # a day or more late on a medium base


def test_it_opens_overdue_activities_once_their_document_store_is_known(ready, odoo) -> None:
    sync("store-activities", odoo)
    assert not exceptions_of(ExceptionKind.OVERDUE_ACTIVITY)  # documents not resolved yet: no Odoo call in sync
    exceptions_refresh(gateway=odoo)
    today = timezone.localdate()
    activities = odoo.search_read("mail.activity", [["res_model", "=", "purchase.order"]],
                                  ["res_id", "date_deadline"])
    orders = {o["id"]: m2o_id(o["picking_type_id"]) for o in odoo.read(
        "purchase.order", sorted({a["res_id"] for a in activities}), ["picking_type_id"])}
    types = {t["id"]: m2o_id(t["warehouse_id"]) for t in odoo.read(
        "stock.picking.type", sorted(set(orders.values())), ["warehouse_id"])}  # type: ignore[type-var]
    expected = {a["id"]: types[orders[a["res_id"]]] for a in activities  # type: ignore[index]
                if types[orders[a["res_id"]]] in NETWORK_WAREHOUSES  # type: ignore[index]
                and datetime.strptime(a["date_deadline"], "%Y-%m-%d").date() < today}
    found = exceptions_of(ExceptionKind.OVERDUE_ACTIVITY)
    assert expected
    assert set(found) == set(expected)
    for odoo_id, warehouse in expected.items():
        assert found[odoo_id].store.odoo_warehouse_id == warehouse
        assert found[odoo_id].title.startswith("To-Do")
    assert DocumentStore.objects.filter(odoo_model="purchase.order", store__isnull=False).count() == len(expected)
