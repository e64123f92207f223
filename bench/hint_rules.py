"""What the portal's webhook rules add to an Odoo write. Odoo runs a "Send Webhook Notification" action
inside the write that triggers it, and so does the sandbox: the write answers after the post.

Against a fresh sandbox, N writes of stock.quant and project.task records through the gateway, each
kind of write timed (a) with no rule (the baseline, in the same run), (b) under a broad rule that fires
on every write (the old rules), (c) under the narrowed rule with writes that change a field a feed
fetches, (d) under the narrowed rule with writes that change none. (b)-(d) run with a local receiver
that answers 200 at once, then with one that takes the connection and never answers (Odoo's and the
sandbox's one-second timeout).

    .venv/bin/python bench/hint_rules.py --writes 50 --silent-writes 20
"""

from __future__ import annotations

import argparse
import logging
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from _django import bench_database

COUNTING = {"inventory_mode": True}


@dataclass(frozen=True)
class WriteKind:
    model: str
    label: str
    trigger: bool  # whether it changes a field the feeds fetch
    values: Callable[[int], dict[str, Any]]
    context: dict[str, Any] | None = None


KINDS = [
    WriteKind("stock.quant", "counted quantity", True, lambda i: {"inventory_quantity": 10 + i}, COUNTING),
    WriteKind("stock.quant", "lot (no feed field)", False, lambda i: {"lot_id": False}),
    WriteKind("project.task", "priority", True, lambda i: {"priority": "1" if i % 2 else "0"}),
    WriteKind("project.task", "description (no feed field)", False, lambda i: {"description": f"<p>note {i}</p>"}),
]


@dataclass
class Row:
    kind: WriteKind
    rule: str
    receiver: str
    per_write: float  # seconds, mean
    hints: int


def _store_field_ready(gateway: Any) -> str:
    """The incident feed's base domain names the store field, which `odoo_setup` adds to a stock Odoo."""
    from apps.integration.conf import STORE_FIELD

    if gateway.search("ir.model.fields", [["model", "=", "project.task"], ["name", "=", STORE_FIELD]]):
        return STORE_FIELD
    model = gateway.search("ir.model", [["model", "=", "project.task"]])
    gateway.create("ir.model.fields", {"name": STORE_FIELD, "model_id": model[0], "ttype": "many2one",
                                       "relation": "stock.warehouse", "field_description": "Store", "state": "manual"})
    tasks = gateway.search("project.task", [], limit=200)
    gateway.write("project.task", tasks, {STORE_FIELD: 2})
    return STORE_FIELD


def _records(gateway: Any, store_field: str, count: int) -> dict[str, list[int]]:
    return {
        "stock.quant": gateway.search("stock.quant", [["location_id.usage", "=", "internal"]], limit=count),
        "project.task": gateway.search("project.task", [[store_field, "!=", False]], limit=count),
    }


def _broaden(gateway: Any, models: list[str]) -> None:
    """The rules as they were before: every write of the model, every record."""
    from apps.sync.webhooks import RULE_NAME

    for model in models:
        rules = gateway.search("base.automation", [["name", "=", RULE_NAME.format(model=model)]])
        gateway.write("base.automation", rules, {"filter_domain": False, "trigger_field_ids": [[6, 0, []]]})


def _time_writes(gateway: Any, server: Any, kind: WriteKind, ids: list[int], writes: int) -> tuple[float, int]:
    """The median time of one write (the machine is shared: a median shrugs off its spikes) and how
    many posts the writes made."""
    before = len(server.hints.deliveries)
    times = []
    for i in range(writes):
        started = time.perf_counter()
        gateway.write(kind.model, [ids[i % len(ids)]], kind.values(i), context=kind.context)
        times.append(time.perf_counter() - started)
    return statistics.median(times), len(server.hints.deliveries) - before


def measure(writes: int, silent_writes: int) -> list[Row]:
    from django.conf import settings

    from apps.odoo_gateway import get_gateway, reset_gateway
    from apps.odoo_sandbox.receivers import HintReceiver, SilentReceiver
    from apps.odoo_sandbox.testing import running_sandbox
    from apps.sync.feeds import feeds_ensure
    from apps.sync.webhooks import webhook_rules_install, webhook_rules_remove

    rows: list[Row] = []
    answering, silent = HintReceiver(), SilentReceiver()
    with running_sandbox(seed_network=True) as server:
        settings.ODOO_URL, settings.ODOO_DB = server.url, server.db
        settings.ODOO_LOGIN, settings.ODOO_PASSWORD, settings.ODOO_API_KEY = "admin", "admin", ""
        reset_gateway()
        gateway = get_gateway()
        feeds_ensure()
        records = _records(gateway, _store_field_ready(gateway), writes)
        for kind in KINDS:
            _time_writes(gateway, server, kind, records[kind.model], 5)  # warm up
        for receiver, label, count in ((answering, "answering", writes), (silent, "not answering", silent_writes)):
            # Each block measures its own baseline just before, so a busy spell weighs on both sides.
            webhook_rules_remove(gateway=gateway)
            for rule in ("none", "narrowed", "broad"):
                if rule == "narrowed":
                    webhook_rules_install(base_url=receiver.base_url, gateway=gateway)
                if rule == "broad":
                    _broaden(gateway, sorted(records))
                for kind in KINDS:
                    per_write, hints = _time_writes(gateway, server, kind, records[kind.model],
                                                    writes if rule == "none" else count)
                    rows.append(Row(kind, rule, label, per_write, hints))
        webhook_rules_remove(gateway=gateway)
        reset_gateway()
    answering.close()
    silent.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--writes", type=int, default=50, help="writes per case with the receiver answering")
    parser.add_argument("--silent-writes", type=int, default=20, help="writes per case with it not answering")
    args = parser.parse_args()
    logging.getLogger("apps.odoo_sandbox.hints").setLevel(logging.WARNING)  # one line per timed-out post
    with bench_database():
        rows = measure(args.writes, args.silent_writes)
    baseline = {(row.receiver, row.kind.label): row.per_write for row in rows if row.rule == "none"}
    print(f"{'model':<13} {'write':<27} {'rule':<9} {'receiver':<14} {'median':>10} {'added':>10} "
          f"{'ratio':>7} {'hints':>6}")
    for row in rows:
        base = baseline[row.receiver, row.kind.label]
        print(f"{row.kind.model:<13} {row.kind.label:<27} {row.rule:<9} {row.receiver:<14} "
              f"{row.per_write * 1000:8.1f}ms {(row.per_write - base) * 1000:+8.1f}ms "
              f"{row.per_write / base:6.2f}x {row.hints:>6}")
    for receiver in ("answering", "not answering"):
        def added(rule: str, trigger: bool | None, receiver: str = receiver) -> float:
            return 1000 * statistics.mean(
                row.per_write - baseline[row.receiver, row.kind.label] for row in rows
                if row.rule == rule and row.receiver == receiver and trigger in (None, row.kind.trigger))

        print(f"receiver {receiver}: broad rule {added('broad', None):+.1f} ms on every write; narrowed rule "
              f"{added('narrowed', True):+.1f} ms on a write of a fetched field, "
              f"{added('narrowed', False):+.1f} ms on any other write")

if __name__ == "__main__":
    main()
