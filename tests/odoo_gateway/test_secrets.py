"""Credentials never leave the gateway: not in reprs, exception texts, nor any log record."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from apps.odoo_gateway import OdooConfig, OdooError, OdooGateway

BUYER_PASSWORD = "buyer-pw-123"


def _everything_said(caplog: pytest.LogCaptureFixture, errors: list[OdooError]) -> str:
    parts = [caplog.text]
    parts += [record.getMessage() for record in caplog.records]
    parts += [str(record.args) for record in caplog.records]
    for error in errors:
        parts += [str(error), repr(error), error.message]
        parts += [str(error.__cause__), repr(error.__cause__), str(error.__context__)]
    return "\n".join(parts)


def test_it_keeps_the_password_out_of_logs_and_errors_over_jsonrpc(
    sandbox18: Any, make_gateway: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # odoorpc logs whole requests at DEBUG
    errors: list[OdooError] = []
    buyer = make_gateway(sandbox18, "buyer", retries=1)
    wrong = make_gateway(sandbox18, "buyer", password="buyer-wrong-pw-999")

    buyer.search_read("purchase.order", [], ["name"], limit=1)
    for action in (
        lambda: buyer.write("purchase.order", [999999999], {"notes": "x"}),
        lambda: buyer.search("no.such.model", []),
        lambda: wrong.search_count("res.partner", []),
    ):
        try:
            action()
        except OdooError as exc:
            errors.append(exc)
    sandbox18.faults.error_rate = 1.0
    try:
        buyer.search_count("purchase.order", [])
    except OdooError as exc:
        errors.append(exc)

    said = _everything_said(caplog, errors)
    assert len(errors) == 4
    assert any(r.name.startswith("odoorpc") for r in caplog.records), "odoorpc logs whole requests at DEBUG"
    assert "retrying" in caplog.text
    assert BUYER_PASSWORD not in said
    assert "buyer-wrong-pw-999" not in said
    assert BUYER_PASSWORD not in repr(buyer)


def test_it_keeps_the_api_key_out_of_logs_and_errors_over_json2(
    sandbox19: Any, make_gateway: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    key = sandbox19.api_key_for("admin")
    errors: list[OdooError] = []
    admin = make_gateway(sandbox19, api_key=key, use_password=False)
    wrong = make_gateway(sandbox19, api_key=key + "-revoked", use_password=False)

    admin.search_count("purchase.order", [])
    for action in (
        lambda: admin.call("purchase.order", "button_reject", admin.search("purchase.order", [], limit=1)),
        lambda: wrong.search_count("res.partner", []),
    ):
        try:
            action()
        except OdooError as exc:
            errors.append(exc)

    said = _everything_said(caplog, errors)
    assert len(errors) == 2
    assert key not in said
    assert key not in repr(admin)
    assert key not in repr(admin.config)


def test_it_hides_every_secret_in_reprs() -> None:
    config = OdooConfig(url="http://odoo:8069", db="retail", login="tower", password="pw-1", api_key="key-2")
    gateway = OdooGateway(config)

    for text in (repr(config), str(config), repr(gateway), str(gateway)):
        assert "pw-1" not in text
        assert "key-2" not in text
