"""Load: 50 signed-in people at once on two uvicorn processes (PostgreSQL + Redis), each browsing the
approval inbox, the incident list and their region's dashboard and approving a request every 10 s.
Every session also asks a bare Django view through the same servers: the baseline of the same run.
Targets: 0 errors, inbox and dashboard p95 <= 1 s, PostgreSQL connections <= 2 x CT_DB_POOL_MAX_SIZE.
Also printed: the CPU the web processes, the load generator (this process) and PostgreSQL's backends
used per request, and the machine's load average (other work on the machine stretches every time).

    redis-server --port 6394 --save '' --appendonly no --daemonize yes
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ct_load REDIS_URL=redis://127.0.0.1:6394/0 \\
        .venv/bin/python bench/load.py
    ... bench/load.py --sessions 10 --seconds 20 --open 2000 --closed 10000   # a quick look

The benchmark uses its own throw-away database (`<name>_load_bench`) and Redis database 11.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from typing import Any

import _django  # puts the project on sys.path and selects the settings
from dashboards import bench_db, percentile, seed_portal, vacuum_analyze

PAGES = {"inbox": "/approvals/", "incidents": "/incidents/", "dashboard": "/dashboards/region/{region}/",
         "bare": "/bench/bare/"}
WEIGHTS = {"inbox": 4, "incidents": 3, "dashboard": 3, "bare": 2}


def people(count: int, regions: list[Any]) -> list[tuple[Any, str]]:
    """Regional managers, each of one region (they decide), and a few HQ executives."""
    from django.contrib.auth import get_user_model

    from apps.organisation.roles import Role
    from apps.organisation.services import role_grant

    made = []
    for n in range(count):
        user = get_user_model().objects.create_user(username=f"load-{n}")
        region = regions[n % len(regions)]
        if n % 10 == 9:
            role_grant(user=user, role=Role.HQ_EXECUTIVE)
        else:
            role_grant(user=user, role=Role.REGIONAL_MANAGER, region=region)
        made.append((user, region.code))
    return made


def sign_in(user: Any) -> dict[str, str]:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return {"sessionid": client.cookies["sessionid"].value}


def decidable(region_code: str, count: int, taken: set[int]) -> list[int]:
    """Open requests of the region no other session will decide (a second decision would be a 400)."""
    from apps.approvals.models import ApprovalRequest, ApprovalStatus

    rows = ApprovalRequest.objects.filter(status=ApprovalStatus.OPEN, store__region__code=region_code)
    picked = [pk for pk in rows.exclude(pk__in=taken).order_by("?").values_list("pk", flat=True)[:count]]
    taken.update(picked)
    return picked


def start_servers(port: int, database_url: str, redis_url: str, pool: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench._load_settings", "DATABASE_URL": database_url,
           "REDIS_URL": redis_url, "DJANGO_DEBUG": "false", "CT_LOG_LEVEL": "WARNING",
           "CT_DB_POOL_MAX_SIZE": str(pool), "PYTHONPATH": str(_django.ROOT),
           "CT_VAR_DIR": tempfile.mkdtemp(prefix="ct-load-"), "CT_STATIC_ROOT": tempfile.mkdtemp(prefix="ct-static-")}
    from django.conf import settings

    env["DJANGO_SECRET_KEY"] = settings.SECRET_KEY
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "controltower.asgi:application", "--host", "127.0.0.1",
                               "--port", str(port), "--workers", "2", "--log-level", "warning", "--no-access-log"],
                              env=env, cwd=str(_django.ROOT))
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
            return server
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise RuntimeError("the web processes did not start") from None
            time.sleep(0.3)


def cpu_seconds(pid: int, *, children: bool = True) -> float:
    """CPU (user + system) of a process and its live children (the uvicorn workers), from /proc."""
    total, ticks = 0.0, os.sysconf("SC_CLK_TCK")
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            with open(f"/proc/{current}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
            if not children:
                continue
            with open(f"/proc/{current}/task/{current}/children") as children:
                pending += [int(child) for child in children.read().split()]
        except (OSError, ValueError, IndexError):
            continue
    return total


async def session(base: str, cookies: dict[str, str], region: str, decide: list[int], until: float,
                  timings: dict[str, list[float]], errors: list[str], think: float) -> None:
    import httpx

    rng = random.Random()
    kinds, weights = list(WEIGHTS), list(WEIGHTS.values())
    async with httpx.AsyncClient(base_url=base, cookies=cookies, timeout=30, follow_redirects=False) as client:
        await asyncio.sleep(rng.uniform(0, think))
        await client.get(PAGES["inbox"])  # signed in, with the CSRF cookie a decision needs
        next_decision = time.monotonic() + rng.uniform(0, 10)
        while time.monotonic() < until:
            if decide and time.monotonic() >= next_decision:
                kind, method, url = "decision", "POST", f"/approvals/{decide.pop()}/decide/"
                next_decision += 10
            else:
                kind = rng.choices(kinds, weights)[0]
                method, url = "GET", PAGES[kind].format(region=region)
            started = time.perf_counter()
            try:
                if method == "POST":
                    token = client.cookies.get("csrftoken") or ""
                    response = await client.post(url, data={"outcome": "approve", "from": "row"},
                                                 headers={"X-CSRFToken": token, "HX-Request": "true",
                                                          "Referer": base + "/approvals/"})
                else:
                    response = await client.get(url)
                elapsed = time.perf_counter() - started
                if response.status_code >= 400 or (response.status_code >= 300 and kind != "decision"):
                    errors.append(f"{kind} {url}: {response.status_code}")
                else:
                    timings[kind].append(elapsed)
                    timings[f"{kind} bytes"].append(len(response.content))
            except httpx.HTTPError as exc:
                errors.append(f"{kind} {url}: {exc.__class__.__name__}")
            await asyncio.sleep(rng.uniform(0.5, 1.5) * think)


async def sample_connections(database: str, until: float, samples: list[int], backends: dict[int, float]) -> None:
    """Connections to the database every 0.5 s, and the CPU each backend process has used (PostgreSQL on
    this machine: /proc), its last reading kept."""
    import psycopg

    async with await psycopg.AsyncConnection.connect("dbname=postgres host=127.0.0.1 user=postgres",
                                                     autocommit=True) as conn:
        while time.monotonic() < until:
            cursor = await conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", [database])
            pids = [int(row[0]) for row in await cursor.fetchall()]
            samples.append(len(pids))
            for pid in pids:
                backends[pid] = cpu_seconds(pid, children=False)
            await asyncio.sleep(0.5)


async def run_load(base: str, logins: list[tuple[dict[str, str], str, list[int]]], seconds: float, think: float,
                   database: str) -> tuple[dict[str, list[float]], list[str], list[int], float]:
    timings: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []
    samples: list[int] = []
    backends: dict[int, float] = {}
    until = time.monotonic() + seconds
    await asyncio.gather(sample_connections(database, until, samples, backends),
                         *(session(base, cookies, region, decide, until, timings, errors, think)
                           for cookies, region, decide in logins))
    return timings, errors, samples, sum(backends.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=90)
    parser.add_argument("--think", type=float, default=2.0, help="mean seconds between a person's requests")
    parser.add_argument("--stores", type=int, default=50)
    parser.add_argument("--open", type=int, default=10_000)
    parser.add_argument("--closed", type=int, default=50_000)
    parser.add_argument("--pool", type=int, default=8, help="CT_DB_POOL_MAX_SIZE of each web process")
    args = parser.parse_args()
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6394/0").rsplit("/", 1)[0] + "/11"
    if "6379" in redis_url:
        raise SystemExit("Use a Redis of your own (e.g. redis-server --port 6394), not the shared one on 6379.")
    with bench_db("load_bench"):
        from django.db import connection
        from django.utils import timezone

        seeded = seed_portal(args, timezone.now())
        vacuum_analyze()
        regions = seeded["regions"]
        logins, taken = [], set()
        for user, region_code in people(args.sessions, regions):
            logins.append((sign_in(user), region_code, decidable(region_code, int(args.seconds / 10) + 2, taken)))
        db = connection.settings_dict
        database_url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        connection.close()
        connection.close_pool()  # this process holds no connection while the servers are measured
        server = start_servers(port, database_url, redis_url, args.pool)
        try:
            print(f"{args.sessions} sessions for {args.seconds:.0f} s on 2 uvicorn processes (pool {args.pool} "
                  f"each): {args.stores} stores, {args.open} open and {args.closed} closed items", flush=True)
            server_cpu, client_cpu, load_before = cpu_seconds(server.pid), time.process_time(), os.getloadavg()
            timings, errors, samples, database_cpu = asyncio.run(run_load(
                f"http://127.0.0.1:{port}", logins, args.seconds, args.think, db["NAME"]))
            server_cpu, client_cpu = cpu_seconds(server.pid) - server_cpu, time.process_time() - client_cpu
        finally:
            server.terminate()
            server.wait(timeout=30)
    bare = percentile(timings["bare"], 0.95) if timings["bare"] else float("nan")
    print(f"{'request':<10} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'KiB':>6} {'p95/bare':>9}")
    for kind in ("inbox", "incidents", "dashboard", "decision", "bare"):
        values = timings[kind]
        if not values:
            continue
        size = sum(timings[f"{kind} bytes"]) / len(values) / 1024
        p50, p95 = percentile(values, 0.5), percentile(values, 0.95)
        print(f"{kind:<10} {len(values):>6} {p50 * 1000:>8.0f} {p95 * 1000:>8.0f} {max(values) * 1000:>8.0f} "
              f"{size:>6.1f} {p95 / bare:>9.1f}")
    total = sum(len(timings[k]) for k in PAGES) + len(timings["decision"])
    print(f"requests {total} ({total / args.seconds:.1f}/s), errors {len(errors)}; PostgreSQL connections to the "
          f"database: max {max(samples, default=0)}, mean {sum(samples) / max(1, len(samples)):.1f} "
          f"(bound 2 x {args.pool} = {2 * args.pool})")
    print(f"CPU: web processes {server_cpu:.1f} s ({server_cpu / max(1, total) * 1000:.0f} ms a request), load "
          f"generator {client_cpu:.1f} s ({client_cpu / max(1, total) * 1000:.1f} ms a request), PostgreSQL "
          f"{database_cpu:.1f} s ({database_cpu / max(1, total) * 1000:.0f} ms a request); load average "
          f"{load_before[0]:.1f} before, {os.getloadavg()[0]:.1f} after")
    for error in errors[:10]:
        print("  error:", error)


if __name__ == "__main__":
    main()
