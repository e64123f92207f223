"""The lease a sync run holds on its feed: a dead or hung run never holds a feed for long."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone, translation

from apps.sync import conf
from apps.sync.engine import feed_sync
from apps.sync.lease import Lease
from apps.sync.models import Feed, MirrorRecord, RunKind, RunStatus, SyncRun
from tests.sync.test_sync import demo_stores, feed, odoo_ids

__all__ = ["demo_stores"]


def leave_dead(run: SyncRun, purchase: Feed, *, seconds_ago: float) -> None:
    """What a killed worker leaves behind: its run still running, its lease last renewed long ago."""
    SyncRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, finished_at=None, error="")
    Feed.objects.filter(pk=purchase.pk).update(
        lease_run=run, running_since=run.started_at,
        lease_expires_at=timezone.now() - timedelta(seconds=seconds_ago))


@pytest.mark.django_db
def test_it_takes_over_a_dead_first_import_and_continues_it_from_the_last_applied_batch(
        odoo, odoo_server, demo_stores) -> None:
    purchase = feed("purchase-orders", batch_size=2)
    total = len(odoo_ids(odoo, "purchase.order", [["state", "=", "to approve"]]))
    assert total > 4

    def die_after_first_batch(run: SyncRun) -> None:
        odoo_server.faults.down = True

    dead = feed_sync(purchase, progress=die_after_first_batch)
    odoo_server.faults.down = False
    assert dead.kind == RunKind.FULL
    applied = MirrorRecord.objects.filter(feed=purchase).count()
    assert 0 < applied < total
    leave_dead(dead, purchase, seconds_ago=1)

    taker = feed_sync(purchase)
    assert taker.status == RunStatus.OK, taker.error
    assert taker.kind == RunKind.FULL  # the import goes on, only over what it had not applied
    assert taker.fetched <= total - applied + 2
    dead.refresh_from_db()
    assert dead.status == RunStatus.INTERRUPTED
    assert f"run {taker.pk} took the feed over" in dead.error
    assert dead.finished_at is not None
    assert MirrorRecord.objects.filter(feed=purchase).open().count() == total
    purchase.refresh_from_db()
    assert purchase.lease_run is None
    assert purchase.lease_expires_at is None
    assert purchase.last_poll_started_at is not None
    assert purchase.last_poll_started_at <= dead.started_at  # changes made while the dead run ran stay ahead


@pytest.mark.django_db
def test_it_leaves_a_live_lease_alone_and_frees_a_lapsed_one(odoo, demo_stores) -> None:
    purchase = feed("purchase-orders")
    holder = SyncRun.objects.create(feed=purchase, kind=RunKind.INCREMENTAL)
    Feed.objects.filter(pk=purchase.pk).update(lease_run=holder, running_since=timezone.now(),
                                                lease_expires_at=timezone.now() + timedelta(seconds=50))
    assert feed_sync(purchase).status == RunStatus.SKIPPED
    holder.refresh_from_db()
    assert holder.status == RunStatus.RUNNING
    leave_dead(holder, purchase, seconds_ago=0.5)
    taker = feed_sync(purchase)
    assert taker.status == RunStatus.OK, taker.error
    assert taker.kind == RunKind.FULL  # the holder never applied a batch: the first import starts
    holder.refresh_from_db()
    assert holder.status == RunStatus.INTERRUPTED


@pytest.mark.django_db
@pytest.mark.usefixtures("compiled_catalogs")
def test_a_run_that_lost_its_lease_commits_nothing_more_and_leaves_the_feed_to_its_taker(
        odoo, demo_stores) -> None:
    purchase = feed("purchase-orders", batch_size=2)
    taker: list[SyncRun] = []

    def hang_then_lose_the_feed(run: SyncRun) -> None:
        if not taker:  # as if this run hung past its lease and another took the feed
            other = SyncRun.objects.create(feed=purchase, kind=RunKind.INCREMENTAL)
            Feed.objects.filter(pk=purchase.pk).update(lease_run=other)
            taker.append(other)

    run = feed_sync(purchase, progress=hang_then_lose_the_feed)
    assert run.status == RunStatus.INTERRUPTED
    assert run.error == f"LeaseLost: Run {run.pk} lost the feed's lease to another run."
    with translation.override("fr"):  # the portal's own words, read in the reader's language
        assert run.error_text == (f"LeaseLost : La synchronisation {run.pk} a perdu le bail du flux au profit "
                                  "d\u2019une autre.")
    assert MirrorRecord.objects.filter(feed=purchase).count() == 2  # the next batch was rolled back
    purchase.refresh_from_db()
    assert purchase.lease_run_id == taker[0].pk  # not released: it belongs to the taker


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_renews_the_lease_while_a_batch_is_slow(monkeypatch, db) -> None:
    monkeypatch.setattr(conf, "SYNC_LEASE_RENEW_SECONDS", 0.1)
    purchase = Feed.objects.create(slug="slow", name="Slow", kind="health", odoo_model="purchase.order")
    run = SyncRun.objects.create(feed=purchase, kind=RunKind.FULL)
    claimed = Lease.claim(purchase, run)
    assert claimed is not None
    first = Feed.objects.get(pk=purchase.pk).lease_expires_at
    assert first is not None
    with claimed.keep_alive():
        time.sleep(0.5)  # a slow batch: the run itself renews nothing meanwhile
    renewed = Feed.objects.get(pk=purchase.pk).lease_expires_at
    assert renewed is not None
    assert renewed > first
    assert claimed.release()


@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_process_loses_its_feed_to_the_next_run(odoo, odoo_server, demo_stores, monkeypatch) -> None:
    """A real `sync_odoo` process killed (SIGKILL) in the middle of a first import: its lease holds
    the feed while it is fresh, then the next run takes over and finishes the import."""
    import os
    import signal
    import subprocess
    import sys
    from pathlib import Path

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("a worker process shares the test database only on PostgreSQL (CI sets DATABASE_URL)")
    purchase = feed("purchase-orders", batch_size=2)
    total = len(odoo_ids(odoo, "purchase.order", [["state", "=", "to approve"]]))
    odoo_server.faults.latency = 0.3  # a slow Odoo: the worker is still importing when it is killed
    database = connection.settings_dict
    env = {**os.environ, "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/"
                                         f"{database['NAME']}",
           "ODOO_URL": odoo_server.url, "ODOO_DB": odoo_server.db, "ODOO_LOGIN": "admin", "ODOO_PASSWORD": "admin",
           "CT_SYNC_LEASE_SECONDS": "2", "CT_SYNC_LEASE_RENEW_SECONDS": "0.3"}
    env.pop("REDIS_URL", None)
    worker = subprocess.Popen([sys.executable, "manage.py", "sync_odoo", "--feed", purchase.slug, "--no-reconcile"],
                              cwd=Path(__file__).resolve().parents[2], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while MirrorRecord.objects.filter(feed=purchase).count() < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert MirrorRecord.objects.filter(feed=purchase).count() >= 2, "the worker applied no batch"
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    odoo_server.faults.latency = 0
    dead = SyncRun.objects.get(feed=purchase, status=RunStatus.RUNNING)
    assert feed_sync(purchase).status == RunStatus.SKIPPED  # its lease is still fresh
    purchase.refresh_from_db()
    assert purchase.lease_expires_at is not None
    time.sleep(max(0.0, (purchase.lease_expires_at - timezone.now()).total_seconds()) + 0.1)
    taker = feed_sync(purchase)
    assert taker.status == RunStatus.OK, taker.error
    assert taker.kind == RunKind.FULL
    dead.refresh_from_db()
    assert dead.status == RunStatus.INTERRUPTED
    assert MirrorRecord.objects.filter(feed=purchase).open().count() == total
