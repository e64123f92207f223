"""The activity simulator changes Odoo like a live retail network, deterministically."""

from __future__ import annotations

import time

from apps.odoo_sandbox.server import SandboxServer
from apps.odoo_sandbox.testing import running_sandbox

from .conftest import post


def snapshot(odoo: SandboxServer) -> dict[str, object]:
    store = odoo.sandbox.store
    return {
        model: {rid: dict(row) for rid, row in store.table(model).items()}
        for model in ("purchase.order", "stock.quant", "maintenance.request", "ir.cron", "mail.mail")
    }


def test_it_changes_something_on_every_step() -> None:
    odoo = SandboxServer()
    for _ in range(12):
        before = snapshot(odoo)
        did = odoo.simulator.step()
        assert did != "nothing to do"
        assert snapshot(odoo) != before, did
    assert odoo.simulator.steps == 12


def test_it_is_deterministic_for_a_seed() -> None:
    first, second = SandboxServer(random_seed=3), SandboxServer(random_seed=3)
    assert [first.simulator.step() for _ in range(8)] == [second.simulator.step() for _ in range(8)]


def test_it_runs_in_the_background_and_over_http() -> None:
    with running_sandbox(simulate=0.05) as odoo:
        deadline = time.monotonic() + 5
        while odoo.simulator.steps < 2:
            assert time.monotonic() < deadline, "the simulator did not run"
            time.sleep(0.02)
        status, body = post(odoo.url + "/sandbox/simulate/step", {})
        assert status == 200
        assert isinstance(body["did"], str)


def test_it_creates_orders_that_wait_for_approval() -> None:
    odoo = SandboxServer()
    before = odoo.execute("admin", "purchase.order", "search_count", [[("state", "=", "to approve")]])
    odoo.simulator.new_purchase_order()
    assert odoo.execute("admin", "purchase.order", "search_count", [[("state", "=", "to approve")]]) == before + 1
