"""Sync overhead: a full and an incremental sync against a bare batched search_read of the same
records through the same gateway, in the same run (target: at most 1.1x; round trips per incremental run
at most ceil(changed / batch) + 2).

    .venv/bin/python bench/sync.py --records 10000 100000
"""

from __future__ import annotations

import argparse
import math
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from _django import ROOT, bench_database

FIELDS = ["name", "stage_id", "state", "priority", "user_ids", "project_id", "date_deadline", "x_store_warehouse_id"]


def bare_read(gateway: Any, domain: list[Any], batch: int) -> tuple[float, int, int]:
    """The baseline: keyset-paged search_read of the same records and fields, nothing else."""
    calls, started, fetched, page = gateway.rpc_count, time.perf_counter(), 0, domain
    while True:
        rows = gateway.search_read("project.task", page, ["write_date", *FIELDS], order="write_date asc, id asc",
                                   limit=batch)
        fetched += len(rows)
        if len(rows) < batch:
            break
        last = rows[-1]
        page = [*domain, "|", ["write_date", ">", last["write_date"]], "&",
                ["write_date", "=", last["write_date"]], ["id", ">", last["id"]]]
    return time.perf_counter() - started, gateway.rpc_count - calls, fetched


@contextmanager
def sandbox_process() -> Iterator[str]:
    """The sandbox in its own process, as Odoo would be: in-process it would share the GIL with the
    sync engine and bill Odoo's own work to the portal."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-m", "apps.odoo_sandbox", "--port", str(port)], cwd=ROOT,
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


def seed(gateway: Any, count: int) -> int:
    project = gateway.create("project.project", {"name": f"Bench {count}"})
    rows = [{"name": f"Incident {i}", "project_id": project, "x_store_warehouse_id": 2 + i % 24}
            for i in range(count)]
    for start in range(0, count, 1000):
        gateway.call("project.task", "create", None, rows[start:start + 1000])
    return project


def measure(count: int, batch: int) -> dict[str, Any]:
    from apps.odoo_gateway import OdooConfig, OdooGateway
    from apps.organisation.demo import demo_network_seed
    from apps.sync.engine import feed_sync
    from apps.sync.models import Feed, MirrorRecord

    with sandbox_process() as url:
        demo_network_seed(password_for=lambda username: "bench-password-not-used")
        gateway = OdooGateway(OdooConfig(url=url, db="retail", login="admin", password="admin", timeout=600))
        gateway.version()
        project = seed(gateway, count)
        domain = [["project_id", "=", project]]
        # Kind "health" has no projector: this measures the engine and the mirror, not a domain app's rows.
        feed = Feed.objects.create(slug=f"bench-{count}", name="Bench", kind="health", odoo_model="project.task",
                                   base_domain=domain, domain=[["state", "not in", ["1_done", "1_canceled"]]],
                                   fields=FIELDS, store_field="x_store_warehouse_id", batch_size=batch)
        base_s, base_calls, base_rows = bare_read(gateway, domain, batch)
        started = time.perf_counter()
        full = feed_sync(feed, full=True, gateway=gateway)
        full_s = time.perf_counter() - started
        assert full.status == "ok", full.error
        assert MirrorRecord.objects.filter(feed=feed).count() == count
        time.sleep(feed.overlap_seconds + 0.5)
        settle = feed_sync(feed, gateway=gateway)  # reads the overlap window behind the full pass once
        assert settle.status == "ok", settle.error
        changed = max(1, count // 100)
        ids = sorted(gateway.search("project.task", domain))[:changed]
        time.sleep(1.1)  # a later write_date second, as real edits would have
        gateway.write("project.task", ids, {"priority": "1"})
        inc_base_s, inc_base_calls, _ = bare_read(gateway, [*domain, ["id", "in", ids]], batch)
        started = time.perf_counter()
        incremental = feed_sync(feed, gateway=gateway)
        inc_s = time.perf_counter() - started
        assert incremental.status == "ok", incremental.error
        return {"records": count, "base_s": base_s, "base_calls": base_calls, "base_rows": base_rows,
                "full_s": full_s, "full_calls": full.rpc_calls, "changed": changed, "inc_fetched": incremental.fetched,
                "inc_base_s": inc_base_s, "inc_base_calls": inc_base_calls, "inc_s": inc_s,
                "inc_calls": incremental.rpc_calls, "batch": batch,
                "inc_budget": math.ceil(incremental.fetched / batch) + 2}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, nargs="+", default=[10_000])
    parser.add_argument("--batch", type=int, default=500, help="search_read page size (the feed's batch_size)")
    args = parser.parse_args()
    with bench_database():
        print(f"{'records':>8} {'batch':>5} {'bare s':>8} {'full s':>8} {'ratio':>6} {'calls':>11} | "
              f"{'changed':>7} {'bare s':>7} {'inc s':>7} {'ratio':>6} {'calls/budget':>12}", flush=True)
        for count in args.records:
            r = measure(count, args.batch)
            print(f"{r['records']:>8} {r['batch']:>5} {r['base_s']:>8.2f} {r['full_s']:>8.2f} "
                  f"{r['full_s'] / r['base_s']:>6.2f} {r['full_calls']:>5}/{r['base_calls']:<5} | "
                  f"{r['changed']:>7} {r['inc_base_s']:>7.3f} {r['inc_s']:>7.3f} {r['inc_s'] / r['inc_base_s']:>6.2f} "
                  f"{r['inc_calls']:>5}/{r['inc_budget']:<6}", flush=True)


if __name__ == "__main__":
    main()
