"""Dashboards: server time and query count per dashboard on PostgreSQL at 200 stores / 100k open /
1M closed items, against computing the same figures from Odoo (the sandbox) with read_group and
search_read over RPC, in the same run (targets: p95 <= 150 ms; >= 10x faster than the baseline;
query count constant in data size).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/controltower_ci .venv/bin/python bench/dashboards.py
    .venv/bin/python bench/dashboards.py --stores 20 --open 2000 --closed 20000 --runs 10   # a quick look

The same generated items go into PostgreSQL (COPY) and into the sandbox's tables (one project.task
per item: the project says the kind, `date_last_stage_update` the finish, priority "1" compliance).
The benchmark uses its own throw-away database (`<name>_dashboards_bench`), never the test database.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import random
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import _django  # puts the project on sys.path and selects the settings
from _django import percentile
from _web_memory import measure_web_memory
from dashboards_odoo import measure_baseline, seed_sandbox

KINDS = ("approvals", "incidents", "exceptions")
SHARE = {"approvals": 0.3, "incidents": 0.3, "exceptions": 0.4}
HOUR = dt.timedelta(hours=1)


@dataclass
class Item:
    kind: str
    store: int  # index 0..stores-1
    opened: dt.datetime
    deadline: dt.datetime
    finished: dt.datetime | None
    compliance: bool


def items(stores: int, open_count: int, closed_count: int, now: dt.datetime) -> Iterator[Item]:
    """Closed items opened over the last year and finished after a skewed delay (most within the
    24-hour SLA, a tail late); open items from the last three days, due 48 hours after opening."""
    rng = random.Random(7)
    for count, is_open in ((closed_count, False), (open_count, True)):
        for _ in range(count):
            kind = rng.choices(KINDS, weights=[SHARE[k] for k in KINDS])[0]
            if is_open:
                opened = now - dt.timedelta(seconds=rng.uniform(0, 3 * 86400))
                deadline, finished = opened + 48 * HOUR, None
            else:
                opened = now - dt.timedelta(seconds=rng.uniform(3600, 365 * 86400))
                deadline = opened + 24 * HOUR
                finished = min(now, opened + dt.timedelta(hours=rng.lognormvariate(2.2, 0.9)))
            yield Item(kind, rng.randrange(stores), opened, deadline, finished,
                       kind == "incidents" and rng.random() < 0.1)


# -- PostgreSQL ----------------------------------------------------------------------------------

def copy_rows(model: Any, rows: Iterator[dict[str, Any]]) -> int:
    """COPY rows into a model's table; unspecified columns take the field default (auto_now: now)."""
    from django.db import connection
    from django.db.models import AutoField, BigAutoField, JSONField
    from django.utils import timezone
    from psycopg.types.json import Jsonb

    fields = [f for f in model._meta.concrete_fields if not isinstance(f, AutoField | BigAutoField)]
    columns = ", ".join(f'"{f.column}"' for f in fields)
    now, written = timezone.now(), 0
    with connection.cursor() as cursor, cursor.cursor.copy(
            f'COPY "{model._meta.db_table}" ({columns}) FROM STDIN') as copy:
        for row in rows:
            values = []
            for f in fields:
                if f.attname in row:
                    value = row[f.attname]
                elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                    value = now
                else:
                    value = f.get_default()
                values.append(Jsonb(value) if isinstance(f, JSONField) and value is not None else value)
            copy.write_row(values)
            written += 1
    return written


