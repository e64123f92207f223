"""Every recorded Odoo error kind becomes our own error, over JSON-RPC (18) and JSON-2 (19) alike.

The cases are the steps of `shared/odoo-contract/recorded/03_errors.json`, replayed through the
gateway against the sandbox.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from apps.odoo_gateway import (
    OdooAccessDenied,
    OdooAuthError,
    OdooBusinessRuleRefused,
    OdooGateway,
    OdooProgrammingError,
    OdooRecordMissing,
)

Factory = Callable[..., OdooGateway]


@pytest.fixture(params=["jsonrpc-18", "json2-19"])
def connect(request: pytest.FixtureRequest, make_gateway: Any) -> Factory:
    """`connect(login)` gives a gateway as that user over the transport under test."""
    if request.param == "jsonrpc-18":
        server = request.getfixturevalue("sandbox18")
        return lambda login="admin", **kw: make_gateway(server, login, **kw)
    server = request.getfixturevalue("sandbox19")
    return lambda login="admin", **kw: make_gateway(server, login, api_key=True, use_password=False, **kw)


@pytest.fixture
def admin(connect: Factory) -> OdooGateway:
    return connect()


def _confirmed_po(gateway: OdooGateway) -> int:
    vendor = gateway.search("res.partner", [["supplier_rank", ">", 0]], limit=1)[0]
    product = gateway.search("product.product", [["purchase_ok", "=", True], ["type", "=", "consu"]], limit=1)[0]
    line = {"product_id": product, "product_qty": 1, "price_unit": 5}
    po = gateway.create("purchase.order", {"partner_id": vendor, "order_line": [[0, 0, line]]})
    gateway.call("purchase.order", "button_confirm", [po])
    return po


def test_it_maps_a_write_on_a_missing_record(admin: OdooGateway) -> None:
    with pytest.raises(OdooRecordMissing) as caught:
        admin.write("purchase.order", [999999999], {"notes": "x"})

    assert caught.value.odoo_name == "odoo.exceptions.MissingError"
    assert (caught.value.model, caught.value.method) == ("purchase.order", "write")


def test_it_maps_a_button_on_a_missing_record(admin: OdooGateway) -> None:
    with pytest.raises(OdooRecordMissing):
        admin.call("purchase.order", "button_approve", [999999999])


def test_it_maps_missing_rights(connect: Factory) -> None:
    basic = connect("basic")

    with pytest.raises(OdooAccessDenied) as caught:
        basic.search_read("purchase.order", [], ["name"], limit=1)

    assert caught.value.odoo_name == "odoo.exceptions.AccessError"
    assert "purchase.order" in caught.value.message


def test_it_refuses_private_methods_before_sending(admin: OdooGateway) -> None:
    some_po = admin.search("purchase.order", [], limit=1)
    before = admin.rpc_count

    with pytest.raises(OdooProgrammingError, match="Private methods"):
        admin.call("purchase.order", "_approval_allowed", some_po)

    assert admin.rpc_count == before


def test_it_maps_an_unknown_method(admin: OdooGateway) -> None:
    some_po = admin.search("purchase.order", [], limit=1)

    with pytest.raises(OdooProgrammingError) as caught:
        admin.call("purchase.order", "button_reject", some_po)

    # JSON-RPC names the Python error; JSON-2 answers 404 NotFound "The method ... does not exist".
    assert caught.value.odoo_name in {"builtins.AttributeError", "werkzeug.exceptions.NotFound"}


def test_it_maps_an_unknown_model(admin: OdooGateway) -> None:
    with pytest.raises(OdooProgrammingError) as caught:
        admin.search("no.such.model", [])

    assert "no.such.model" in caught.value.message


def test_it_maps_a_bad_domain_field(admin: OdooGateway) -> None:
    with pytest.raises(OdooProgrammingError) as caught:
        admin.search("purchase.order", [["no_such_field", "=", 1]])

    assert caught.value.odoo_name == "builtins.ValueError"


def test_it_maps_a_missing_required_field(admin: OdooGateway) -> None:
    notes = "note" if admin.version().major >= 19 else "notes"  # Odoo 19 renamed purchase.order.notes
    with pytest.raises(OdooBusinessRuleRefused) as caught:
        admin.create("purchase.order", {notes: "no vendor"})

    assert caught.value.odoo_name == "odoo.exceptions.ValidationError"
    assert "mandatory field" in caught.value.user_message


def test_it_maps_deleting_a_confirmed_order(admin: OdooGateway) -> None:
    po = _confirmed_po(admin)

    with pytest.raises(OdooBusinessRuleRefused) as caught:
        admin.call("purchase.order", "unlink", [po])

    assert caught.value.odoo_name == "odoo.exceptions.UserError"
    assert caught.value.user_message == "In order to delete a purchase order, you must cancel it first."


def test_it_maps_a_chatter_post_on_two_records(admin: OdooGateway) -> None:
    ids = admin.search("purchase.order", [], limit=2)

    with pytest.raises(OdooProgrammingError) as caught:
        admin.call("purchase.order", "message_post", ids, body="x")

    assert caught.value.odoo_name == "builtins.ValueError"
    assert "Expected singleton" in caught.value.message


def test_it_maps_a_wrong_password_to_an_auth_error(sandbox18: Any, make_gateway: Any) -> None:
    gateway = make_gateway(sandbox18, password="not-the-password")

    with pytest.raises(OdooAuthError):
        gateway.search_count("res.partner", [])

    assert gateway.rpc_count == 2  # probe + the refused login, and no retry


def test_it_maps_a_wrong_api_key_to_an_auth_error(sandbox19: Any, make_gateway: Any) -> None:
    gateway = make_gateway(sandbox19, api_key="not-a-real-key", use_password=False)

    with pytest.raises(OdooAuthError) as caught:
        gateway.search_count("res.partner", [])

    assert caught.value.http_status == 401
    assert "not-a-real-key" not in str(caught.value)
    assert gateway.rpc_count == 2  # probe + the refused call, and no retry


def test_it_reports_a_wrong_database_as_a_mistake_not_an_outage(connect: Factory) -> None:
    gateway = connect(db="no-such-db")

    with pytest.raises(OdooProgrammingError) as caught:
        gateway.search_count("res.partner", [])

    assert "no-such-db" in caught.value.message
    assert not caught.value.transient
