"""Write-back latency: decision → applied in Odoo against the bare Odoo method call through the same
gateway, in the same run, and 100 bulk approvals (targets: p95 ≤ baseline + 1 s; 100 bulk ≤ 10 s).

The worker runs in-process (Celery eager mode): the decision's transaction commits, the task runs
the outbox row at once, the four steps happen (re-read, call, verify, chatter note).

    .venv/bin/python bench/writeback.py --samples 30 --bulk 100
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

from _django import bench_database


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def new_orders(server: Any, count: int, warehouse_id: int) -> list[int]:
    vendor = server.execute("admin", "res.partner", "search", [[["supplier_rank", ">", 0]]], {"limit": 1})[0]
    product = server.execute("admin", "product.product", "search", [[["purchase_ok", "=", True]]], {"limit": 1})[0]
    picking_type = server.execute("admin", "stock.picking.type", "search",
                                  [[["code", "=", "incoming"], ["warehouse_id", "=", warehouse_id]]], {"limit": 1})[0]
    orders = []
    for _ in range(count):
        order = server.execute("buyer", "purchase.order", "create", [{
            "partner_id": vendor, "picking_type_id": picking_type,
            "order_line": [[0, 0, {"product_id": product, "product_qty": 50, "price_unit": 100}]]}])
        server.execute("buyer", "purchase.order", "button_confirm", [[order]])
        orders.append(order)
    return orders


def measure(samples: int, bulk: int) -> dict[str, Any]:
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from apps.approvals.models import ApprovalRequest
    from apps.approvals.services.decisions import decision_record, decisions_bulk_approve
    from apps.odoo_gateway import get_gateway, reset_gateway
    from apps.odoo_sandbox.testing import running_sandbox
    from apps.organisation.demo import demo_network_seed
    from apps.sync.engine import feed_sync
    from apps.sync.feeds import feeds_ensure
    from apps.sync.models import Feed
    from apps.writeback.models import WriteBack
    from controltower.celery import app
    from tests.odoo_ready import portal_ready

    app.conf.task_always_eager = True
    with running_sandbox(seed_network=True) as server:
        portal_ready(server)  # the store field, as odoo_setup adds it to a stock Odoo
        settings.ODOO_URL, settings.ODOO_DB = server.url, server.db
        settings.ODOO_LOGIN, settings.ODOO_PASSWORD, settings.ODOO_API_KEY = "admin", "admin", ""
        reset_gateway()
        gateway = get_gateway()
        gateway.version()
        demo_network_seed(password_for=lambda username: "bench-password-not-used")
        approver = get_user_model().objects.get(username="regional.manager")
        baseline_orders = new_orders(server, samples, 2)
        decided_orders = new_orders(server, samples, 2)
        bulk_orders = new_orders(server, bulk, 3)
        feeds_ensure()
        assert feed_sync(Feed.objects.get(slug="purchase-orders"), gateway=gateway).status == "ok"

        bare = []
        for order in baseline_orders:
            started = time.perf_counter()
            gateway.call("purchase.order", "button_approve", [order])
            bare.append(time.perf_counter() - started)

        latencies = []
        for order in decided_orders:
            request = ApprovalRequest.objects.get(odoo_model="purchase.order", odoo_id=order)
            started = time.perf_counter()
            decision_record(request=request, actor=approver, outcome="approve", comment="bench")
            latencies.append(time.perf_counter() - started)
            assert WriteBack.objects.get(odoo_id=order).status == "applied"

        requests = list(ApprovalRequest.objects.filter(odoo_model="purchase.order", odoo_id__in=bulk_orders))
        started = time.perf_counter()
        decisions_bulk_approve(requests=requests, actor=approver, comment="bench bulk")
        bulk_s = time.perf_counter() - started
        applied = WriteBack.objects.filter(odoo_id__in=bulk_orders, status="applied").count()
        states = {row["state"] for row in server.execute("admin", "purchase.order", "read", [bulk_orders, ["state"]])}
        reset_gateway()
    return {"bare_p50": statistics.median(bare), "bare_p95": percentile(bare, 0.95),
            "p50": statistics.median(latencies), "p95": percentile(latencies, 0.95), "bulk": bulk,
            "bulk_s": bulk_s, "applied": applied, "states": states}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=int, default=30)
    parser.add_argument("--bulk", type=int, default=100)
    args = parser.parse_args()
    with bench_database():
        r = measure(args.samples, args.bulk)
    print(f"bare button_approve    p50 {r['bare_p50'] * 1000:7.1f} ms   p95 {r['bare_p95'] * 1000:7.1f} ms")
    print(f"decision -> applied    p50 {r['p50'] * 1000:7.1f} ms   p95 {r['p95'] * 1000:7.1f} ms   "
          f"ratio p95 {r['p95'] / r['bare_p95']:.1f}x   over baseline {(r['p95'] - r['bare_p95']) * 1000:.0f} ms "
          f"(target <= 1000 ms)")
    print(f"bulk approve {r['bulk']:>4}      {r['bulk_s']:7.2f} s total (target <= 10 s), applied {r['applied']}, "
          f"Odoo states {sorted(r['states'])}")


if __name__ == "__main__":
    main()