def seed_portal(args: argparse.Namespace, now: dt.datetime) -> dict[str, Any]:
    from django.contrib.auth import get_user_model

    from apps.approvals.models import ApprovalRequest, ApprovalStatus
    from apps.incidents.models import IncidentStatus, StoreIncident, new_reference
    from apps.operations.models import ExceptionStatus, OpsException
    from apps.organisation.models import Region, Store
    from apps.organisation.roles import Role
    from apps.organisation.services import role_grant
    from apps.sync.feeds import feeds_ensure
    from apps.sync.models import Feed, MirrorRecord

    regions = Region.objects.bulk_create(Region(code=f"R{i:02}", name=f"Region {i:02}") for i in range(10))
    stores = Store.objects.bulk_create(
        Store(region=regions[i % 10], code=f"ST{i:03}", name=f"Store {i:03}", odoo_warehouse_id=1000 + i)
        for i in range(args.stores))
    feeds_ensure()
    feed = Feed.objects.get(slug="purchase-orders")
    # Rows go in in the order a live table grows: by their last write (opened, or finished when a
    # person closed them), so a period's rows sit together on disk as they do in production.
    generated = sorted(items(args.stores, args.open, args.closed, now), key=lambda i: i.finished or i.opened)
    by_kind: dict[str, list[Item]] = defaultdict(list)
    for item in generated:
        by_kind[item.kind].append(item)
    approvals = by_kind["approvals"]
    copy_rows(MirrorRecord, ({"feed_id": feed.pk, "odoo_id": n + 1, "store_id": stores[i.store].pk,
                              "values": {}, "odoo_write_date": i.opened, "first_seen_at": i.opened,
                              "synced_at": now, "closed_at": i.finished, "close_reason": ""}
                             for n, i in enumerate(approvals)))
    mirrors = dict(MirrorRecord.objects.filter(feed=feed).values_list("odoo_id", "pk"))
    copy_rows(ApprovalRequest, (
        {"mirror_id": mirrors[n + 1], "feed_id": feed.pk, "kind": feed.slug, "kind_label": feed.name,
         "store_id": stores[i.store].pk, "odoo_model": "purchase.order", "odoo_id": n + 1, "reference": f"P{n + 1:07}",
         "amount": Decimal("100.00"), "requested_at": i.opened, "deadline": i.deadline, "decided_at": i.finished,
         "odoo_open": i.finished is None,
         "status": ApprovalStatus.OPEN if i.finished is None else ApprovalStatus.APPROVED}
        for n, i in enumerate(approvals)))
    copy_rows(StoreIncident, (
        {"reference": new_reference(), "store_id": stores[i.store].pk, "category":
         "compliance" if i.compliance else "facilities", "urgency": "medium", "title": f"Incident {n}",
         "created_at": i.opened, "deadline": i.deadline, "closed_at": i.finished,
         "status": IncidentStatus.IN_ODOO if i.finished is None else IncidentStatus.RESOLVED}
        for n, i in enumerate(by_kind["incidents"])))
    copy_rows(OpsException, (
        {"store_id": stores[i.store].pk, "kind": "late_receipt", "odoo_model": "stock.picking", "odoo_id": n + 1,
         "title": f"Late receipt {n}", "opened_at": i.opened, "started_at": i.opened, "deadline": i.deadline,
         "resolved_at": i.finished, "condition_active": i.finished is None,
         "status": ExceptionStatus.OPEN if i.finished is None else ExceptionStatus.RESOLVED}
        for n, i in enumerate(by_kind["exceptions"])))
    people = {}
    for name, role, where in (("hq", Role.HQ_EXECUTIVE, {}), ("regional", Role.REGIONAL_MANAGER,
                                                            {"region": regions[0]}),
                              ("store", Role.STORE_MANAGER, {"store": stores[0]})):
        people[name] = get_user_model().objects.create_user(username=f"bench-{name}")
        role_grant(user=people[name], role=role, **where)
    return {"items": generated, "regions": regions, "stores": stores, "people": people}


def seeded_before(args: argparse.Namespace) -> dict[str, Any] | None:
    """With `--keep`: the network an earlier run of the same size left in the kept database (its items
    are not regenerated, so no Odoo baseline), or None when there is none to reuse."""
    from django.contrib.auth import get_user_model

    from apps.approvals.models import ApprovalRequest
    from apps.incidents.models import StoreIncident
    from apps.operations.models import OpsException
    from apps.organisation.models import Region, Store

    rows = sum(model.objects.count() for model in (ApprovalRequest, StoreIncident, OpsException))
    if Store.objects.count() != args.stores or rows != args.open + args.closed:
        return None
    users = get_user_model().objects.filter(username__startswith="bench-")
    return {"items": None, "regions": list(Region.objects.order_by("code")),
            "stores": list(Store.objects.order_by("code")),
            "people": {user.username.removeprefix("bench-"): user for user in users}}


def rollups_build() -> int:
    """What the rollup refresh has kept up in production: every closed day's cells (the bench's rows
    are written with COPY, past any watermark), then statistics for the planner."""
    from django.db import connection

    from apps.dashboards.rollups import rollups_rebuild

    cells = rollups_rebuild()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE dashboards_dailyrollup")
    return cells


