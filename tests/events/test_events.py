"""Domain events: every type documented and heard; each service emits its event exactly once per change
(bulk and `.update()` paths included); transaction-phase subscribers run inside the change, commit-phase
ones only after it commits, and a batch reaches them in one call."""

from __future__ import annotations

import dataclasses
import inspect
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from apps import events
from apps.events import bus
from apps.events.types import (
    ApprovalDecided,
    ApprovalReassigned,
    ApprovalWriteBackFinished,
    Event,
    ExceptionOpened,
    ExceptionResolved,
    ExceptionUpdated,
    HealthSignalsChanged,
    IncidentReported,
    WriteBackDeferred,
    WriteBackFinished,
    WriteBackQueued,
    WriteBacksDeadLettered,
    all_event_types,
)
from apps.writeback.models import WriteBack, WriteBackStatus
from tests.api.support import make_approval, make_exception
from tests.events.support import of
from tests.factories import Network

pytestmark = pytest.mark.django_db


# -- the catalogue ---------------------------------------------------------------------------------

@pytest.mark.parametrize("event_type", all_event_types(), ids=lambda t: t.__name__)
def test_every_event_type_documents_its_payload(event_type: type[Event]) -> None:
    doc = inspect.getdoc(event_type) or ""
    assert "Payload:" in doc, f"{event_type.__name__} has no Payload: section"
    payload = doc.split("Payload:", 1)[1]
    for field in dataclasses.fields(event_type):
        assert f"`{field.name}`" in payload, f"{event_type.__name__}.{field.name} is not documented"


@pytest.mark.parametrize("event_type", all_event_types(), ids=lambda t: t.__name__)
def test_every_event_type_has_a_subscriber(event_type: type[Event]) -> None:
    assert events.subscribers_for(event_type), f"nobody subscribes to {event_type.__name__}"


def test_the_catalogue_is_what_the_readme_lists() -> None:
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    table = readme.split("### Events", 1)[1].split("\n### ", 1)[0]
    for event_type in all_event_types():
        assert f"`{event_type.__name__}`" in table, f"README's Events table misses {event_type.__name__}"


# -- delivery --------------------------------------------------------------------------------------

@pytest.fixture
def heard(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[list[Event]]]:
    """Only two subscribers, one per phase, on WriteBackDeferred."""
    calls: dict[str, list[list[Event]]] = {"transaction": [], "commit": []}
    monkeypatch.setattr(bus, "_SUBSCRIBERS", [
        events.Subscriber(WriteBackDeferred, lambda got: calls["transaction"].append(list(got)),
                          events.Phase.TRANSACTION),
        events.Subscriber(WriteBackDeferred, lambda got: calls["commit"].append(list(got)), events.Phase.COMMIT),
    ])
    return calls


def deferred(pk: int) -> WriteBackDeferred:
    return WriteBackDeferred(writeback_id=pk, status="waiting", reason="", store=None)


