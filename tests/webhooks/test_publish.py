"""Publishing: which subscriptions get an event, exactly once, in the transaction of the change; and
the events the domain apps' changes produce (decisions, write-back outcomes, incidents, exceptions,
health)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from apps.approvals.services.decisions import decision_record
from apps.health.models import SignalStatus
from apps.health.readings import Reading, signals_record
from apps.incidents.services import IncidentReport, incident_submit
from apps.operations.services import exception_resolve
from apps.webhooks.harvest import health_events_publish
from apps.webhooks.models import WebhookDelivery, WebhookEvent
from apps.webhooks.services import event_publish, subscription_update
from apps.writeback.services import writeback_run
from tests.api.support import approval_for, make_exception, new_po, sync_purchase_orders
from tests.factories import Network
from tests.webhooks.conftest import subscribe

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("loopback_allowed")]
URL = "http://127.0.0.1:9/hook"


def delivered_types(subscription: Any) -> list[str]:
    return list(WebhookDelivery.objects.filter(subscription=subscription).order_by("pk")
                .values_list("event__event_type", flat=True))


def test_it_stores_nothing_while_nobody_subscribes(network: Network) -> None:
    assert event_publish("incident.created", {"x": 1}, network.store_a) is None
    assert not WebhookEvent.objects.exists()


def test_it_delivers_to_subscriptions_that_want_the_event_type(network: Network) -> None:
    everything, _ = subscribe(network.ops, URL, name="all")
    approvals, _ = subscribe(network.ops, URL, ["approval.decided"], name="approvals")
    event_publish("incident.created", {"x": 1}, network.store_a)
    assert delivered_types(everything) == ["incident.created"]
    assert delivered_types(approvals) == []


def test_it_respects_store_and_region_limits(network: Network) -> None:
    north, _ = subscribe(network.ops, URL, regions=[network.north], name="north")
    store_c, _ = subscribe(network.ops, URL, stores=[network.store_c], name="S01")
    event_publish("incident.created", {}, network.store_b)
    event_publish("incident.created", {}, network.store_c)
    event_publish("health.changed", {}, None)
    assert WebhookDelivery.objects.filter(subscription=north).count() == 1
    assert WebhookDelivery.objects.filter(subscription=store_c).get().event.store == network.store_c


def test_it_skips_inactive_subscriptions(network: Network) -> None:
    sub, _ = subscribe(network.ops, URL)
    subscription_update(subscription=sub, actor=network.ops, name=sub.name, url=sub.url, events=["*"], active=False)
    assert event_publish("incident.created", {}, network.store_a) is None


def test_it_publishes_a_dedupe_key_once(network: Network) -> None:
    subscribe(network.ops, URL)
    first = event_publish("incident.created", {"n": 1}, network.store_a, dedupe_key="k-1")
    second = event_publish("incident.created", {"n": 2}, network.store_a, dedupe_key="k-1")
    assert first == second
    assert WebhookDelivery.objects.count() == 1


def test_it_publishes_nothing_when_the_change_rolls_back(network: Network) -> None:
    subscribe(network.ops, URL)

    def change_that_fails() -> None:
        with transaction.atomic():
            event_publish("incident.created", {}, network.store_a)
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError):
        change_that_fails()
    assert not WebhookEvent.objects.exists()


def test_it_refuses_unknown_event_types(network: Network) -> None:
    with pytest.raises(ValueError, match="Unknown webhook event type"):
        event_publish("approval.maybe", {}, None)


def test_it_starts_deliveries_only_after_commit(network: Network, django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from apps.webhooks.tasks import deliver_webhook

    sent: list[int] = []
    monkeypatch.setattr(deliver_webhook, "delay", sent.append)
    subscribe(network.ops, URL)
    with django_capture_on_commit_callbacks(execute=True):
        event_publish("incident.created", {}, network.store_a)
        assert sent == []
    assert sent == [WebhookDelivery.objects.get().pk]


def test_it_publishes_decisions_and_write_back_outcomes(network: Network, odoo, odoo_server) -> None:  # type: ignore[no-untyped-def]
    sub, _ = subscribe(network.ops, URL)
    order = new_po(odoo_server, warehouse_id=2)
    sync_purchase_orders(odoo)
    request = approval_for(order)
    decision = decision_record(request=request, actor=network.regional_north, outcome="approve", comment="ok")
    event = WebhookEvent.objects.get(event_type="approval.decided")
    assert event.store == network.store_a
    assert event.payload["decision"]["id"] == decision.pk
    assert event.payload["decision"]["actor"] == "regional_north"
    assert event.payload["request"]["reference"] == request.reference
    assert event.payload["request"]["status"] == "approved"
    request.refresh_from_db()
    writeback_run(request.writeback_id, gateway=odoo)
    applied = WebhookEvent.objects.get(event_type="writeback.applied")
    assert applied.payload["writeback"]["odoo_id"] == order
    assert "approval.decided" in delivered_types(sub)
    assert "writeback.applied" in delivered_types(sub)


def test_it_publishes_new_incidents(network: Network) -> None:
    subscribe(network.ops, URL, ["incident.created"])
    incident = incident_submit(user=network.manager_a, report=IncidentReport(
        store=network.store_a, title="Freezer warm in aisle 4", category="refrigeration", urgency="high"))
    event = WebhookEvent.objects.get()
    assert event.payload["incident"]["reference"] == incident.reference
    assert event.store == network.store_a


def test_it_publishes_exceptions_opening_and_closing(network: Network) -> None:
    from apps.operations.models import ExceptionEvent
    from apps.operations.projector import change_emit

    subscribe(network.ops, URL, ["exception.opened", "exception.closed"])
    exception = make_exception(network.store_c)
    change_emit(exception, ExceptionEvent.objects.create(exception=exception, action="opened", to_status="open"))
    exception_resolve(exception=exception, actor=network.manager_c, note="Booked in")
    events = {e.event_type: e for e in WebhookEvent.objects.all()}
    assert set(events) == {"exception.opened", "exception.closed"}
    assert events["exception.closed"].payload["change"]["note"] == "Booked in"
    assert events["exception.closed"].payload["exception"]["status"] == "resolved"


def test_it_publishes_health_changes_after_the_cursor(network: Network) -> None:
    health_events_publish()  # the first pass only places the cursor
    subscribe(network.ops, URL, ["health.changed"])
    reading = Reading(key="outbox", label="Write-backs", category="outbox", status=SignalStatus.FAILING,
                      rule="no dead letters")
    signals_record([reading], categories=["outbox"])
    assert health_events_publish() == 1
    assert health_events_publish() == 0
    event = WebhookEvent.objects.get()
    assert event.payload["to_status"] == "failing"
    assert event.payload["signal"]["key"] == "outbox"


def test_it_never_lets_a_failing_publication_undo_the_decision(network: Network,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from apps.approvals.models import Decision
    from apps.webhooks import subscribers
    from tests.api.support import make_approval

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("receiver catalogue exploded")

    monkeypatch.setattr(subscribers, "event_publish", broken)
    request = make_approval(network.store_a, 7100)
    decision_record(request=request, actor=network.regional_north, outcome="approve")
    assert Decision.objects.filter(request=request).count() == 1