def vacuum_analyze() -> None:
    """What autovacuum does to a production database: statistics and the visibility map."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in ("approvals_approvalrequest", "incidents_storeincident", "operations_opsexception",
                      "sync_mirrorrecord"):
            cursor.execute(f"VACUUM ANALYZE {table}")


def measure_portal(user: Any, url: str, runs: int, *, cached: bool) -> dict[str, Any]:
    """Cold: every request computes every figure (what a live refresh after a change costs).
    Warm: the shared figure cache holds them (another viewer of the same scope, nothing changed)."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from apps.dashboards import conf

    conf.CACHE_SECONDS = 60 if cached else 0
    cache.clear()
    client = Client()
    client.force_login(user)
    for _ in range(2):
        assert client.get(url).status_code == 200, url
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return {"p50": percentile(times, 0.5), "p95": percentile(times, 0.95), "queries": len(queries)}


def profile_portal(user: Any, url: str, top: int = 6, explain: int = 0) -> None:
    """One cold request with every query timed: the slowest ones, to see where the time goes."""
    from django.db import connection
    from django.test import Client

    from apps.dashboards import conf

    conf.CACHE_SECONDS = 0
    client = Client()
    client.force_login(user)
    timed: list[tuple[float, str, Any]] = []

    def timer(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timed.append((time.perf_counter() - started, sql, params))

    with connection.execute_wrapper(timer):
        client.get(url)
    print(f"{url}: {len(timed)} queries, {sum(t for t, _, _ in timed) * 1000:.0f} ms in the database")
    slowest = sorted(timed, key=lambda entry: entry[0], reverse=True)[:top]
    for elapsed, sql, _ in slowest:
        print(f"  {elapsed * 1000:7.1f} ms  {' '.join(sql.split())[:220]}")
    if explain:
        for _, sql, params in slowest[:explain]:
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
                print("\n".join(row[0] for row in cursor.fetchall()), "\n")


@contextmanager
def bench_db(suffix: str = "dashboards_bench", *, keep: bool = False) -> Iterator[None]:
    """Like `_django.bench_database`, on a database of its own (never the shared test database)."""
    import django
    from django.conf import settings

    settings.DATABASES["default"].setdefault("TEST", {})
    settings.DATABASES["default"]["TEST"]["NAME"] = f"{settings.DATABASES['default']['NAME']}_{suffix}"
    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        raise SystemExit("This benchmark measures PostgreSQL (COPY, percentile_cont): set DATABASE_URL to a "
                         "PostgreSQL database, e.g. postgres://postgres@127.0.0.1:5432/controltower.")
    settings.DEBUG = False  # measure as in production (no query log kept in memory)
    django.setup()
    logging.disable(logging.INFO)  # sign-in chatter of the test client
    with _django.bench_database(keep=keep):
        # The test environment instruments template rendering for assertions (a signal with a copy
        # of every context); production does not, so the measurement does not either.
        from django.template import Template
        from django.test.utils import _TestState

        Template._render = _TestState.saved_data.template_render  # type: ignore[attr-defined,method-assign]
        yield


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stores", type=int, default=200)
    parser.add_argument("--open", type=int, default=100_000)
    parser.add_argument("--closed", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=30, help="timed requests per dashboard")
    parser.add_argument("--baseline-runs", type=int, default=2, help="timed Odoo computations per scope")
    parser.add_argument("--profile", action="store_true", help="only show the slowest queries of each dashboard")
    parser.add_argument("--explain", type=int, default=0, help="with --profile: query plans of the N slowest")
    parser.add_argument("--memory-rounds", type=int, default=10, help="requests of every dashboard for the RSS")
    parser.add_argument("--memory-only", action="store_true", help="only measure the web process's memory")
    parser.add_argument("--keep", action="store_true", help="keep the seeded database and reuse it when a later "
                        "run asks for the same size (no Odoo baseline then)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the Odoo baseline (e.g. at scale x10)")
    args = parser.parse_args()
    # A kept database is named by its size, so a default-size and a x10 network can be kept side by side.
    suffix = f"dashboards_bench_{args.stores}_{args.open}_{args.closed}" if args.keep else "dashboards_bench"
    with bench_db(suffix, keep=args.keep):
        from django.db import connection
        from django.utils import timezone

        from apps.odoo_gateway import OdooConfig, OdooGateway
        from apps.odoo_sandbox.testing import running_sandbox
        from tests.odoo_ready import portal_ready

        now = timezone.now()
        seeded = seeded_before(args) if args.keep else None
        if seeded is None:
            if args.keep:  # a kept database of another size: start again
                from django.core.management import call_command

                call_command("flush", interactive=False, verbosity=0)
            started = time.perf_counter()
            seeded = seed_portal(args, now)
            vacuum_analyze()
            print(f"seeded {args.stores} stores, {args.open} open and {args.closed} closed items on "
                  f"{connection.vendor} in {time.perf_counter() - started:.0f} s")
            started = time.perf_counter()
            cells = rollups_build()
            print(f"rollups: {cells} cells (store, day, kind) rebuilt from the rows in "
                  f"{time.perf_counter() - started:.0f} s", flush=True)
        else:
            print(f"reusing the kept database: {args.stores} stores, {args.open + args.closed} items", flush=True)
        people, region, store = seeded["people"], seeded["regions"][0], seeded["stores"][0]
        region_warehouses = [s.odoo_warehouse_id for s in seeded["stores"] if s.region_id == region.pk]
        cases: list[tuple[str, Any, str, list[int] | None]] = [
            ("HQ page", people["hq"], "/dashboards/hq/", None),
            ("HQ tiles panel", people["hq"], "/dashboards/hq/panels/tiles/", None),
            ("HQ regions panel", people["hq"], "/dashboards/hq/panels/regions/", None),
            ("region page", people["regional"], f"/dashboards/region/{region.code}/", region_warehouses),
            ("region stores panel", people["regional"], f"/dashboards/region/{region.code}/panels/stores/",
             region_warehouses),
            ("store page", people["store"], f"/dashboards/store/{store.code}/", [store.odoo_warehouse_id]),
        ]
        if args.profile:
            for _, user, url, _ in cases:
                profile_portal(user, url, explain=args.explain)
            return
        memory = measure_web_memory(cases, args.memory_rounds)
        from controltower.runtime import heap_freeze

        heap_freeze()  # the requests below run in this process: frozen as the web process is (controltower/asgi.py)
        print(f"web process (uvicorn, 1 process): {memory['started']:.0f} MB after start, {memory['after']:.0f} MB "
              f"after {memory['requests']:.0f} cold dashboard requests, peak {memory['peak']:.0f} MB "
              f"(target <= 250 MB)", flush=True)
        if args.memory_only:
            return
        results = {name: measure_portal(user, url, args.runs, cached=False) for name, user, url, _ in cases}
        for name, user, url, _ in cases:
            results[name]["warm"] = measure_portal(user, url, args.runs, cached=True)
        if args.no_baseline or seeded["items"] is None:
            print_results(results, None)
            return
        started = time.perf_counter()
        with running_sandbox(seed_network=True) as server:
            portal_ready(server)  # the store field, as odoo_setup adds it to a stock Odoo
            projects = seed_sandbox(server, seeded)
            print(f"sandbox seeded in {time.perf_counter() - started:.0f} s")
            odoo = OdooGateway(OdooConfig(url=server.url, db=server.db, login="admin", password="admin",
                                          timeout=900))
            odoo.version()
            baseline: dict[str, dict[str, float]] = {}
            for name, _, _, warehouses in cases:
                key = "network" if warehouses is None else str(len(warehouses))
                if key not in baseline:
                    baseline[key] = measure_baseline(odoo, projects, warehouses, args.baseline_runs, 7)
                results[name]["baseline"] = baseline[key]
    print_results(results, baseline)


def print_results(results: dict[str, dict[str, Any]], baseline: dict[str, Any] | None) -> None:
    import os

    print("load average (1, 5, 15 min) at the end: " + ", ".join(f"{load:.1f}" for load in os.getloadavg()))
    print(f"{'dashboard':<22} {'cold p50':>9} {'p95 ms':>7} {'queries':>8} | {'warm p50':>9} {'p95 ms':>7}"
          + (f" | {'Odoo p50 s':>10} {'p95 s':>7} {'RPCs':>5} | {'x faster cold p95':>17}" if baseline else ""))
    for name, r in results.items():
        w = r["warm"]
        line = (f"{name:<22} {r['p50'] * 1000:>9.1f} {r['p95'] * 1000:>7.1f} {r['queries']:>8} | "
                f"{w['p50'] * 1000:>9.1f} {w['p95'] * 1000:>7.1f}")
        if baseline:
            b = r["baseline"]
            line += (f" | {b['p50']:>10.2f} {b['p95']:>7.2f} {b['calls']:>5.0f} | {b['p95'] / r['p95']:>17.0f}")
        print(line)


if __name__ == "__main__":
    main()
