"""Write-back latency: decision final → applied in Odoo against the bare Odoo method call through the
same gateway, in the same run, and 100 bulk approvals (targets: p95 ≤ baseline + 250 ms; 100 bulk ≤ 5 s).

A person's decision is held for the undo window (CT_APPROVAL_UNDO_SECONDS, or --undo-seconds): the
clock starts when the window ends (the row's `not_before`), since until then nothing may go to Odoo,
and stops at the row's `applied_at` (after the four steps: re-read, call, verify, chatter note). The
worker runs in this process, fed by the tasks the decisions send (a countdown for a
held row, as the broker keeps it), so it claims each row when its window ends. The run prints the
window it ran with.

`--worker` measures the same again through the broker: a real `celery worker` process on the
`decisions` queue (as docker-compose runs it, `--worker-concurrency` processes) takes the tasks from
Redis, holds each until its countdown ends and applies it; the bench process only decides and watches
the rows. It needs a Redis of its own (`REDIS_URL`, e.g. `redis-server --port 6392 --save ''` and
`REDIS_URL=redis://127.0.0.1:6392/0`) and PostgreSQL (`DATABASE_URL`; the throw-away test database is
shared with the worker, which SQLite's single writer cannot do without "database is locked").

    .venv/bin/python bench/writeback.py --samples 30 --bulk 100 [--undo-seconds 10]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ct_bench REDIS_URL=redis://127.0.0.1:6392/0 \
        .venv/bin/python bench/writeback.py --worker
"""

from __future__ import annotations

import argparse
import heapq
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from _django import ROOT, bench_database


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


class Worker:
    """One worker: takes the tasks the decisions send and runs each when its countdown ends, in the
    order they fall due (as a Celery worker holds a countdown task until its ETA)."""

    def __init__(self) -> None:
        self.queue: list[tuple[float, int]] = []

    def send(self, pk: int, countdown: float = 0) -> None:
        heapq.heappush(self.queue, (time.monotonic() + countdown, pk))

    def drain(self, until: float | None = None) -> None:
        """Run the tasks as they fall due: all of them, or those due before `until` (then wait until it)."""
        from apps.writeback.services import writeback_run

        while self.queue and (until is None or self.queue[0][0] <= until):
            due, pk = heapq.heappop(self.queue)
            time.sleep(max(0.0, due - time.monotonic()))
            writeback_run(pk)
        if until is not None:
            time.sleep(max(0.0, until - time.monotonic()))


def _database_url() -> str:
    """The throw-away database as a URL a worker process can open."""
    from django.db import connection

    name = connection.settings_dict["NAME"]
    base = os.environ["DATABASE_URL"]
    return f"{base.rsplit('/', 1)[0]}/{name}"


@contextmanager
def celery_worker(server: Any, concurrency: int) -> Iterator[None]:
    """A real worker process on the decisions queue, pointed at this run's database, broker and Odoo."""
    from django.conf import settings

    from controltower.celery import app

    env = {**os.environ, "DATABASE_URL": _database_url(), "REDIS_URL": settings.REDIS_URL, "ODOO_URL": server.url,
           "ODOO_DB": server.db, "ODOO_LOGIN": "admin", "ODOO_PASSWORD": "admin", "ODOO_API_KEY": "",
           "CT_LOG_LEVEL": "WARNING"}
    hostname = f"bench-decisions-{os.getpid()}@localhost"
    worker = subprocess.Popen([sys.executable, "-m", "celery", "-A", "controltower", "worker", "--queues", "decisions",
                               "--concurrency", str(concurrency), "--hostname", hostname, "--without-gossip",
                               "--without-mingle", "--loglevel", "WARNING"], env=env, cwd=str(ROOT))
    try:
        deadline = time.monotonic() + 60
        while not app.control.ping(destination=[hostname], timeout=1.0):
            if time.monotonic() > deadline or worker.poll() is not None:
                raise SystemExit("the Celery worker did not start")
        yield
    finally:
        worker.terminate()
        worker.wait(timeout=60)


def _applied(pks: list[int], timeout: float = 300.0) -> None:
    from apps.writeback.models import WriteBack

    deadline = time.monotonic() + timeout
    while WriteBack.objects.filter(pk__in=pks, applied_at__isnull=True).exists():
        if time.monotonic() > deadline:
            raise SystemExit("write-backs not applied by the worker in time")
        time.sleep(0.02)


