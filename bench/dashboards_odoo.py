"""The dashboards benchmark's baseline: the same figures computed from Odoo (the sandbox) with
read_group and search_read over RPC (see dashboards.py)."""

from __future__ import annotations

import datetime as dt
import statistics
import time
from collections import defaultdict
from typing import Any

from _django import percentile

KINDS = ("approvals", "incidents", "exceptions")


def seed_sandbox(server: Any, seeded: dict[str, Any]) -> dict[str, int]:
    """Put the same items into the sandbox's tables directly (creating a million records over RPC
    would take hours); the figures are then read back over RPC like any client would."""
    store = server.sandbox.store
    warehouses = store.table("stock.warehouse")
    template = next(iter(warehouses.values()))
    for portal_store in seeded["stores"]:
        warehouses[portal_store.odoo_warehouse_id] = {**template, "id": portal_store.odoo_warehouse_id,
                                                      "name": portal_store.name, "code": portal_store.code}
    projects = {kind: server.execute("admin", "project.project", "create", [{"name": f"Bench {kind}"}])
                for kind in KINDS}
    probe = server.execute("admin", "project.task", "create", [{"name": "probe", "project_id": projects["incidents"]}])
    tasks = store.table("project.task")
    base = dict(tasks[probe])
    fmt = "%Y-%m-%d %H:%M:%S"
    next_id = probe + 1
    for item in seeded["items"]:
        tasks[next_id] = {**base, "id": next_id, "name": "item", "project_id": projects[item.kind],
                          "x_store_warehouse_id": seeded["stores"][item.store].odoo_warehouse_id,
                          "create_date": item.opened.strftime(fmt), "date_deadline": item.deadline.strftime(fmt),
                          "date_last_stage_update": (item.finished or item.opened).strftime(fmt),
                          "state": "01_in_progress" if item.finished is None else "1_done",
                          "priority": "1" if item.compliance else "0"}
        next_id += 1
    store.reserve_ids("project.task", next_id)
    return projects


def odoo_figures(odoo: Any, projects: dict[str, int], warehouses: list[int] | None, days: int) -> dict[str, Any]:
    """The dashboard's figures computed from Odoo: read_group for the counts, search_read for what a
    domain cannot express (finished before the deadline, durations for percentiles)."""
    fmt = "%Y-%m-%d %H:%M:%S"
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    start, prev = (now - dt.timedelta(days=days)).strftime(fmt), (now - dt.timedelta(days=2 * days)).strftime(fmt)
    scope = [["project_id", "in", list(projects.values())]]
    if warehouses is not None:
        scope.append(["x_store_warehouse_id", "in", warehouses])
    is_open = [["state", "not in", ["1_done", "1_canceled"]]]
    grouped = ["x_store_warehouse_id", "project_id"]
    task = "project.task"
    open_counts = odoo.read_group(task, [*scope, *is_open], ["__count"], grouped, lazy=False)
    overdue = odoo.read_group(task, [*scope, *is_open, ["date_deadline", "<", now.strftime(fmt)]], ["__count"],
                              grouped, lazy=False)
    due = odoo.search_read(task, [*scope, ["date_deadline", ">=", prev], ["date_deadline", "<", now.strftime(fmt)]],
                           ["date_deadline", "date_last_stage_update", "state", "x_store_warehouse_id", "project_id",
                            "priority"])
    done = odoo.search_read(task, [*scope, ["state", "=", "1_done"], ["date_last_stage_update", ">=", prev]],
                            ["create_date", "date_last_stage_update", "x_store_warehouse_id", "project_id"])
    opened = odoo.read_group(task, [*scope, ["create_date", ">=", prev]], ["__count"],
                             ["project_id", "create_date:day"], lazy=False)
    met: dict[Any, int] = defaultdict(int)
    for row in due:
        if row["state"] == "1_done" and row["date_last_stage_update"] <= row["date_deadline"]:
            met[(row["x_store_warehouse_id"][0], row["date_deadline"] >= start)] += 1
    spans: dict[Any, list[float]] = defaultdict(list)
    for row in done:
        finished = dt.datetime.strptime(row["date_last_stage_update"], fmt)
        spans[row["project_id"][0]].append((finished - dt.datetime.strptime(row["create_date"], fmt)).total_seconds())
    medians = {key: statistics.median(values) for key, values in spans.items() if values}
    return {"open": len(open_counts), "overdue": len(overdue), "met": len(met), "medians": medians,
            "opened": len(opened)}


def measure_baseline(odoo: Any, projects: dict[str, int], warehouses: list[int] | None, runs: int,
                     days: int) -> dict[str, float]:
    calls_before, times = odoo.rpc_count, []
    for _ in range(runs):
        started = time.perf_counter()
        odoo_figures(odoo, projects, warehouses, days)
        times.append(time.perf_counter() - started)
    return {"p50": percentile(times, 0.5), "p95": percentile(times, 0.95),
            "calls": (odoo.rpc_count - calls_before) / runs}
