"""Sync overhead: a full and an incremental sync of a feed against a bare batched search_read of the same
records through the same gateway, in the same run, reading the same pages (the engine's paging).

Three feeds: the engine alone (a feed kind with no projector), the incident feed (project.task, with
its projector: an incident per record created in Odoo, triage of its title) and an approval feed
(customer refunds, with its projector: an approval request per record under the approval policy).
Targets: a first import at most 1.5x the bare read with a projector (1.1x without); round trips per
incremental run at most ceil(changed / batch) + 2. `full cpu` is the benchmark process's own CPU time
for the first import over its CPU time for the bare read (the portal's work, JSON parsing of Odoo's
answers included; PostgreSQL's and the sandbox's CPU are not in it): it moves far less than the wall
times when other work shares the machine.

The incident feed's first import leaves the incidents of its pages to the adoption task (more than
CT_INCIDENT_ADOPT_INLINE_MAX new records a page, apps/incidents/services/adoption.py), which a sync
worker runs after each page's commit. Here those tasks are kept and run afterwards in this process,
one after the other: `adopt s` is their wall time and `+adopt` the ratio of import and adoption
together to the bare read (all the work on one core, the worst case; the compose's sync worker has two
processes, so adoption overlaps the import).

    .venv/bin/python bench/sync.py --records 10000
    .venv/bin/python bench/sync.py --records 10000 --feeds engine incidents

CT_BENCH_SANDBOX_DIR runs the sandbox from another checkout (e.g. a release's, while the tree changes).
"""

from __future__ import annotations

import argparse
import math
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from _django import ROOT, bench_database

TASK_FIELDS = ["name", "stage_id", "state", "priority", "user_ids", "project_id", "date_deadline",
               "x_store_warehouse_id"]
FEEDS = ("engine", "incidents", "approvals")


def bare_read(gateway: Any, model: str, domain: list[Any], fields: list[str], batch: int,
              ) -> tuple[float, int, int, float]:
    """The baseline: the engine's pages of the same records and fields (apps.sync.paging), nothing else.
    Returns its wall time, round trips, rows and this process's CPU time."""
    from apps.sync.paging import Position, step

    calls, started, fetched, cpu = gateway.rpc_count, time.perf_counter(), 0, time.process_time()
    position: Position | None = Position()
    while position is not None:
        rows = gateway.search_read(model, [*domain, *position.domain()], ["write_date", *fields],
                                   order=position.order, limit=batch)
        fetched += len(rows)
        position = step(position, rows, batch).next
    return time.perf_counter() - started, gateway.rpc_count - calls, fetched, time.process_time() - cpu


@contextmanager
def sandbox_process() -> Iterator[str]:
    """The sandbox in its own process, as Odoo would be: in-process it would share the GIL with the
    sync engine and bill Odoo's own work to the portal."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-m", "apps.odoo_sandbox", "--port", str(port)],
                               cwd=os.environ.get("CT_BENCH_SANDBOX_DIR", ROOT),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{url}/web/version", timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def seed_tasks(gateway: Any, count: int) -> tuple[list[Any], list[int]]:
    """`count` tasks in one project, created a thousand per call (one write_date stamp per call)."""
    project = gateway.create("project.project", {"name": f"Bench {count}"})
    rows = [{"name": title, "project_id": project, "x_store_warehouse_id": 2 + i % 24}
            for i, title in enumerate(_titles(count))]
    ids: list[int] = []
    for start in range(0, count, 1000):
        ids += gateway.call_for_ids("project.task", "create", None, vals_list=rows[start:start + 1000])
    return [["project_id", "=", project]], ids


def seed_refunds(gateway: Any, count: int) -> tuple[list[Any], list[int]]:
    """`count` draft customer refunds with one line each, tagged by `ref`."""
    partner = gateway.search("res.partner", [["customer_rank", ">", 0]], limit=1) \
        or gateway.search("res.partner", [], limit=1)
    product = gateway.search("product.product", [["sale_ok", "=", True]], limit=1)[0]
    ref = f"bench-{count}-{time.time_ns()}"
    rows = [{"move_type": "out_refund", "partner_id": partner[0], "ref": ref, "x_store_warehouse_id": 2 + i % 24,
             "invoice_line_ids": [[0, 0, {"product_id": product, "quantity": 1, "price_unit": 20 + i % 400}]]}
            for i in range(count)]
    ids: list[int] = []
    for start in range(0, count, 1000):
        ids += gateway.call_for_ids("account.move", "create", None, vals_list=rows[start:start + 1000])
    return [["move_type", "=", "out_refund"], ["ref", "=", ref]], ids


def _titles(count: int) -> list[str]:
    """Incident titles like a store's: the incident projector triages each by its words."""
    words = ["Freezer alarm in aisle", "Broken glass door at entrance", "Spill near checkout", "Shoplifter seen at",
             "Leaking roof above bakery", "Till not printing receipts at", "Trolley bay damaged outside",
             "Customer fell near produce"]
    return [f"{words[i % len(words)]} {i}" for i in range(count)]


