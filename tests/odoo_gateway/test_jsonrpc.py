"""The gateway on Odoo 18 over JSON-RPC (odoorpc), against the sandbox's real HTTP server."""

from __future__ import annotations

from typing import Any

import pytest

from apps.odoo_gateway import OdooGateway, m2o_id, parse_odoo_datetime

pytestmark = pytest.mark.usefixtures("sandbox18")


@pytest.fixture
def gateway(sandbox18: Any, make_gateway: Any) -> OdooGateway:
    return make_gateway(sandbox18)


def _new_po(gateway: OdooGateway, *, qty: float = 1, price: float = 5) -> int:
    vendor = gateway.search("res.partner", [["supplier_rank", ">", 0]], limit=1)[0]
    product = gateway.search("product.product", [["purchase_ok", "=", True], ["type", "=", "consu"]], limit=1)[0]
    line = {"product_id": product, "product_qty": qty, "price_unit": price}
    return gateway.create("purchase.order", {"partner_id": vendor, "order_line": [[0, 0, line]]})


def test_it_picks_jsonrpc_on_odoo_18(gateway: OdooGateway) -> None:
    assert gateway.transport_name is None  # lazy: nothing sent yet
    assert gateway.rpc_count == 0

    version = gateway.version()
    count = gateway.search_count("purchase.order", [])

    assert version.major == 18
    assert version.full.startswith("18.0")
    assert count > 0
    assert gateway.transport_name == "jsonrpc"


def test_it_counts_every_round_trip(gateway: OdooGateway, sandbox18: Any) -> None:
    served_before = sandbox18.rpc_count

    gateway.search_count("purchase.order", [])
    # version probe + common.login + res.users.context_get (odoorpc's login) + the call
    assert gateway.rpc_count == 4

    gateway.search_read("purchase.order", [], ["name"], limit=2)
    gateway.version()  # cached: no request
    assert gateway.rpc_count == 5
    assert sandbox18.rpc_count - served_before == 5  # the server saw exactly what we counted

    gateway.reset_rpc_count()
    gateway.read("purchase.order", [1], ["name"])
    assert gateway.rpc_count == 1


def test_it_pages_by_write_date(gateway: OdooGateway) -> None:
    domain = [["write_date", ">=", "2000-01-01 00:00:00"]]
    order = "write_date asc, id asc"

    page1 = gateway.search_read("purchase.order", domain, ["write_date", "state"], order=order, limit=3)
    page2 = gateway.search_read("purchase.order", domain, ["write_date", "state"], order=order, limit=3, offset=3)
    both = gateway.search_read("purchase.order", domain, ["write_date", "state"], order=order, limit=6)

    assert [r["id"] for r in page1 + page2] == [r["id"] for r in both]
    assert len(page1) == 3
    stamps = [parse_odoo_datetime(r["write_date"]) for r in both]
    assert stamps == sorted(stamps)


def test_it_reads_and_searches(gateway: OdooGateway) -> None:
    ids = gateway.search("purchase.order", [], limit=2, order="id asc")
    rows = gateway.read("purchase.order", ids, ["name", "partner_id", "state"])

    assert ids == sorted(ids)
    assert len(ids) == 2
    assert {row["id"] for row in rows} == set(ids)
    assert all(isinstance(m2o_id(row["partner_id"]), int) for row in rows)


def test_it_reads_a_missing_record_as_nothing(gateway: OdooGateway) -> None:
    assert gateway.read("purchase.order", [999999999], ["state"]) == []


def test_it_groups_with_odoos_count_keys(gateway: OdooGateway) -> None:
    strict = gateway.read_group("purchase.order", [], ["amount_total:sum"], ["state"], lazy=False)
    lazy = gateway.read_group("purchase.order", [], ["amount_total:sum"], ["state"], lazy=True)

    assert strict
    assert all("__count" in group for group in strict)
    assert all("state_count" in group for group in lazy)
    assert sum(g["__count"] for g in strict) == gateway.search_count("purchase.order", [])


def test_it_creates_writes_and_runs_business_methods(gateway: OdooGateway) -> None:
    po = _new_po(gateway)

    assert gateway.write("purchase.order", [po], {"notes": "<p>from the tower</p>"}) is True
    assert gateway.call("purchase.order", "button_confirm", [po]) is True
    [row] = gateway.read("purchase.order", po, ["state", "notes"])
    assert row["state"] in ("purchase", "to approve")


def test_it_returns_none_when_odoo_omits_the_result(gateway: OdooGateway) -> None:
    po = _new_po(gateway)

    result = gateway.call("purchase.order", "button_cancel", po)

    assert result is None
    assert gateway.read("purchase.order", [po], ["state"])[0]["state"] == "cancel"


def test_it_posts_notes_in_the_chatter(gateway: OdooGateway) -> None:
    po = _new_po(gateway)

    plain = gateway.message_post("purchase.order", po, "<b>not html</b>")
    html = gateway.message_post("purchase.order", po, "<p>Approved by <b>HQ</b></p>", body_is_html=True)

    bodies = {m["id"]: m for m in gateway.read("mail.message", [plain, html], ["body", "model", "res_id"])}
    assert bodies[plain]["body"] == "<p>&lt;b&gt;not html&lt;/b&gt;</p>"
    assert bodies[html]["body"] == "<p>Approved by <b>HQ</b></p>"
    assert (bodies[html]["model"], bodies[html]["res_id"]) == ("purchase.order", po)


def test_it_passes_the_context(gateway: OdooGateway) -> None:
    quant = gateway.search_read("stock.quant", [["quantity", ">", 0]], ["quantity"], limit=1)[0]

    gateway.write("stock.quant", quant["id"], {"inventory_quantity": 1}, context={"inventory_mode": True})
    pending = gateway.read("stock.quant", quant["id"], ["inventory_quantity_set"])[0]
    gateway.call("stock.quant", "action_clear_inventory_quantity", quant["id"])

    assert pending["inventory_quantity_set"] is True
    assert gateway.read("stock.quant", quant["id"], ["inventory_quantity_set"])[0]["inventory_quantity_set"] is False
