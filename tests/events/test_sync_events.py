"""Events from the sync's projectors, against the Odoo sandbox over HTTP: one event per incident or
exception change, none when nothing changed, and one live notice per store and topic per batch."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from apps import events
from apps.events.types import (
    ExceptionOpened,
    ExceptionResolved,
    FeedBatchSynced,
    IncidentReported,
    IncidentStatusChanged,
)
from apps.incidents.models import IncidentSource, StoreIncident
from apps.live import broadcast
from apps.operations.models import ExceptionKind, OpsException
from tests.events.support import of
from tests.operations.builders import feeds_ready, sync

pytestmark = pytest.mark.django_db


def test_incidents_from_odoo_emit_once_per_incident_and_one_notice_per_store(
        network: Any, odoo: Any, odoo_server: Any, monkeypatch: pytest.MonkeyPatch,
        django_capture_on_commit_callbacks: Any) -> None:
    feeds_ready()
    sent: list[broadcast.GroupMessage] = []
    monkeypatch.setattr(broadcast, "_dispatch", sent.extend)
    with events.recording() as recorded, django_capture_on_commit_callbacks(execute=True):
        sync("incident-tasks", odoo)
    created = StoreIncident.objects.filter(source=IncidentSource.ODOO, odoo_model="project.task")
    assert created.count() > 1
    assert sorted(e.incident.pk for e in of(IncidentReported, recorded)) == sorted(created.values_list("pk", flat=True))
    batches = len(of(FeedBatchSynced, recorded))
    told = Counter(s["group"] for s in sent if s["group"].startswith("store-")
                   and "incidents" in s["message"].get("topics", []))  # with the batch's own topic, in one notice
    per_store = Counter(f"store-{pk}" for pk in created.values_list("store_id", flat=True))
    assert set(told) == set(per_store), "every store with a new incident was told"
    assert max(told.values()) <= batches < max(per_store.values()), "one notice per store and batch, not per incident"

    with events.recording() as recorded:
        sync("incident-tasks", odoo)
    assert not recorded  # nothing changed in Odoo: nothing happened

    task = created.first()
    assert task is not None
    odoo_server.execute("admin", "project.task", "write", [[task.odoo_id], {"state": "1_done"}])
    with events.recording() as recorded:
        sync("incident-tasks", odoo)
    assert [(type(e), e.incident.pk) for e in recorded if not isinstance(e, FeedBatchSynced)] == [
        (IncidentStatusChanged, task.pk)]


def test_exceptions_open_and_close_once(network: Any, odoo: Any, odoo_server: Any) -> None:
    feeds_ready()
    with events.recording() as recorded:
        sync("replenishment-risks", odoo)
    opened = OpsException.objects.filter(kind=ExceptionKind.REPLENISHMENT_RISK)
    assert sorted(e.exception.pk for e in of(ExceptionOpened, recorded)) == sorted(opened.values_list("pk", flat=True))
    with events.recording() as recorded:
        sync("replenishment-risks", odoo)
    assert not of(ExceptionOpened, recorded)

    point = opened.first()
    assert point is not None
    odoo_server.execute("admin", "stock.warehouse.orderpoint", "write", [[point.odoo_id], {"product_min_qty": 0}])
    with events.recording() as recorded:
        sync("replenishment-risks", odoo)
    assert [(e.exception.pk, e.change.action) for e in of(ExceptionResolved, recorded)] == [(point.pk, "closed")]
    assert not of(ExceptionOpened, recorded)
