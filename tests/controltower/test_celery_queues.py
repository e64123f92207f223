"""Worker queues: every task of the project is routed by name to one of the four queues, and a
write-back is applied by the decisions worker while the other worker is held by a long sync (real
Celery workers on a Redis broker of the test's own)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import redis
from django.conf import settings

from controltower.celery import app
from tests.controltower.long_sync_task import NAME as LONG_SYNC  # loaded by the worker process
from tests.controltower.long_sync_task import RELEASED, STARTED

QUEUES = {"decisions", "sync", "webhooks", "housekeeping"}
EXPECTED = {  # what the README promises ("Worker queues"); a new task must be placed here on purpose
    "writeback.apply": "decisions", "writeback.dispatch": "decisions",
    "sync.sync_all_feeds": "sync", "sync.reconcile_all_feeds": "sync", "sync.refetch_hinted": "sync",
    "sync.prune_runs": "sync",
    "incidents.pull_threads": "sync",
    "incidents.adopt": "sync",
    "incidents.adopt_pending": "sync",
    "webhooks.deliver": "webhooks", "webhooks.dispatch": "webhooks", "webhooks.prune": "webhooks",
    "health.heartbeat": "housekeeping", "health.check": "housekeeping", "approvals.check_deadlines": "housekeeping",
    "directives.followup": "housekeeping", "directives.templates": "housekeeping",
    "incidents.escalate": "housekeeping", "integration.readiness": "housekeeping",
    "notifications.send_digests": "housekeeping", "operations.refresh_exceptions": "housekeeping",
    "operations.detect_unusual_patterns": "housekeeping", "portal.refresh_odoo_languages": "housekeeping",
    "dashboards.rollups_refresh": "housekeeping",
}


def _project_tasks() -> list[str]:
    app.loader.import_default_modules()
    return sorted(name for name, task in app.tasks.items()  # not Celery's own, nor tests' helpers
                  if task.__module__.startswith(("apps.", "controltower.")))


def _explicit_queue(name: str) -> str | None:
    """The queue a routing rule names for the task (not the default queue a forgotten task falls to)."""
    for router in app.amqp.routes:
        route = router(name, (), {}, {})
        if route:
            return str(route["queue"])
    return None


def test_every_task_is_routed_to_one_of_the_queues() -> None:
    assert set(settings.CELERY_QUEUE_NAMES) == QUEUES
    assert {q.name for q in app.conf.task_queues} == QUEUES  # a worker without -Q consumes them all
    routed = {name: _explicit_queue(name) for name in _project_tasks()}
    assert routed == EXPECTED
    for name, queue in routed.items():
        assert app.amqp.router.route({}, name)["queue"].name == queue


def test_every_scheduled_task_goes_where_its_route_says() -> None:
    from controltower.celery import collected_beat_schedule

    for entry in collected_beat_schedule().values():
        queue = entry.get("options", {}).get("queue") or _explicit_queue(entry["task"])
        assert queue in QUEUES, entry


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def redis_broker() -> Iterator[str]:
    """A Redis of the test's own (CT_TEST_REDIS_PORT, else a free port), the running app pointed at it."""
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed")
    port = int(os.environ.get("CT_TEST_REDIS_PORT") or _free_port())
    process = subprocess.Popen([server, "--port", str(port), "--save", "", "--appendonly", "no"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/15"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    before = (app.conf.broker_url, app.conf.broker_transport_options, app.conf.task_always_eager,
              app.conf.worker_hijack_root_logger)
    # The in-process worker must leave the test run's logging as it is.
    app.conf.broker_url, app.conf.broker_transport_options, app.conf.task_always_eager = url, {}, False
    app.conf.worker_hijack_root_logger = False
    app._pool, app.amqp._producer_pool = None, None  # the next send connects to the new broker
    try:
        yield url
    finally:
        app._pool, app.amqp._producer_pool = None, None
        (app.conf.broker_url, app.conf.broker_transport_options, app.conf.task_always_eager,
         app.conf.worker_hijack_root_logger) = before
        process.terminate()
        process.wait(timeout=10)


@contextmanager
def _worker_process(broker_url: str, queues: list[str]) -> Iterator[subprocess.Popen[bytes]]:
    """A real `celery worker` process on `queues` (one task at a time), stopped with SIGTERM after."""
    env = {**os.environ, "REDIS_URL": broker_url.rsplit("/", 1)[0] + "/15", "CELERY_TASK_ALWAYS_EAGER": "false"}
    process = subprocess.Popen([sys.executable, "-m", "celery", "-A", "controltower", "worker", "--pool", "solo",
                                "--queues", ",".join(queues), "--include", "tests.controltower.long_sync_task",
                                "--hostname", "rest@test", "--without-heartbeat", "--without-mingle",
                                "--without-gossip", "--loglevel", "WARNING"], env=env, cwd=settings.BASE_DIR)
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)


def _wait_for(check: Any, timeout: float) -> bool:
    from django.db import OperationalError

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return True
        except OperationalError:  # SQLite's shared test database briefly locked by a worker thread
            pass
        time.sleep(0.05)
    return False


@pytest.mark.django_db(transaction=True)
def test_a_decision_is_applied_while_a_long_sync_holds_the_other_worker(  # type: ignore[no-untyped-def]
        redis_broker, network, odoo, odoo_server, settings) -> None:
    from celery.contrib.testing.worker import start_worker
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("a worker thread beside the test needs PostgreSQL (CI sets DATABASE_URL)")

    from apps.approvals.models import ApprovalRequest
    from apps.approvals.services.decisions import decision_record
    from apps.writeback.models import WriteBack, WriteBackStatus
    from tests.approvals.support import approvals_sync, new_po

    settings.CT_APPROVAL_UNDO_SECONDS = 0
    order = new_po(odoo_server, warehouse_id=2)
    approvals_sync(odoo, ("purchase-orders",))
    request = ApprovalRequest.objects.get(odoo_model="purchase.order", odoo_id=order)
    client = redis.Redis.from_url(redis_broker)
    client.delete(STARTED, RELEASED)
    # The decisions worker runs in this process (it needs the test database); the other is a process of
    # its own: two workers in one process would share one event loop, which separate processes never do.
    with _worker_process(redis_broker, ["sync", "webhooks", "housekeeping"]), \
            start_worker(app, pool="solo", concurrency=1, perform_ping_check=False, hostname="decisions@test",
                         queues=["decisions"], shutdown_timeout=30):
        try:
            app.send_task(LONG_SYNC)
            assert app.amqp.router.route({}, LONG_SYNC)["queue"].name == "sync"
            assert _wait_for(lambda: client.exists(STARTED), 60), "the sync worker never took the long import"
            decision_record(request=request, actor=network.regional_north, outcome="approve", comment="ok")
            writeback = WriteBack.objects.get(kind="approval")
            assert _wait_for(lambda: WriteBack.objects.get(pk=writeback.pk).status == WriteBackStatus.APPLIED, 30)
            assert not client.exists(RELEASED)  # applied while the long sync still held the other worker
            assert odoo_server.execute("admin", "purchase.order", "read", [[order], ["state"]])[0]["state"] == \
                "purchase"
        finally:
            client.set(RELEASED, "1")
            app.amqp.queues.select(list(settings.CELERY_QUEUE_NAMES))  # as a worker without -Q
