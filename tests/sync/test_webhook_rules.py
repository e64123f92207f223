"""The portal's webhook rules in Odoo, read back from the sandbox over RPC: each fires only for the
feeds' records and the fields they fetch, re-installing updates in place, `--remove` takes them out."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from apps.odoo_gateway import OdooGateway
from apps.odoo_sandbox.receivers import HintReceiver
from apps.odoo_sandbox.server import SandboxServer
from apps.sync.feeds import feeds_ensure
from apps.sync.hints import hint_path
from apps.sync.models import Feed
from apps.sync.webhooks import (
    LOG_FIELDS,
    RULE_PREFIX,
    rule_filter_domain,
    rule_trigger_fields,
    webhook_rules_install,
    webhook_rules_remove,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver() -> Iterator[HintReceiver]:
    server = HintReceiver()
    yield server
    server.close()


@pytest.fixture(autouse=True)
def _no_rules_left(odoo: OdooGateway) -> Iterator[None]:
    """The sandbox lives for the module: every test starts and ends without the portal's rules."""
    webhook_rules_remove(gateway=odoo)
    yield
    webhook_rules_remove(gateway=odoo)


def portal_rules(server: SandboxServer) -> dict[str, dict[str, Any]]:
    """The installed rules by model, with trigger field names, as Odoo holds them."""
    rows = server.execute("admin", "base.automation", "search_read", [[["name", "=like", f"{RULE_PREFIX}%"]]],
                          {"fields": ["name", "model_name", "trigger", "filter_domain", "trigger_field_ids",
                                      "action_server_ids"]})
    for row in rows:
        fields = server.execute("admin", "ir.model.fields", "read", [row["trigger_field_ids"], ["name"]])
        row["trigger_fields"] = {field["name"] for field in fields}
    return {row["model_name"]: row for row in rows}


def portal_actions(server: SandboxServer) -> list[dict[str, Any]]:
    return server.execute("admin", "ir.actions.server", "search_read", [[["name", "=like", f"{RULE_PREFIX}%"]]],
                          {"fields": ["name", "state", "webhook_url"]})


def known_fields(server: SandboxServer, model: str, names: set[str]) -> set[str]:
    rows = server.execute("admin", "ir.model.fields", "search_read",
                          [[["model", "=", model], ["name", "in", sorted(names)]]], {"fields": ["name"]})
    return {row["name"] for row in rows}


def test_it_narrows_each_rule_to_the_feeds_records_and_fetched_fields(
    odoo: OdooGateway, odoo_server: SandboxServer
) -> None:
    feeds_ensure()
    webhook_rules_install(base_url="http://tower.test", gateway=odoo)
    rules = portal_rules(odoo_server)
    assert set(rules) == set(Feed.objects.filter(enabled=True).values_list("odoo_model", flat=True))
    quant = rules["stock.quant"]  # three feeds, one base domain: no OR of copies
    assert quant["trigger"] == "on_create_or_write"
    assert quant["filter_domain"] == "[('location_id.usage', '=', 'internal')]"
    fetched = {f for feed in Feed.objects.filter(odoo_model="stock.quant") for f in feed.fetch_fields} - set(LOG_FIELDS)
    assert quant["trigger_fields"] == known_fields(odoo_server, "stock.quant", fetched)
    assert {"inventory_quantity", "quantity", "warehouse_id"} <= quant["trigger_fields"]
    assert "write_date" not in quant["trigger_fields"]
    assert rules["account.move"]["filter_domain"] == "[('move_type', '=', 'out_refund')]"
    assert "x_store_warehouse_id" in rules["account.move"]["trigger_fields"]  # the store field, where Odoo has it
    assert rules["purchase.order"]["filter_domain"] is False  # a feed that takes every order: no filter
    assert {"state", "picking_type_id"} <= rules["purchase.order"]["trigger_fields"]
    assert "notes" not in rules["purchase.order"]["trigger_fields"]
    actions = portal_actions(odoo_server)
    assert {action["webhook_url"] for action in actions} == {"http://tower.test" + hint_path()}
    assert len(actions) == len(rules)