def measure(samples: int, bulk: int, undo_seconds: int, *, worker_concurrency: int = 0) -> dict[str, Any]:
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
    from apps.writeback.tasks import apply_writeback
    from tests.odoo_ready import portal_ready

    settings.CT_APPROVAL_UNDO_SECONDS = undo_seconds
    worker = Worker()
    sent = apply_writeback.delay, apply_writeback.apply_async
    apply_writeback.delay = lambda pk: worker.send(pk)  # type: ignore[method-assign]
    apply_writeback.apply_async = lambda args, countdown=0: worker.send(args[0], countdown)  # type: ignore[method-assign]
    result: dict[str, Any] = {}
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
        broker_orders = new_orders(server, samples, 2) if worker_concurrency else []
        broker_bulk = new_orders(server, bulk, 3) if worker_concurrency else []
        feeds_ensure()
        assert feed_sync(Feed.objects.get(slug="purchase-orders"), gateway=gateway).status == "ok"

        bare = []
        for order in baseline_orders:
            started = time.perf_counter()
            gateway.call("purchase.order", "button_approve", [order])
            bare.append(time.perf_counter() - started)

        def latency(row: WriteBack) -> float:
            assert row.applied_at is not None
            return (row.applied_at - (row.not_before or row.created_at)).total_seconds()

        decided = []
        for order in decided_orders:  # spaced out, so no row's window ends while another is applied
            request = ApprovalRequest.objects.get(odoo_model="purchase.order", odoo_id=order)
            decision_record(request=request, actor=approver, outcome="approve", comment="bench")
            decided.append(WriteBack.objects.get(odoo_id=order).pk)
            worker.drain(until=time.monotonic() + 0.3)  # the worker meanwhile takes what falls due
        worker.drain()
        latencies = [latency(row) for row in WriteBack.objects.filter(pk__in=decided)]

        requests = list(ApprovalRequest.objects.filter(odoo_model="purchase.order", odoo_id__in=bulk_orders))
        decisions_bulk_approve(requests=requests, actor=approver, comment="bench bulk")
        bulk_rows = list(WriteBack.objects.filter(odoo_id__in=bulk_orders).values_list("pk", flat=True))
        worker.drain()
        bulk_s = max(latency(row) for row in WriteBack.objects.filter(pk__in=bulk_rows))
        applied = WriteBack.objects.filter(odoo_id__in=bulk_orders, status="applied").count()
        states = {row["state"] for row in server.execute("admin", "purchase.order", "read", [bulk_orders, ["state"]])}
        result = {"undo_seconds": undo_seconds, "bare_p50": statistics.median(bare),
                  "bare_p95": percentile(bare, 0.95), "p50": statistics.median(latencies),
                  "p95": percentile(latencies, 0.95), "bulk": bulk, "bulk_s": bulk_s, "applied": applied,
                  "states": states}

        if worker_concurrency:  # the same through Redis and a worker process: the tasks go to the broker
            apply_writeback.delay, apply_writeback.apply_async = sent  # type: ignore[method-assign]
            with celery_worker(server, worker_concurrency):
                through = []
                for order in broker_orders:  # spaced out as above
                    request = ApprovalRequest.objects.get(odoo_model="purchase.order", odoo_id=order)
                    decision_record(request=request, actor=approver, outcome="approve", comment="bench worker")
                    through.append(WriteBack.objects.get(odoo_id=order).pk)
                    time.sleep(0.3)
                _applied(through)
                broker_latencies = [latency(row) for row in WriteBack.objects.filter(pk__in=through)]
                requests = list(ApprovalRequest.objects.filter(odoo_model="purchase.order", odoo_id__in=broker_bulk))
                decisions_bulk_approve(requests=requests, actor=approver, comment="bench worker bulk")
                rows = list(WriteBack.objects.filter(odoo_id__in=broker_bulk).values_list("pk", flat=True))
                _applied(rows)
            result |= {"worker_concurrency": worker_concurrency, "worker_p50": statistics.median(broker_latencies),
                       "worker_p95": percentile(broker_latencies, 0.95),
                       "worker_bulk_s": max(latency(row) for row in WriteBack.objects.filter(pk__in=rows))}
        reset_gateway()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=int, default=30)
    parser.add_argument("--bulk", type=int, default=100)
    parser.add_argument("--undo-seconds", type=int, default=None,
                        help="undo window to run with (default: CT_APPROVAL_UNDO_SECONDS)")
    parser.add_argument("--worker", action="store_true",
                        help="also measure through Redis (REDIS_URL) and a real Celery worker process")
    parser.add_argument("--worker-concurrency", type=int, default=2, help="the worker's processes (compose: 2)")
    args = parser.parse_args()
    if args.worker and not os.environ.get("REDIS_URL"):
        raise SystemExit("--worker needs a Redis of its own: REDIS_URL=redis://127.0.0.1:<port>/0")
    if args.worker and not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("--worker needs PostgreSQL (DATABASE_URL): the worker process shares the database")
    with bench_database():
        from django.conf import settings

        window = settings.CT_APPROVAL_UNDO_SECONDS if args.undo_seconds is None else args.undo_seconds
        r = measure(args.samples, args.bulk, window, worker_concurrency=args.worker_concurrency if args.worker else 0)
    start = "the end of the window (the row's not_before)" if r["undo_seconds"] else "the decision (no window)"
    print(f"undo window {r['undo_seconds']} s: latencies count from {start}")
    print(f"bare button_approve    p50 {r['bare_p50'] * 1000:7.1f} ms   p95 {r['bare_p95'] * 1000:7.1f} ms")
    print(f"window end -> applied  p50 {r['p50'] * 1000:7.1f} ms   p95 {r['p95'] * 1000:7.1f} ms   "
          f"ratio p95 {r['p95'] / r['bare_p95']:.1f}x   over baseline {(r['p95'] - r['bare_p95']) * 1000:.0f} ms "
          f"(target <= 250 ms)")
    print(f"bulk approve {r['bulk']:>4}      {r['bulk_s']:7.2f} s from the window's end to the last applied "
          f"(target <= 5 s), applied {r['applied']}, "
          f"Odoo states {sorted(r['states'])}")
    if "worker_p95" in r:
        print(f"through Redis and a worker process (decisions queue, concurrency {r['worker_concurrency']}):")
        print(f"window end -> applied  p50 {r['worker_p50'] * 1000:7.1f} ms   p95 {r['worker_p95'] * 1000:7.1f} ms   "
              f"over baseline {(r['worker_p95'] - r['bare_p95']) * 1000:.0f} ms (eager above: "
              f"{r['p95'] * 1000:.0f} ms)")
        print(f"bulk approve {r['bulk']:>4}      {r['worker_bulk_s']:7.2f} s from the window's end to the last applied "
              f"(eager above: {r['bulk_s']:.2f} s)")


if __name__ == "__main__":
    main()