def bench_feed(kind: str, gateway: Any, count: int, batch: int, run: int = 0) -> tuple[Any, list[Any], list[int]]:
    from apps.sync.feeds import BUILTIN_FEEDS
    from apps.sync.models import Feed, FeedKind

    if kind == "approvals":
        domain, ids = seed_refunds(gateway, count)
        definition = next(f for f in BUILTIN_FEEDS if f["slug"] == "customer-refunds")
    else:
        domain, ids = seed_tasks(gateway, count)
        definition = next(f for f in BUILTIN_FEEDS if f["slug"] == "incident-tasks")
    columns = {field.name for field in Feed._meta.get_fields()} - {"slug", "name", "base_domain"}
    values = {key: value for key, value in definition.items() if key in columns}
    if kind == "engine":
        values["kind"] = FeedKind.HEALTH  # no projector: the engine and the mirror alone
    feed = Feed.objects.create(slug=f"bench-{kind}-{count}-{run}", name=f"Bench {kind}", base_domain=domain,
                               batch_size=batch, **values)
    return feed, domain, ids


@contextmanager
def deferred_adoptions() -> Iterator[list[tuple[int, list[int]]]]:
    """The adoption tasks a first import of an incident feed sends after each page's commit, kept here
    instead of going to a broker (`adopt` then runs them in this process, timed on their own)."""
    from apps.incidents.tasks import adopt_odoo_incidents

    sent: list[tuple[int, list[int]]] = []

    def keep(feed_id: int, odoo_ids: list[int]) -> None:
        sent.append((feed_id, odoo_ids))

    adopt_odoo_incidents.delay = keep  # type: ignore[method-assign,assignment]
    try:
        yield sent
    finally:
        del adopt_odoo_incidents.delay


def adopt(sent: list[tuple[int, list[int]]]) -> float:
    """Run the adoption tasks one after the other, as one worker process would; returns the wall time."""
    from apps.incidents.services.adoption import incidents_adopt

    started = time.perf_counter()
    for feed_id, odoo_ids in sent:
        incidents_adopt(feed_id=feed_id, odoo_ids=odoo_ids)
    return time.perf_counter() - started


