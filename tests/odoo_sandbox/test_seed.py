"""The seed: Odoo-like demo data plus the retail network of 24 stores (warehouses 2..25)."""

from __future__ import annotations

import time

from apps.odoo_sandbox.server import SandboxServer
from apps.organisation.demo_network import stores_with_warehouse_ids


def count(odoo: SandboxServer, model: str, domain: list) -> int:
    return odoo.execute("admin", model, "search_count", [domain])


def test_it_seeds_one_warehouse_per_store_in_order(sandbox: SandboxServer) -> None:
    rows = sandbox.execute(
        "admin",
        "stock.warehouse",
        "search_read",
        [[("id", ">=", 2)]],
        {"fields": ["code", "name", "lot_stock_id", "in_type_id"], "order": "id asc"},
    )
    expected = [(warehouse_id, store.code, store.name) for _region, store, warehouse_id in stores_with_warehouse_ids()]
    assert [(r["id"], r["code"], r["name"]) for r in rows] == expected
    assert [r["id"] for r in rows] == list(range(2, 26))
    assert all(r["lot_stock_id"][1] == f"{r['code']}/Stock" for r in rows)
    assert all(r["in_type_id"][1] == f"{r['name']}: Receipts" for r in rows)
    main = sandbox.execute("admin", "stock.warehouse", "read", [[1], ["code"]])
    assert main == [{"id": 1, "code": "WH"}]


STORE_FIELD = "x_ct_seed_store"
STORE_MODELS = ("account.move", "hr.expense.sheet", "maintenance.request", "project.task")


def store_field_added(sandbox: SandboxServer) -> None:
    """What the portal's odoo_setup does on a stock Odoo, then the store staff filling it in."""
    for model in STORE_MODELS:
        model_id = sandbox.execute("admin", "ir.model", "search", [[("model", "=", model)]])[0]
        sandbox.execute("admin", "ir.model.fields", "create", [{
            "name": STORE_FIELD, "model_id": model_id, "ttype": "many2one", "relation": "stock.warehouse",
            "field_description": "Store", "state": "manual"}])
    assert sandbox.tag_stores(STORE_FIELD) >= 4 * 24
    assert sandbox.tag_stores(STORE_FIELD) >= 4 * 24  # again: the same values, nothing else


def test_it_gives_every_store_work_waiting(sandbox: SandboxServer) -> None:
    store_field_added(sandbox)
    for warehouse in range(2, 26):
        assert (
            count(
                sandbox,
                "purchase.order",
                [("state", "=", "to approve"), ("picking_type_id.warehouse_id", "=", warehouse)],
            )
            >= 1
        )
        assert (
            count(
                sandbox,
                "stock.quant",
                [
                    ("warehouse_id", "=", warehouse),
                    ("inventory_quantity_set", "=", True),
                    ("inventory_diff_quantity", "!=", 0),
                ],
            )
            >= 1
        )
        assert (
            count(sandbox, "stock.warehouse.orderpoint", [("warehouse_id", "=", warehouse), ("qty_to_order", ">", 0)])
            >= 1
        )
        assert (
            count(
                sandbox,
                "stock.picking",
                [
                    ("picking_type_id.warehouse_id", "=", warehouse),
                    ("picking_type_code", "=", "incoming"),
                    ("state", "=", "assigned"),
                    ("scheduled_date", "<", sandbox.sandbox.store.now()),
                ],
            )
            >= 1
        )
        store = [(STORE_FIELD, "=", warehouse)]
        assert count(sandbox, "account.move", [*store, ("move_type", "=", "out_refund"), ("state", "=", "draft")]) >= 1
        assert count(sandbox, "hr.expense.sheet", [*store, ("state", "=", "submit")]) >= 1
        assert count(sandbox, "maintenance.request", store) >= 1
        assert count(sandbox, "project.task", [*store, ("project_id.name", "=", "Store incidents")]) >= 1
    overdue = sandbox.execute(
        "admin",
        "mail.activity",
        "search_read",
        [[("res_model", "=", "purchase.order"), ("state", "=", "overdue")]],
        {"fields": ["res_id"]},
    )
    assert len(overdue) >= 24


def test_it_seeds_health_signals(sandbox: SandboxServer) -> None:
    assert count(sandbox, "ir.cron", [("failure_count", ">", 0)]) >= 2
    assert count(sandbox, "ir.cron", [("active", "=", False)]) >= 1
    assert count(sandbox, "mail.mail", [("state", "=", "exception")]) >= 3


def test_it_is_deterministic_and_fast() -> None:
    started = time.monotonic()
    first = SandboxServer()
    assert time.monotonic() - started < 2.0
    second = SandboxServer()
    for model in ("purchase.order", "stock.quant", "maintenance.request", "project.task", "account.move"):
        fields = ["name", "amount_total"] if model in ("purchase.order", "account.move") else None
        a = first.execute("admin", model, "search_read", [[]], {"fields": fields or ["display_name"], "order": "id"})
        b = second.execute("admin", model, "search_read", [[]], {"fields": fields or ["display_name"], "order": "id"})
        assert a == b


def test_it_can_seed_without_the_network() -> None:
    odoo = SandboxServer(seed_network=False)
    assert odoo.execute("admin", "stock.warehouse", "search", [[]]) == [1]
    assert odoo.execute("admin", "purchase.order", "search_count", [[]]) >= 6
