"""Records Odoo opened for a store: a page with many of them only mirrors them, and their incidents are
created after the page's commit by the adoption task, or by the sweep when that task is lost."""

from __future__ import annotations

from typing import Any

import pytest

from apps.incidents import conf
from apps.incidents.models import IncidentSource, StoreIncident
from apps.incidents.schedule import BEAT_SCHEDULE
from apps.incidents.services.adoption import incidents_adopt, incidents_adopt_pending, incidents_pending
from apps.organisation.models import Store
from apps.sync.engine import feed_sync
from apps.sync.feeds import feeds_ensure
from apps.sync.models import Feed, MirrorRecord
from tests.factories import Network

pytestmark = pytest.mark.django_db
TITLES = ["Freezer alarm in aisle 4", "Broken glass door at the entrance", "Till not printing receipts",
          "Leaking roof above the bakery", "Spill near checkout 2"]


def new_tasks(server: Any, store: Store, titles: list[str]) -> list[int]:
    """Tasks created in Odoo for `store`, in the incidents project, in one call (one write_date)."""
    project = server.execute("admin", "project.project", "search", [[["name", "=", conf.TASK_PROJECT]]])[0]
    values = [{"name": title, "project_id": project, "x_store_warehouse_id": store.odoo_warehouse_id}
              for title in titles]
    return server.execute("admin", "project.task", "create", [values])


def incident_feed(odoo: Any) -> Feed:
    feeds_ensure()
    feed = Feed.objects.get(slug="incident-tasks")
    run = feed_sync(feed, gateway=odoo)
    assert run.status == "ok", run.error
    return feed


def adopted(ids: list[int]) -> Any:
    return StoreIncident.objects.filter(odoo_model="project.task", odoo_id__in=ids)


def test_a_page_of_many_new_records_is_adopted_after_its_commit(
        odoo: Any, odoo_server: Any, network: Network, monkeypatch: pytest.MonkeyPatch, eager_outbox: None,
        django_capture_on_commit_callbacks: Any) -> None:
    monkeypatch.setattr(conf, "ADOPT_INLINE_MAX", 2)
    ids = new_tasks(odoo_server, network.store_a, TITLES)
    with django_capture_on_commit_callbacks() as after_commit:
        feed = incident_feed(odoo)
        assert MirrorRecord.objects.filter(feed=feed, odoo_id__in=ids).count() == len(ids)
        assert not adopted(ids).exists()  # the page only mirrored them
    for callback in after_commit:
        callback()  # the page's commit: the adoption task runs (eagerly, as a worker would)
    incidents = list(adopted(ids).order_by("odoo_id"))
    assert [incident.odoo_id for incident in incidents] == sorted(ids)
    first_seen = dict(MirrorRecord.objects.filter(feed=feed, odoo_id__in=ids).values_list("odoo_id", "first_seen_at"))
    for incident in incidents:
        assert incident.source == IncidentSource.ODOO
        assert incident.store_id == network.store_a.pk
        assert incident.created_at == first_seen[incident.odoo_id]  # when the sync saw it, not when adopted
        assert incident.title in TITLES
    assert {incident.category for incident in incidents} != {""}


def test_a_few_new_records_become_incidents_in_their_own_page(
        odoo: Any, odoo_server: Any, network: Network, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(conf, "ADOPT_INLINE_MAX", 10_000)
    ids = new_tasks(odoo_server, network.store_b, TITLES[:2])
    incident_feed(odoo)
    assert adopted(ids).count() == 2


def test_the_sweep_adopts_what_a_lost_task_left_exactly_once(
        odoo: Any, odoo_server: Any, network: Network, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(conf, "ADOPT_INLINE_MAX", 0)
    ids = new_tasks(odoo_server, network.store_c, TITLES[:3])
    feed = incident_feed(odoo)  # the task sent after the commit never ran (no worker, no broker)
    assert set(ids) <= set(incidents_pending(feed))
    assert incidents_adopt_pending() >= 3
    assert adopted(ids).count() == 3
    assert not set(ids) & set(incidents_pending(feed))
    assert incidents_adopt_pending() == 0
    assert incidents_adopt(feed_id=feed.pk, odoo_ids=ids) == 0  # a late duplicate of the task
    assert adopted(ids).count() == 3


def test_adoption_takes_the_mirrors_current_copy(
        odoo: Any, odoo_server: Any, network: Network, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(conf, "ADOPT_INLINE_MAX", 0)
    done, renamed = new_tasks(odoo_server, network.store_a, TITLES[:2])
    feed = incident_feed(odoo)
    odoo_server.execute("admin", "project.task", "write", [[done], {"state": "1_done"}])
    odoo_server.execute("admin", "project.task", "write", [[renamed], {"name": "Freezer alarm, aisle 9"}])
    run = feed_sync(Feed.objects.get(pk=feed.pk), gateway=odoo)
    assert run.status == "ok", run.error
    assert incidents_adopt(feed_id=feed.pk, odoo_ids=[done, renamed]) == 1
    assert not adopted([done]).exists()  # closed in Odoo before its incident was made
    assert adopted([renamed]).get().title == "Freezer alarm, aisle 9"


def test_the_sweep_runs_on_the_sync_queue_every_few_minutes() -> None:
    from controltower.queues import TASK_ROUTES

    entry = BEAT_SCHEDULE["adopt-odoo-incidents"]
    assert entry["task"] == "incidents.adopt_pending"
    assert entry["schedule"] <= 600
    assert TASK_ROUTES["incidents.adopt_pending"] == TASK_ROUTES["incidents.adopt"] == {"queue": "sync"}
