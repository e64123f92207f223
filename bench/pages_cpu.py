"""CPU per request of the pages the load benchmark asks, in one process (Django's test client, no server):
the approval inbox, the incident list, the region dashboard (cold and warm) and an approval decision, each
as a regional manager of the database `bench/load.py` seeds, beside a bare Django view through the same
middleware in the same run. Prints the median and p90 of N requests (process CPU time, so other work on
the machine does not count) with the queries each request makes.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ct_load REDIS_URL=redis://127.0.0.1:6394/0 \\
        .venv/bin/python bench/pages_cpu.py [--runs 40] [--profile inbox] [--top 30]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from typing import Any

os.environ["DJANGO_SETTINGS_MODULE"] = "bench._load_settings"
import _django  # noqa: F401  (the project on sys.path)
from dashboards import bench_db, percentile, seed_portal, vacuum_analyze


def measure(call: Callable[[], Any], runs: int) -> dict[str, float]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call()
    call()
    times = []
    for _ in range(runs):
        started = time.process_time()
        call()
        times.append(time.process_time() - started)
    with CaptureQueriesContext(connection) as queries:
        call()
    return {"p50": percentile(times, 0.5), "p90": percentile(times, 0.9), "queries": len(queries)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--stores", type=int, default=50)
    parser.add_argument("--open", type=int, default=10_000)
    parser.add_argument("--closed", type=int, default=50_000)
    parser.add_argument("--profile", nargs="+", choices=("inbox", "incidents", "dashboard", "decision", "bare"),
                        help="print the hottest functions of these requests (cProfile)")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--sql", choices=("inbox", "incidents", "dashboard", "decision", "bare"),
                        help="print the queries of one such request")
    args = parser.parse_args()
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6394/0")
    if "6379" in redis_url:
        raise SystemExit("Use a Redis of your own (e.g. redis-server --port 6394), not the shared one on 6379.")
    os.environ["REDIS_URL"] = redis_url.rsplit("/", 1)[0] + "/12"  # a database of its own: it is flushed
    with bench_db("pages_bench"):
        from django.core.cache import cache
        from django.test import Client
        from django.utils import timezone

        from apps.approvals.models import ApprovalRequest, ApprovalStatus
        from apps.dashboards import conf as dashboards_conf

        seeded = seed_portal(args, timezone.now())
        vacuum_analyze()
        user = seeded["people"]["regional"]
        region = seeded["regions"][0].code
        client = Client()
        client.force_login(user)
        client.get("/approvals/")
        token = client.cookies["csrftoken"].value
        open_ids = list(ApprovalRequest.objects.filter(status=ApprovalStatus.OPEN, store__region__code=region)
                        .order_by("pk").values_list("pk", flat=True))

        def get(url: str) -> Callable[[], Any]:
            def call() -> Any:
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)
            return call

        def decide() -> None:
            response = client.post(f"/approvals/{open_ids.pop()}/decide/", {"outcome": "approve", "from": "row"},
                                   headers={"X-CSRFToken": token, "HX-Request": "true"})
            assert response.status_code == 200, response.status_code

        def dashboard_cold() -> None:
            cache.clear()
            get(f"/dashboards/region/{region}/")()

        calls: dict[str, Callable[[], Any]] = {
            "bare": get("/bench/bare/"), "inbox": get("/approvals/"), "incidents": get("/incidents/"),
            "dashboard": get(f"/dashboards/region/{region}/"), "dashboard cold": dashboard_cold, "decision": decide}
        dashboards_conf.CACHE_SECONDS = 60
        if args.sql:
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            calls[args.sql]()
            with CaptureQueriesContext(connection) as queries:
                calls[args.sql]()
            for query in queries:
                print(f"{float(query['time']) * 1000:6.1f} ms  {query['sql'][:args.top * 20]}")
            return
        if args.profile:
            import cProfile
            import pstats

            for name in args.profile:
                call = calls[name]
                call()
                call()
                profiler = cProfile.Profile()
                profiler.enable()
                for _ in range(args.runs):
                    call()
                profiler.disable()
                print(f"==== {name}")
                pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(args.top)
                pstats.Stats(profiler, stream=sys.stdout).sort_stats("tottime").print_stats(args.top)
            return
        results = {name: measure(call, args.runs) for name, call in calls.items()}
    bare = results["bare"]["p50"]
    print(f"CPU per request, median of {args.runs} (regional manager, {args.stores} stores, {args.open} open and "
          f"{args.closed} closed items)")
    print(f"{'request':<15} {'p50 ms':>8} {'p90 ms':>8} {'queries':>8} {'p50/bare':>9}")
    for name, figures in results.items():
        print(f"{name:<15} {figures['p50'] * 1000:>8.1f} {figures['p90'] * 1000:>8.1f} {figures['queries']:>8} "
              f"{figures['p50'] / bare:>9.1f}")


if __name__ == "__main__":
    main()