def test_it_ors_the_base_domains_of_several_feeds_on_one_model() -> None:
    refunds = Feed(odoo_model="account.move", base_domain=[["move_type", "=", "out_refund"]], fields=["name"])
    bills = Feed(odoo_model="account.move", base_domain=[["move_type", "=", "in_invoice"], ["amount_total", ">", 5]],
                 fields=["state", "name"], store_field="x_store_warehouse_id")
    assert rule_filter_domain([refunds, bills]) == (
        "['|', ('move_type', '=', 'out_refund'), '&', ('move_type', '=', 'in_invoice'), ('amount_total', '>', 5)]")
    assert rule_filter_domain([refunds, Feed(odoo_model="account.move", base_domain=[])]) is None
    assert rule_trigger_fields([refunds, bills]) == ["name", "state", "x_store_warehouse_id"]


def test_it_updates_rules_in_place_when_run_again(odoo: OdooGateway, odoo_server: SandboxServer) -> None:
    feeds_ensure()
    call_command("install_odoo_webhooks", "--url", "http://old.test", stdout=StringIO())
    first = portal_rules(odoo_server)
    Feed.objects.filter(slug="purchase-orders").update(base_domain=[["company_id", "=", 1]], fields=["name"])
    out = StringIO()
    call_command("install_odoo_webhooks", "--url", "http://new.test", stdout=out)
    assert "purchase.order: rule present, target updated" in out.getvalue()
    assert "created" not in out.getvalue()
    again = portal_rules(odoo_server)
    assert {model: rule["id"] for model, rule in again.items()} == {model: rule["id"] for model, rule in first.items()}
    assert again["purchase.order"]["filter_domain"] == "[('company_id', '=', 1)]"
    assert again["purchase.order"]["trigger_fields"] == {"name", "picking_type_id"}
    assert again["purchase.order"]["action_server_ids"] == first["purchase.order"]["action_server_ids"]
    actions = portal_actions(odoo_server)
    assert len(actions) == len(again)
    assert {action["webhook_url"].split("/hooks/")[0] for action in actions} == {"http://new.test"}


def test_it_removes_the_rules_and_their_actions(odoo: OdooGateway, odoo_server: SandboxServer) -> None:
    feeds_ensure()
    webhook_rules_install(base_url="http://tower.test", gateway=odoo)
    assert portal_rules(odoo_server)
    out = StringIO()
    call_command("install_odoo_webhooks", "--remove", stdout=out)
    assert "stock.quant: rule removed" in out.getvalue()
    assert portal_rules(odoo_server) == {}
    assert portal_actions(odoo_server) == []
    assert webhook_rules_remove(gateway=odoo) == ["no rule to remove"]


def test_it_hints_a_write_only_when_it_touches_a_trigger_field_of_a_feed_record(
    odoo: OdooGateway, odoo_server: SandboxServer, receiver: HintReceiver
) -> None:
    feeds_ensure()
    Feed.objects.exclude(odoo_model="stock.quant").update(enabled=False)
    webhook_rules_install(base_url=receiver.base_url, gateway=odoo)
    quant = odoo_server.execute("admin", "stock.quant", "search", [[["location_id.usage", "=", "internal"]]],
                                {"limit": 1})
    counting = {"context": {"inventory_mode": True}}
    vendors = odoo_server.execute("admin", "stock.location", "search", [[["usage", "=", "supplier"]]])
    elsewhere = odoo.create("stock.quant", {"product_id": 1, "location_id": vendors[0], "inventory_quantity": 3},
                            **counting)
    assert receiver.received == []  # created outside every feed's base domain: no hint

    odoo.write("stock.quant", quant, {"lot_id": False})  # no field any feed fetches
    assert receiver.received == []
    odoo.write("stock.quant", quant, {"inventory_quantity": 7}, **counting)
    # Inside the write, as on Odoo: the hint has arrived by the time the write answers.
    assert [(hint["_model"], hint["_id"]) for hint in receiver.received] == [("stock.quant", quant[0])]
    odoo.write("stock.quant", elsewhere, {"inventory_quantity": 7}, **counting)
    assert len(receiver.received) == 1
    odoo.call("stock.quant", "action_apply_inventory", quant, **counting)  # leaves the count feed: still hints
    assert [hint["_id"] for hint in receiver.received] == [quant[0], quant[0]]
