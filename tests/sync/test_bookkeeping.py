"""What a sync run costs besides its records: the run record, the lease and the cursor. An
incremental run of a few changes is mostly one Odoo read, so its own statements are few and fixed,
and a run trusts the feed it has just read only as far as a compare-and-set allows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.odoo_gateway.values import format_odoo_datetime
from apps.sync.engine import feed_sync
from apps.sync.lease import Lease
from apps.sync.models import Feed, MirrorRecord, RunKind, RunStatus, SyncRun
from tests.sync.test_sync import demo_stores, feed

__all__ = ["demo_stores"]
pytestmark = pytest.mark.django_db


def test_a_stale_view_of_a_free_feed_never_takes_a_live_lease(demo_stores) -> None:
    tasks = feed("incident-tasks")
    seen = Feed.objects.get(pk=tasks.pk)  # read while free
    holder = SyncRun.objects.create(feed=tasks, kind=RunKind.INCREMENTAL)
    Feed.objects.filter(pk=tasks.pk).update(lease_run=holder, lease_expires_at=timezone.now() + timedelta(seconds=30))
    late = SyncRun.objects.create(feed=tasks, kind=RunKind.INCREMENTAL)
    assert Lease.claim(seen, late) is None
    assert Feed.objects.get(pk=tasks.pk).lease_run_id == holder.pk

    Feed.objects.filter(pk=tasks.pk).update(lease_expires_at=timezone.now() - timedelta(seconds=1))
    lease = Lease.claim(seen, late)  # the holder lapsed: the stale view is re-read, the feed taken
    assert lease is not None
    assert lease.interrupted is not None
    assert lease.interrupted.pk == holder.pk
    assert Feed.objects.get(pk=tasks.pk).lease_run_id == late.pk


def test_an_incremental_run_costs_a_fixed_handful_of_statements(odoo, demo_stores) -> None:
    tasks = feed("incident-tasks")
    assert feed_sync(tasks).status == RunStatus.OK
    changed = sorted(MirrorRecord.objects.filter(feed=tasks).values_list("odoo_id", flat=True))[:3]
    odoo.write("project.task", changed, {"priority": "1"})
    with CaptureQueriesContext(connection) as queries:
        run = feed_sync(tasks)
    assert run.status == RunStatus.OK, run.error
    assert run.kind == RunKind.INCREMENTAL
    assert run.rpc_calls == 1  # the one read, made while the run record and the lease were written
    statements = [query["sql"] for query in queries.captured_queries]
    # Two transactions (savepoints inside the test's own transaction), none nested: the run record with
    # the claim, and the page with the cursor, the release and the run's outcome.
    assert len([sql for sql in statements if sql.startswith("SAVEPOINT")]) == 2
    assert len(statements) <= 14, "\n".join(statements)
    assert sum(1 for sql in statements if sql.startswith('UPDATE "sync_feed"')) == 2  # claim; cursor and release
    assert sum(1 for sql in statements if sql.startswith('UPDATE "sync_syncrun"')) == 1  # the outcome
    feed_row = Feed.objects.get(pk=tasks.pk)
    assert feed_row.lease_run_id is None
    assert feed_row.last_success_at is not None
    # The cursor reached the changes (in the same second as the full run it may not move) and was saved
    # with the release.
    assert run.cursor_after >= run.cursor_before
    assert run.cursor_after == f"{format_odoo_datetime(feed_row.cursor_write_date)}#{feed_row.cursor_id}"
    run.refresh_from_db()
    assert (run.status, run.rpc_calls) == (RunStatus.OK, 1)
    assert run.fetched >= 3
    assert run.finished_at is not None
    assert run.lag_seconds is not None
    assert all(MirrorRecord.objects.get(feed=tasks, odoo_id=odoo_id).values["priority"] == "1" for odoo_id in changed)


def test_a_run_that_finds_its_feed_busy_reads_nothing_from_odoo(odoo, demo_stores) -> None:
    tasks = feed("incident-tasks")
    holder = SyncRun.objects.create(feed=tasks, kind=RunKind.FULL)
    Feed.objects.filter(pk=tasks.pk).update(lease_run=holder, lease_expires_at=timezone.now() + timedelta(seconds=30))
    before = odoo.rpc_count
    assert feed_sync(tasks, gateway=odoo).status == RunStatus.SKIPPED
    assert odoo.rpc_count == before
    assert not MirrorRecord.objects.filter(feed=tasks).exists()
