"""Outgoing webhook hints (Odoo's "Send Webhook Notification") and inbound /web/hook calls."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from apps.odoo_sandbox.receivers import HintReceiver as Receiver
from apps.odoo_sandbox.receivers import SilentReceiver
from apps.odoo_sandbox.server import SandboxServer

from .conftest import post


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.close()


def install_push_rule(rpc: Any, url: str, fields: list[str], **rule: Any) -> None:
    """What the portal does over RPC: a webhook server action plus an on-save automation rule."""
    model = rpc("admin", "ir.model", "search", [("model", "=", "purchase.order")])
    field_ids = rpc("admin", "ir.model.fields", "search", [("model", "=", "purchase.order"), ("name", "in", fields)])
    action = rpc(
        "admin",
        "ir.actions.server",
        "create",
        {
            "name": "Notify control tower",
            "model_id": model[0],
            "state": "webhook",
            "webhook_url": url,
            "webhook_field_ids": [(6, 0, field_ids)],
        },
    )
    rpc(
        "admin",
        "base.automation",
        "create",
        {
            "name": "Control tower push",
            "model_id": model[0],
            "trigger": "on_create_or_write",
            "action_server_ids": [(6, 0, [action])],
            **rule,
        },
    )


def test_it_posts_a_hint_once_per_write_through_an_automation_rule(
    sandbox: SandboxServer, rpc, receiver: Receiver
) -> None:
    install_push_rule(rpc, receiver.url, ["state", "write_date"])
    order = rpc("admin", "purchase.order", "search", [("state", "=", "to approve")], limit=1)[0]
    rpc("admin", "purchase.order", "button_approve", [order])
    hints = receiver.wait_for(1)
    time.sleep(0.2)
    assert len(hints) == 1
    assert hints[0]["_id"] == order
    assert hints[0]["_model"] == "purchase.order"
    assert hints[0]["_action"].startswith("Notify control tower(#")
    assert hints[0]["state"] == "purchase"
    assert "write_date" in hints[0]


def test_it_never_fails_the_write_when_the_target_is_down(sandbox: SandboxServer, rpc) -> None:
    install_push_rule(rpc, "http://127.0.0.1:9/odoo-hint", ["state"])
    order = rpc("admin", "purchase.order", "search", [], limit=1)
    assert rpc("admin", "purchase.order", "write", order, {"notes": "<p>x</p>"}) is True
    assert sandbox.hints.wait_idle(5)
    assert sandbox.hints.deliveries[-1].outcome == "failed"


def test_it_posts_inside_the_write_as_odoo_does(sandbox: SandboxServer, rpc, receiver: Receiver) -> None:
    """The write's answer waits for the post: the hint is there when the call returns, no waiting."""
    install_push_rule(rpc, receiver.url, ["state"])
    order = rpc("admin", "purchase.order", "search", [], limit=1)
    rpc("admin", "purchase.order", "write", order, {"notes": "<p>now</p>"})
    assert [hint["_id"] for hint in receiver.received] == order


def test_it_waits_out_the_timeout_of_a_silent_target_and_still_writes(sandbox: SandboxServer, rpc) -> None:
    silent = SilentReceiver()
    try:
        install_push_rule(rpc, silent.base_url + "/odoo-hint", ["state"])
        order = rpc("admin", "purchase.order", "search", [], limit=1)
        started = time.monotonic()
        assert rpc("admin", "purchase.order", "write", order, {"notes": "<p>slow</p>"}) is True
        assert time.monotonic() - started >= 0.9  # one-second timeout, no retry
        assert sandbox.hints.deliveries[-1].outcome == "failed"
    finally:
        silent.close()


def test_it_sends_every_change_to_the_hints_url(sandbox: SandboxServer, receiver: Receiver) -> None:
    sandbox.hints_url = receiver.url
    quant = sandbox.execute("admin", "stock.quant", "search", [[("warehouse_id", "=", 5)]], {"limit": 1})
    sandbox.execute(
        "admin", "stock.quant", "write", [quant, {"inventory_quantity": 3}], {"context": {"inventory_mode": True}}
    )
    hints = receiver.wait_for(1)
    assert hints[0]["_model"] == "stock.quant"
    assert hints[0]["_id"] == quant[0]


def test_it_hints_only_the_listed_models(sandbox: SandboxServer, receiver: Receiver) -> None:
    """As installed webhook rules would: `--hint-models` limits the hints to the mirrored models."""
    sandbox.hints_url = receiver.url
    sandbox.hints.hint_models = frozenset({"stock.quant"})
    partner = sandbox.execute("admin", "res.partner", "search", [[]], {"limit": 1})
    sandbox.execute("admin", "res.partner", "write", [partner, {"comment": "not mirrored"}])
    quant = sandbox.execute("admin", "stock.quant", "search", [[("warehouse_id", "=", 5)]], {"limit": 1})
    sandbox.execute(
        "admin", "stock.quant", "write", [quant, {"inventory_quantity": 4}], {"context": {"inventory_mode": True}}
    )
    receiver.wait_for(1)
    assert sandbox.hints.wait_idle(5)
    assert [(hint["_model"], hint["_id"]) for hint in receiver.received] == [("stock.quant", quant[0])]


def test_it_drops_hints_under_drop_hints_rate(sandbox: SandboxServer, receiver: Receiver) -> None:
    sandbox.hints_url = receiver.url
    sandbox.faults.drop_hints_rate = 1.0
    for _ in range(3):
        sandbox.execute("admin", "purchase.order", "write", [[1], {"notes": "<p>lost</p>"}])
    assert sandbox.hints.wait_idle(5)
    assert receiver.received == []
    assert [d.outcome for d in list(sandbox.hints.deliveries)[-3:]] == ["dropped"] * 3


def test_it_accepts_inbound_webhooks_for_existing_records(sandbox: SandboxServer, rpc) -> None:
    model = rpc("admin", "ir.model", "search", [("model", "=", "purchase.order")])
    rule = rpc("admin", "base.automation", "create", {"name": "in", "model_id": model[0], "trigger": "on_webhook"})
    url = rpc("admin", "base.automation", "read", [rule], ["url"])[0]["url"]
    assert url.startswith(sandbox.url + "/web/hook/")
    assert post(url, {"_id": 1, "_model": "purchase.order"}) == (200, {"status": "ok"})
    assert post(url, {"_id": 999999, "_model": "purchase.order"}) == (500, {"status": "error"})
    assert post(sandbox.url + "/web/hook/not-a-rule", {"_id": 1})[0] == 404


def test_it_honours_the_rule_filter_domain(sandbox: SandboxServer, rpc, receiver: Receiver) -> None:
    install_push_rule(rpc, receiver.url, ["state"], filter_domain="[('state', '=', 'purchase')]")
    waiting = rpc("admin", "purchase.order", "search", [("state", "=", "to approve")], limit=2)
    rpc("admin", "purchase.order", "write", [waiting[1]], {"notes": "<p>not yet</p>"})
    rpc("admin", "purchase.order", "button_approve", [waiting[0]])
    assert sandbox.hints.wait_idle(5)
    assert [(h["_id"], h["state"]) for h in receiver.received] == [(waiting[0], "purchase")]
