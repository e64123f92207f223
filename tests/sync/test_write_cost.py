"""What every write of a first import pays for: the indexes of the mirror and of the domain rows, and
the lookup of a page's records by a list of Odoo ids (`__any_of`, one array parameter on PostgreSQL)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.approvals.models import ApprovalRequest
from apps.incidents.models import StoreIncident
from apps.sync.models import Feed, MirrorRecord

pytestmark = pytest.mark.django_db


def _indexes(model: type) -> dict[str, tuple[list[str], str]]:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, model._meta.db_table)
    return {name: (info["columns"], name) for name, info in found.items()
            if (info["index"] or info["unique"]) and not info["primary_key"]}


def _column_sets(model: type) -> list[list[str]]:
    return [columns for columns, _ in _indexes(model).values()]


def test_no_index_repeats_what_another_already_serves() -> None:
    assert ["feed_id"] not in _column_sets(MirrorRecord)  # the unique (feed, odoo_id) leads with it
    assert ["feed_id", "odoo_id"] in _column_sets(MirrorRecord)
    approvals = _column_sets(ApprovalRequest)
    assert ["feed_id"] not in approvals
    assert ["status"] not in approvals
    assert ["kind"] not in approvals
    assert ["status", "deadline"] in approvals
    assert not any(name.endswith("_like") for name in _indexes(ApprovalRequest))
    incidents = _indexes(StoreIncident)
    assert not any(name.endswith("_like") and columns == ["status"] for name, (columns, _) in incidents.items())
    assert ["status"] in _column_sets(StoreIncident)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the partial index is PostgreSQL's")
def test_only_incidents_waiting_for_a_person_are_in_the_manual_triage_index() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'incident_manual_triage'")
        (definition,) = cursor.fetchone()
    assert "WHERE needs_manual_triage" in definition


def test_any_of_finds_what_in_finds() -> None:
    feed = Feed.objects.get(slug="incident-tasks")
    made = MirrorRecord.objects.bulk_create(MirrorRecord(feed=feed, odoo_id=odoo_id, values={},
                                                         odoo_write_date=timezone.now()) for odoo_id in (3, 5, 8))
    mirrored = MirrorRecord.objects.filter(feed=feed)
    for wanted in ([3, 8, 99], [5, None], [], [2**40]):
        found = set(mirrored.filter(odoo_id__any_of=wanted).values_list("odoo_id", flat=True))
        assert found == set(mirrored.filter(odoo_id__in=wanted).values_list("odoo_id", flat=True))
    assert set(MirrorRecord.objects.filter(pk__any_of=[made[0].pk]).values_list("odoo_id", flat=True)) == {3}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the array parameter is PostgreSQL's")
def test_a_page_of_ids_is_one_parameter() -> None:
    feed = Feed.objects.get(slug="incident-tasks")
    with CaptureQueriesContext(connection) as queries:
        list(MirrorRecord.objects.filter(feed=feed, odoo_id__any_of=list(range(1, 501))))
    assert "= ANY(" in queries[0]["sql"]
    assert " IN (" not in queries[0]["sql"]


def test_a_sync_run_holds_full_collections_until_it_ends(odoo) -> None:  # type: ignore[no-untyped-def]
    import gc

    from apps.sync.engine import feed_sync
    from apps.sync.feeds import feeds_ensure
    from controltower.runtime import FULL_COLLECTIONS_HELD

    feeds_ensure()
    before = gc.get_threshold()
    during: list[tuple[int, int, int]] = []
    run = feed_sync(Feed.objects.get(slug="purchase-orders"), full=True, gateway=odoo,
                    progress=lambda _: during.append(gc.get_threshold()))
    assert run.status == "ok", run.error
    assert during
    assert all(threshold == (*before[:2], FULL_COLLECTIONS_HELD) for threshold in during)
    assert gc.get_threshold() == before
