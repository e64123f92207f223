"""Paging by (write_date, id) under Odoo's write_date precision, against the sandbox over real HTTP,
as Odoo 18 (JSON-RPC) and as Odoo 19 (JSON-2).

The sandbox stores write_date with microseconds, stamps one call's records alike and reads them to the
second, so a bulk write shares one second. Odoo 18 compares domains with the stored microseconds
(contract scenario 11): `= S` matches none of that second and `> S` all of it; Odoo 19 compares at the
whole second: `= S` matches all and `> S` none. The one keyset in paging.py is right on both.
"""

from __future__ import annotations

import math
import time
from io import StringIO

import pytest
from django.core.management import call_command

from apps.sync.engine import feed_sync
from apps.sync.models import Feed, FeedKind, MirrorRecord, RunKind, RunStatus, SyncRun
from tests.odoo_versions import EVERY_ODOO, major

pytestmark = pytest.mark.django_db

BULK = 5000
BATCH = 500


def task_reads(server) -> int:  # type: ignore[no-untyped-def]
    """search_read calls on project.task that reached the sandbox over HTTP."""
    return sum(1 for call in list(server.sandbox.calls)
               if call.transport != "inprocess" and call.model == "project.task" and call.method == "search_read")


def bulk_feed(project: int) -> Feed:
    # Kind "health" has no projector: this checks the engine's paging, not a domain app.
    return Feed.objects.create(
        slug="bulk-tasks", name="Bulk tasks", kind=FeedKind.HEALTH, odoo_model="project.task",
        base_domain=[["project_id", "=", project]], domain=[["state", "not in", ["1_done", "1_canceled"]]],
        fields=["name", "state", "priority"], batch_size=BATCH, overlap_seconds=1)


@EVERY_ODOO
def test_it_reads_a_bulk_write_once_per_record_on_a_full_and_an_incremental_sync(odoo, odoo_server) -> None:
    """5,000 tasks created in one Odoo call share one write_date second. Bounds:

    - full sync (`sync_odoo --full`): every record read exactly once, in ceil(5000 / 500) + 2
      search_read calls (the rest of the bulk second comes back empty, then the later seconds);
    - an incremental right after reads the overlap window at most once: 0 or 5,000 records, never
      more, never a partial second, and creates nothing;
    - once the window has passed, an incremental reads nothing, and after a write of 3 records in
      one call it reads exactly those 3.
    """
    project = odoo_server.execute("admin", "project.project", "create", [{"name": "Bulk import"}])
    ids = odoo_server.execute("admin", "project.task", "create",
                              [[{"name": f"Imported task {n}", "project_id": project} for n in range(BULK)]])
    assert len(ids) == BULK
    stamps = {row["write_date"] for row in odoo.search_read("project.task", [["id", "in", ids]], ["write_date"])}
    assert len(stamps) == 1  # one call, one stamp
    stamp = stamps.pop()
    on_19 = major(odoo_server) >= 19  # compared at the second: = S matches the whole bulk, > S none of it
    assert odoo.search_count("project.task", [["id", "in", ids], ["write_date", "=", stamp]]) == (BULK if on_19 else 0)
    assert odoo.search_count("project.task", [["id", "in", ids], ["write_date", ">", stamp]]) == (0 if on_19 else BULK)
    feed = bulk_feed(project)

    reads_before = task_reads(odoo_server)
    call_command("sync_odoo", "--full", "--feed", feed.slug, "--no-reconcile", stdout=StringIO())
    full = SyncRun.objects.get(feed=feed, kind=RunKind.FULL)
    assert full.status == RunStatus.OK, full.error
    assert full.fetched == BULK
    assert full.created == BULK
    assert task_reads(odoo_server) - reads_before <= math.ceil(BULK / BATCH) + 2
    assert MirrorRecord.objects.filter(feed=feed).open().count() == BULK

    runs = []
    for _ in range(4):  # until the overlap window behind the bulk second has been read once
        run = feed_sync(feed, gateway=odoo)
        assert run.status == RunStatus.OK, run.error
        assert run.kind == RunKind.INCREMENTAL
        assert run.fetched in (0, BULK)
        assert run.created == run.updated == run.closed == 0
        runs.append(run.fetched)
        if run.fetched == 0:
            break
        time.sleep(feed.overlap_seconds + 0.1)
    assert runs[-1] == 0, runs
    assert runs.count(BULK) <= 2, runs

    time.sleep(1.1)  # a later second than the previous pass began in
    odoo_server.execute("admin", "project.task", "write", [ids[:3], {"priority": "1"}])
    changed = feed_sync(feed, gateway=odoo)
    assert changed.status == RunStatus.OK, changed.error
    assert changed.fetched == 3
    assert changed.updated == 3
    assert MirrorRecord.objects.filter(feed=feed, values__priority="1").count() == 3
    assert MirrorRecord.objects.filter(feed=feed).count() == BULK


@EVERY_ODOO
def test_it_pages_a_second_shared_by_several_calls_without_losing_a_record(odoo, odoo_server) -> None:
    """Records of one second written by different calls sort by their stored microseconds, not by id:
    a record edited after later ones were created (lower id, later stamp) must still be read. A page
    boundary inside that second is the risky case, so the page is smaller than the second."""
    project = odoo_server.execute("admin", "project.project", "create", [{"name": "Mixed second"}])
    feed = bulk_feed(project)
    Feed.objects.filter(pk=feed.pk).update(batch_size=4)
    first = odoo_server.execute("admin", "project.task", "create",
                                [[{"name": f"Early {n}", "project_id": project} for n in range(3)]])
    later = odoo_server.execute("admin", "project.task", "create",
                                [[{"name": f"Late {n}", "project_id": project} for n in range(6)]])
    odoo_server.execute("admin", "project.task", "write", [first[:1], {"priority": "1"}])
    run = feed_sync(feed, gateway=odoo)
    assert run.status == RunStatus.OK, run.error
    mirrored = set(MirrorRecord.objects.filter(feed=feed).values_list("odoo_id", flat=True))
    assert mirrored == {*first, *later}
    assert run.fetched == len(first) + len(later)
    assert MirrorRecord.objects.get(feed=feed, odoo_id=first[0]).values["priority"] == "1"


def test_it_stops_a_run_whose_page_does_not_move_forward() -> None:
    """A server that ignored the keyset would hand back the same full page forever: the second page
    at the same place stops the run instead of rereading without bound."""
    from datetime import UTC, datetime

    from apps.sync.paging import PagingStalled, Position, step

    page = [{"id": n, "write_date": "2025-03-01 10:00:00"} for n in range(1, 5)]
    within = step(Position(), page, 4).next
    assert within == Position(datetime(2025, 3, 1, 10, tzinfo=UTC), 0, within=True, read=(1, 2, 3, 4))
    assert within is not None
    with pytest.raises(PagingStalled):
        step(within, page, 4)
