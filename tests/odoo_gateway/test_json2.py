"""The gateway on Odoo 19 over JSON-2, and the automatic choice between the two transports."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from apps.odoo_gateway import OdooGateway, OdooProgrammingError


@pytest.fixture
def gateway(sandbox19: Any, make_gateway: Any) -> OdooGateway:
    return make_gateway(sandbox19, api_key=True, use_password=False)


def _new_po(gateway: OdooGateway) -> int:
    vendor = gateway.search("res.partner", [["supplier_rank", ">", 0]], limit=1)[0]
    product = gateway.search("product.product", [["purchase_ok", "=", True], ["type", "=", "consu"]], limit=1)[0]
    line = {"product_id": product, "product_qty": 2, "price_unit": 7}
    return gateway.create("purchase.order", {"partner_id": vendor, "order_line": [[0, 0, line]]})


def test_it_picks_json2_on_odoo_19_with_an_api_key(gateway: OdooGateway, sandbox19: Any) -> None:
    served_before = sandbox19.rpc_count

    count = gateway.search_count("purchase.order", [])

    assert gateway.version().major == 19
    assert gateway.transport_name == "json2"
    assert count > 0
    assert gateway.rpc_count == 2  # version probe + the call: JSON-2 needs no login
    assert sandbox19.rpc_count - served_before == 2


def test_it_skips_the_probe_when_json2_is_forced(sandbox19: Any, make_gateway: Any) -> None:
    gateway = make_gateway(sandbox19, api_key=True, use_password=False, transport="json2")

    gateway.search_count("purchase.order", [])
    gateway.search_read("purchase.order", [], ["name"], limit=1)

    assert gateway.rpc_count == 2


def test_it_falls_back_to_jsonrpc_on_odoo_19_without_an_api_key(
    sandbox19: Any, make_gateway: Any, caplog: pytest.LogCaptureFixture
) -> None:
    gateway = make_gateway(sandbox19)

    with caplog.at_level(logging.WARNING, logger="apps.odoo_gateway"):
        count = gateway.search_count("purchase.order", [])

    assert count > 0
    assert gateway.transport_name == "jsonrpc"
    assert "ODOO_API_KEY" in caplog.text


def test_it_uses_jsonrpc_when_forced_even_with_a_key(sandbox19: Any, make_gateway: Any) -> None:
    gateway = make_gateway(sandbox19, api_key=True, transport="jsonrpc")

    assert gateway.search_count("purchase.order", []) > 0
    assert gateway.transport_name == "jsonrpc"


def test_it_reports_json2_on_a_server_without_it_as_a_mistake(sandbox18: Any, make_gateway: Any) -> None:
    gateway = make_gateway(sandbox18, api_key="any-key", use_password=False, transport="json2")

    with pytest.raises(OdooProgrammingError) as caught:
        gateway.search_count("purchase.order", [])

    assert caught.value.http_status == 404


def test_it_pages_reads_and_groups(gateway: OdooGateway) -> None:
    order = "write_date asc, id asc"
    page1 = gateway.search_read("purchase.order", [], ["write_date", "state"], order=order, limit=3)
    page2 = gateway.search_read("purchase.order", [], ["write_date", "state"], order=order, limit=3, offset=3)
    both = gateway.search_read("purchase.order", [], ["write_date", "state"], order=order, limit=6)
    strict = gateway.read_group("purchase.order", [], ["amount_total:sum"], ["state"], lazy=False)
    lazy = gateway.read_group("purchase.order", [], ["amount_total:sum"], ["state"])

    assert [r["id"] for r in page1 + page2] == [r["id"] for r in both]
    assert all("__count" in g for g in strict)
    assert all("state_count" in g for g in lazy)
    assert gateway.read("purchase.order", [999999999], ["state"]) == []


def test_it_creates_writes_and_runs_business_methods(gateway: OdooGateway) -> None:
    po = _new_po(gateway)

    assert isinstance(po, int)
    assert gateway.write("purchase.order", po, {"note": "<p>json-2</p>"}) is True  # `notes` on Odoo 18
    assert gateway.call("purchase.order", "button_confirm", [po]) is True
    assert gateway.call("purchase.order", "button_cancel", [po]) is None
    assert gateway.read("purchase.order", po, ["state"])[0]["state"] == "cancel"


def test_it_posts_notes_in_the_chatter(gateway: OdooGateway) -> None:
    po = _new_po(gateway)

    plain = gateway.message_post("purchase.order", po, "<b>not html</b>")
    html = gateway.message_post("purchase.order", po, "<p>ok</p>", body_is_html=True)

    bodies = {m["id"]: m["body"] for m in gateway.read("mail.message", [plain, html], ["body"])}
    assert bodies == {plain: "<p>&lt;b&gt;not html&lt;/b&gt;</p>", html: "<p>ok</p>"}


def test_it_passes_named_arguments_of_business_methods(gateway: OdooGateway) -> None:
    po = _new_po(gateway)

    message = gateway.call("purchase.order", "message_post", [po], body="named", message_type="comment")

    assert isinstance(message if isinstance(message, int) else message[0], int)


def test_it_refuses_positional_arguments_on_json2_without_a_request(gateway: OdooGateway) -> None:
    gateway.version()
    before = gateway.rpc_count

    with pytest.raises(OdooProgrammingError, match="named arguments"):
        gateway.call("purchase.order", "message_post", [1], "positional body")

    assert gateway.rpc_count == before
