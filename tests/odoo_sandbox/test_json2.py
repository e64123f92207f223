"""JSON-2 (`/json/2/<model>/<method>`) answers only when the sandbox plays Odoo 19 or later."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from apps.odoo_sandbox.server import SandboxServer
from apps.odoo_sandbox.testing import running_sandbox

from .conftest import post

ERROR_KEYS = {"name", "message", "arguments", "context", "debug"}


@pytest.fixture
def odoo19() -> Iterator[SandboxServer]:
    with running_sandbox(version="19.0") as server:
        yield server


def call(odoo: SandboxServer, model: str, method: str, body: dict, login: str = "admin") -> tuple[int, object]:
    headers = {"Authorization": f"bearer {odoo.api_key_for(login)}", "X-Odoo-Database": odoo.db}
    return post(f"{odoo.url}/json/2/{model}/{method}", body, headers)


def test_it_answers_named_arguments_with_the_bare_result(odoo19: SandboxServer) -> None:
    status, rows = call(
        odoo19,
        "stock.warehouse",
        "search_read",
        {"domain": [["code", "=", "N01"]], "fields": ["name", "code"], "context": {"lang": "en_US"}},
    )
    assert status == 200
    assert rows == [{"id": 2, "name": "Leeds Kirkgate", "code": "N01"}]
    status, result = call(odoo19, "purchase.order", "read", {"ids": [1], "fields": ["state"]})
    assert status == 200
    assert result[0]["id"] == 1
    status, created = call(odoo19, "project.tags", "create", {"vals_list": [{"name": "json2"}]})
    assert status == 200
    assert isinstance(created, list)


def test_it_answers_null_for_methods_returning_nothing(odoo19: SandboxServer) -> None:
    assert call(odoo19, "purchase.order", "button_cancel", {"ids": [1]}) == (200, None)


def test_it_rejects_a_bad_key_with_401(odoo19: SandboxServer) -> None:
    status, body = post(f"{odoo19.url}/json/2/res.partner/search_read", {}, {"Authorization": "bearer wrong"})
    assert status == 401
    assert set(body) == ERROR_KEYS
    assert body["message"] == "Invalid apikey"
    assert post(f"{odoo19.url}/json/2/res.partner/search_read", {})[0] == 401


def test_it_rejects_an_unexpected_argument_with_422(odoo19: SandboxServer) -> None:
    status, body = call(odoo19, "res.partner", "search_read", {"domain": [], "badparameter": 1})
    assert status == 422
    assert "badparameter" in body["message"]


def test_it_maps_odoo_errors_to_http_statuses(odoo19: SandboxServer) -> None:
    assert call(odoo19, "purchase.order", "search_read", {"domain": []}, login="basic")[0] == 403
    assert call(odoo19, "purchase.order", "write", {"ids": [999999], "vals": {"notes": "x"}})[0] == 404
    assert call(odoo19, "no.such.model", "search", {"domain": []})[0] == 404
    assert call(odoo19, "account.move", "action_post", {"ids": [1]}) == (200, False)
    status, body = call(odoo19, "account.move", "action_post", {"ids": [1]})
    assert status == 422
    assert body["name"] == "odoo.exceptions.UserError"


def test_it_uses_keys_given_at_start() -> None:
    with running_sandbox(version="19.0", seed_network=False, api_keys={"buyer": "buyer-key"}) as odoo:
        assert odoo.api_key_for("buyer") == "buyer-key"
        assert call(odoo, "purchase.order", "search_count", {"domain": []}, login="buyer")[0] == 200


def test_it_has_no_json2_before_odoo_19() -> None:
    with running_sandbox(seed_network=False) as odoo18:
        assert call(odoo18, "res.partner", "search_read", {})[0] == 404
        with running_sandbox(version="19.0", seed_network=False) as odoo19:
            assert post(odoo19.url + "/web/version", {}) == (
                200,
                {"version_info": [19, 0, 0, "final", 0, ""], "version": "19.0"},
            )


def test_it_offers_formatted_read_group_from_odoo_19(odoo19: SandboxServer) -> None:
    status, groups = call(
        odoo19,
        "stock.quant",
        "formatted_read_group",
        {
            "domain": [["inventory_quantity_set", "=", True]],
            "groupby": ["warehouse_id"],
            "aggregates": ["quantity:sum", "__count"],
        },
    )
    assert status == 200
    assert len(groups) == 24
    assert groups[0]["__extra_domain"] == [["warehouse_id", "=", groups[0]["warehouse_id"][0]]]
    assert {"warehouse_id", "__count", "quantity:sum", "__extra_domain"} == set(groups[0])