def measure(kind: str, count: int, batch: int, url: str, run: int = 0) -> dict[str, Any]:
    from apps.integration.services import store_field_install
    from apps.odoo_gateway import OdooConfig, OdooGateway
    from apps.sync.engine import feed_sync
    from apps.sync.models import MirrorRecord
    from tests.odoo_ready import store_field_models

    gateway = OdooGateway(OdooConfig(url=url, db="retail", login="admin", password="admin", timeout=600))
    major = gateway.version().major
    for model in store_field_models(major):  # a stock Odoo: the store field as `odoo_setup` adds it
        store_field_install(gateway, model)
    feed, domain, ids = bench_feed(kind, gateway, count, batch, run)
    open_domain = [*domain, *feed.domain]
    base_s, base_calls, base_rows, base_cpu = bare_read(gateway, feed.odoo_model, open_domain, feed.fetch_fields,
                                                        batch)
    started, cpu = time.perf_counter(), time.process_time()
    with deferred_adoptions() as adoptions:
        full = feed_sync(feed, full=True, gateway=gateway)
    full_s, full_cpu = time.perf_counter() - started, time.process_time() - cpu
    assert full.status == "ok", full.error
    assert MirrorRecord.objects.filter(feed=feed).count() == count == base_rows
    adopt_s = adopt(adoptions)
    if kind == "incidents":
        from apps.incidents.models import StoreIncident

        assert StoreIncident.objects.filter(odoo_model=feed.odoo_model, odoo_id__in=ids).count() == count
    time.sleep(feed.overlap_seconds + 0.5)
    settle = feed_sync(feed, gateway=gateway)  # reads the overlap window behind the full pass once
    assert settle.status == "ok", settle.error
    time.sleep(feed.overlap_seconds + 0.5)
    settle = feed_sync(feed, gateway=gateway)  # and now nothing
    assert settle.status == "ok", settle.error
    changed = max(1, count // 100)
    picked = sorted(ids)[::100][:changed]
    time.sleep(1.1)  # a later write_date second, as real edits would have
    if kind == "approvals":
        gateway.write("account.move", picked, {"invoice_date": "2025-01-15"})
    else:
        gateway.write("project.task", picked, {"priority": "1"})
    inc_base_s, inc_base_calls, _, _ = bare_read(gateway, feed.odoo_model, [*domain, ["id", "in", picked]],
                                              feed.fetch_fields, batch)
    started = time.perf_counter()
    incremental = feed_sync(feed, gateway=gateway)
    inc_s = time.perf_counter() - started
    assert incremental.status == "ok", incremental.error
    return {"feed": kind, "records": count, "base_s": base_s, "base_calls": base_calls, "full_s": full_s,
            "adopt_s": adopt_s,
            "cpu_ratio": full_cpu / base_cpu,
            "full_calls": full.rpc_calls, "changed": changed, "inc_fetched": incremental.fetched,
            "inc_base_s": inc_base_s, "inc_base_calls": inc_base_calls, "inc_s": inc_s,
            "inc_calls": incremental.rpc_calls, "batch": batch,
            "inc_budget": math.ceil(incremental.fetched / batch) + 2}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, nargs="+", default=[10_000])
    parser.add_argument("--batch", type=int, default=500, help="search_read page size (the feed's batch_size)")
    parser.add_argument("--feeds", nargs="+", choices=FEEDS, default=list(FEEDS))
    parser.add_argument("--repeat", type=int, default=1, help="runs per feed and size (fresh records each time); "
                        "with more than one, a last line per feed gives the median ratios (the machine's other work "
                        "moves single runs by 10-20 %%)")
    args = parser.parse_args()
    with bench_database(), sandbox_process() as url:
        from apps.organisation.demo import demo_network_seed

        demo_network_seed(password_for=lambda username: "bench-password-not-used")
        from controltower.runtime import heap_freeze

        heap_freeze()  # as a worker process does once it has started (controltower.celery)
        from django.urls import reverse

        reverse("approvals:inbox")  # the URL map is loaded once per process (web or worker), never per sync
        if "incidents" in args.feeds:
            from apps.incidents.triage.classifier import model_get

            model_get()  # trained (or loaded) before timing: the projector triages with it, as in production
        print(f"{'feed':>9} {'records':>8} {'batch':>5} {'bare s':>8} {'full s':>8} {'ratio':>6} {'calls':>11} | "
              f"{'changed':>7} {'fetched':>7} {'bare s':>7} {'inc s':>7} {'ratio':>6} {'calls/budget':>12} | "
              f"{'full cpu':>8} | {'adopt s':>7} {'+adopt':>6}", flush=True)
        for count in args.records:
            ratios: dict[str, list[tuple[float, float]]] = {}
            for run, kind in ((run, kind) for run in range(args.repeat) for kind in args.feeds):
                r = measure(kind, count, args.batch, url, run)
                ratios.setdefault(kind, []).append((r["full_s"] / r["base_s"], r["inc_s"] / r["inc_base_s"]))
                print(f"{r['feed']:>9} {r['records']:>8} {r['batch']:>5} {r['base_s']:>8.2f} {r['full_s']:>8.2f} "
                      f"{r['full_s'] / r['base_s']:>6.2f} {r['full_calls']:>5}/{r['base_calls']:<5} | "
                      f"{r['changed']:>7} {r['inc_fetched']:>7} {r['inc_base_s']:>7.3f} {r['inc_s']:>7.3f} "
                      f"{r['inc_s'] / r['inc_base_s']:>6.2f} {r['inc_calls']:>5}/{r['inc_budget']:<6} | "
                      f"{r['cpu_ratio']:>7.2f}x | {r['adopt_s']:>7.2f} "
                      f"{(r['full_s'] + r['adopt_s']) / r['base_s']:>6.2f}", flush=True)
            if args.repeat > 1:
                for kind, pairs in ratios.items():
                    full, inc = (sorted(values) for values in zip(*pairs, strict=True))
                    print(f"{kind:>9} {count:>8} median of {len(pairs)}: full {statistics.median(full):.2f}x "
                          f"(range {full[0]:.2f}-{full[-1]:.2f}), incremental {statistics.median(inc):.2f}x "
                          f"(range {inc[0]:.2f}-{inc[-1]:.2f})", flush=True)


if __name__ == "__main__":
    main()