def test_commit_subscribers_run_after_commit_and_transaction_ones_inside(
        heard: dict[str, list[list[Event]]], django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        events.emit(deferred(1))
        assert heard == {"transaction": [[deferred(1)]], "commit": []}
    assert heard["commit"] == [[deferred(1)]]


def test_nothing_reaches_commit_subscribers_when_the_change_rolls_back(
        heard: dict[str, list[list[Event]]], django_capture_on_commit_callbacks: Any) -> None:
    def change_that_fails() -> None:
        with transaction.atomic():
            events.emit(deferred(1))
            raise RuntimeError("the change failed")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        change_that_fails()
    assert heard["commit"] == []


def test_a_batch_reaches_each_subscriber_in_one_call(
        heard: dict[str, list[list[Event]]], django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with events.batched():
            for pk in (1, 2, 3):
                events.emit(deferred(pk))
            assert heard == {"transaction": [], "commit": []}  # delivered when the block ends
        assert heard == {"transaction": [[deferred(1), deferred(2), deferred(3)]], "commit": []}  # not committed yet
    assert len(callbacks) == 1
    assert heard["commit"] == [[deferred(1), deferred(2), deferred(3)]]


def test_a_batch_left_by_an_exception_delivers_nothing(
        heard: dict[str, list[list[Event]]], django_capture_on_commit_callbacks: Any) -> None:
    def change_that_fails() -> None:
        with transaction.atomic(), events.batched():
            events.emit(deferred(1))
            raise RuntimeError("the change failed")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        change_that_fails()
    assert heard == {"transaction": [], "commit": []}


def test_a_failing_commit_subscriber_never_stops_the_others(
        monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any) -> None:
    got: list[Event] = []

    def broken(_: Any) -> None:
        raise RuntimeError("subscriber exploded")

    monkeypatch.setattr(bus, "_SUBSCRIBERS", [events.Subscriber(WriteBackDeferred, broken),
                                              events.Subscriber(WriteBackDeferred, got.extend)])
    with django_capture_on_commit_callbacks(execute=True):
        events.emit(deferred(7))
    assert got == [deferred(7)]


# -- exactly once per change, per service ------------------------------------------------------------

def test_deciding_emits_one_event_per_decision_also_in_bulk(network: Network) -> None:
    from apps.approvals.services.decisions import decision_record, decisions_bulk_approve

    first, second, third = (make_approval(network.store_a, pk) for pk in (7301, 7302, 7303))
    with events.recording() as recorded:
        decision = decision_record(request=first, actor=network.regional_north, outcome="approve")
    assert [(e.request.pk, e.decision.pk) for e in of(ApprovalDecided, recorded)] == [(first.pk, decision.pk)]
    assert len(of(WriteBackQueued, recorded)) == 1
    with events.recording() as recorded:
        decisions_bulk_approve(requests=[second, third], actor=network.regional_north)
    assert sorted(e.request.pk for e in of(ApprovalDecided, recorded)) == [second.pk, third.pk]


def test_an_override_emits_its_event_once(network: Network) -> None:
    from apps.approvals.services.overrides import request_reassign

    request = make_approval(network.store_a, 7310)
    with events.recording() as recorded:
        request_reassign(request=request, actor=network.hq, assignee=network.regional_north, reason="on leave")
    assert [type(e) for e in recorded] == [ApprovalReassigned]


def outbox_row(network: Network, status: str = WriteBackStatus.QUEUED, **fields: Any) -> WriteBack:
    return WriteBack.objects.create(kind="test.kind", idempotency_key=f"test-{WriteBack.objects.count()}",
                                    odoo_model="res.partner", odoo_id=1, store=network.store_a, status=status,
                                    **fields)


def test_the_outbox_update_paths_emit_one_event_per_row(network: Network) -> None:
    from apps.writeback.models import OdooOutage
    from apps.writeback.outage import writebacks_hold
    from apps.writeback.services import writeback_replay, writebacks_recover

    stale = timezone.now() - timedelta(hours=1)
    lost = [outbox_row(network, WriteBackStatus.IN_PROGRESS, claimed_at=stale) for _ in range(2)]
    with events.recording() as recorded:
        assert writebacks_recover() == 2
    assert sorted(e.writeback_id for e in of(WriteBackDeferred, recorded)) == sorted(row.pk for row in lost)
    assert {e.status for e in recorded} == {"retrying"}

    outage = OdooOutage(unreachable_since=timezone.now(), last_error="connection refused")
    with events.recording() as recorded:
        assert writebacks_hold(outage) == 2  # the retrying rows are pending: they wait for Odoo now
    assert [(type(e), e.status) for e in recorded] == [(WriteBackDeferred, "waiting")] * 2

    dead = outbox_row(network, WriteBackStatus.DEAD)
    with events.recording() as recorded:
        writeback_replay(writeback=dead, actor=network.ops)
    assert [(type(e), e.writeback.pk, e.replayed) for e in recorded] == [(WriteBackQueued, dead.pk, True)]


def test_a_finished_write_back_emits_once_and_after_its_outcome(network: Network,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from apps.approvals.services.decisions import decision_record
    from apps.writeback import executors
    from apps.writeback.executors import WriteBackConflict
    from apps.writeback.services import writeback_run

    def conflicted(writeback: WriteBack, gateway: Any) -> dict[str, Any]:
        raise WriteBackConflict("Odoo moved on")

    monkeypatch.setitem(executors._EXECUTORS, "approval", conflicted)
    request = make_approval(network.store_a, 7320)
    decision_record(request=request, actor=network.regional_north, outcome="approve")
    request.refresh_from_db()
    with events.recording() as recorded:
        writeback_run(request.writeback_id, gateway=None)  # type: ignore[arg-type]
    assert [type(e) for e in recorded] == [ApprovalWriteBackFinished, WriteBackFinished]
    assert recorded[0].request.status == "conflict"  # the `.update(status=…)` of the outcome is in the event
    assert recorded[1].writeback.status == "conflict"


def test_dead_lettering_after_an_outage_emits_per_row_and_tells_once(network: Network, settings: Any) -> None:
    from apps.writeback.services import writebacks_expire

    long_ago = timezone.now() - timedelta(hours=settings.CT_WRITEBACK_OUTAGE_WINDOW_HOURS + 1)
    rows = [outbox_row(network, WriteBackStatus.WAITING, waiting_since=long_ago) for _ in range(2)]
    WriteBack.objects.filter(pk__in=[row.pk for row in rows]).update(created_at=long_ago)
    with events.recording() as recorded:
        assert writebacks_expire() == 2
    assert sorted(e.writeback.pk for e in of(WriteBackFinished, recorded)) == sorted(row.pk for row in rows)
    assert [len(e.writebacks) for e in of(WriteBacksDeadLettered, recorded)] == [2]


def test_reporting_an_incident_emits_once(network: Network) -> None:
    from apps.incidents.services import IncidentReport, incident_submit

    with events.recording() as recorded:
        incident = incident_submit(user=network.manager_a, report=IncidentReport(
            store=network.store_a, title="Freezer warm in aisle 4", category="refrigeration", urgency="high"))
    assert [e.incident.pk for e in of(IncidentReported, recorded)] == [incident.pk]
    assert len(of(WriteBackQueued, recorded)) == 1


def test_exception_actions_emit_one_event_each(network: Network) -> None:
    from apps.operations.services import exception_acknowledge, exception_resolve

    exception = make_exception(network.store_c)
    with events.recording() as recorded:
        exception_acknowledge(exception=exception, actor=network.manager_c)
    assert [(type(e), e.change.action) for e in recorded] == [(ExceptionUpdated, "acknowledged")]
    with events.recording() as recorded:
        exception_resolve(exception=exception, actor=network.manager_c, note="Booked in")
    assert [(type(e), e.change.action) for e in recorded] == [(ExceptionResolved, "resolved")]
    assert not of(ExceptionOpened, recorded)


def test_health_changes_emit_once_per_pass(network: Network) -> None:
    from apps.health.models import SignalStatus
    from apps.health.readings import Reading, signals_record

    reading = Reading(key="outbox", label="Write-backs", category="outbox", status=SignalStatus.FAILING,
                      rule="no dead letters")
    with events.recording() as recorded:
        signals_record([reading], categories=["outbox"])
        signals_record([reading], categories=["outbox"])  # nothing changed the second time
    assert [e.keys for e in recorded] == [("outbox",)]
    assert type(recorded[0]) is HealthSignalsChanged


def test_every_app_registry_is_installed_and_listed_in_the_readme() -> None:
    import importlib
    from pathlib import Path

    from apps.live.broadcast import _CHANGE_LISTENERS
    from apps.sync.projectors import projectors_for
    from apps.writeback.executors import executor_for
    from apps.writeback.services import _OUTCOMES

    root = Path(__file__).resolve().parents[2]
    readme = (root / "README.md").read_text().split("### Registries", 1)[1].split("\n### ", 1)[0]
    found = sorted(root.glob("apps/*/registry.py"))
    assert len(found) >= 8
    for path in found:
        name = path.relative_to(root).as_posix()
        assert f"`{name}`" in readme, f"README's Registries table misses {name}"
        registry = importlib.import_module(name.removesuffix(".py").replace("/", "."))
        for kind, projector in getattr(registry, "PROJECTORS", {}).items():
            assert projector in projectors_for(kind)
        for kind, executor in getattr(registry, "EXECUTORS", {}).items():
            assert executor_for(kind) is executor
        for kind, outcome in getattr(registry, "OUTCOMES", {}).items():
            assert outcome in _OUTCOMES[kind]
        for subscriber in getattr(registry, "SUBSCRIBERS", []):
            assert subscriber in bus._SUBSCRIBERS
        for listener in getattr(registry, "CHANGE_LISTENERS", []):
            assert listener in _CHANGE_LISTENERS
