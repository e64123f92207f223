"""What reaches whom: each person's channel per kind (portal, e-mail, both), and the notifications the
portal sends: an escalation, new requests reaching their deciders, a write-back that failed or
conflicted, an incident at my store changing status in Odoo. The bell rings over the person's own
websocket group only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.core import mail

from apps.approvals.models import ApprovalRequest, ApprovalStatus
from apps.approvals.outcomes import approval_writeback_finished
from apps.approvals.services.overrides import request_escalate
from apps.events.types import ApprovalsArrived, IncidentStatusChanged
from apps.incidents.models import IncidentStatus
from apps.live.consumers import LiveConsumer
from apps.notifications.models import Channel, Notification, NotificationKind, NotificationSettings
from apps.notifications.services import notify
from apps.notifications.subscribers import approvals_arrived, incident_status_changed
from apps.writeback.models import WriteBackStatus
from apps.writeback.services import writeback_enqueue
from tests.dashboards import builders
from tests.factories import Network, make_network

pytestmark = pytest.mark.django_db


def subjects(user: object) -> list[str]:
    return list(Notification.objects.filter(user=user).order_by("pk").values_list("subject", flat=True))


def test_each_person_gets_a_kind_on_the_channels_they_chose(network: Network, django_capture_on_commit_callbacks) \
        -> None:  # type: ignore[no-untyped-def]
    for user, address in ((network.hq, "hq@example.com"), (network.ops, "ops@example.com"),
                          (network.regional_north, "rn@example.com")):
        user.email = address
        user.save()
    NotificationSettings.objects.create(user=network.hq, channels={NotificationKind.ESCALATION: Channel.PORTAL})
    NotificationSettings.objects.create(user=network.ops, channels={NotificationKind.ESCALATION: Channel.EMAIL})
    with django_capture_on_commit_callbacks(execute=True):
        notify(kind=NotificationKind.ESCALATION, recipients=[network.hq, network.ops, network.regional_north,
                                                             network.regional_north], subject="Escalated")
    assert set(Notification.objects.values_list("user__username", flat=True)) == {"hq", "regional_north"}
    assert Notification.objects.count() == 2
    assert sorted(address for message in mail.outbox for address in message.to) == ["ops@example.com",
                                                                                    "rn@example.com"]


def test_an_escalation_notifies_the_next_tier(network: Network) -> None:
    request = builders.approval(network.store_a, reference="P100", requested_ago=timedelta(hours=30))
    request_escalate(request=request, actor=None, reason="Tier 1 deadline passed without a decision.")
    assert subjects(network.hq) == [f"Escalated to you: {request} (N01)"]
    note = Notification.objects.get(user=network.hq)
    assert note.kind == NotificationKind.ESCALATION
    assert note.link == f"/approvals/{request.pk}/"


def test_new_requests_reach_their_deciders_once_per_batch(network: Network) -> None:
    one = builders.approval(network.store_a, reference="P1")
    two = builders.approval(network.store_b, reference="P2")
    south = builders.approval(network.store_c, reference="P3")
    approvals_arrived([ApprovalsArrived(requests=(one, two)), ApprovalsArrived(requests=(south,))])
    assert subjects(network.regional_north) == ["2 new approvals for you"]
    assert f"{one} (N01)" in Notification.objects.get(user=network.regional_north).body
    assert subjects(network.regional_south) == [f"New approval for you: {south} (S01)"]
    assert Notification.objects.get(user=network.regional_south).link == f"/approvals/{south.pk}/"
    assert not Notification.objects.filter(user__in=[network.manager_a, network.hq, network.ops]).exists()


def test_a_failed_or_conflicted_write_back_tells_the_approver(network: Network) -> None:
    request = builders.approval(network.store_a, reference="P7")
    writeback = writeback_enqueue(kind="test.note", idempotency_key="wb-7", odoo_model="purchase.order", odoo_id=7,
                                  payload={}, store=network.store_a, created_by=network.regional_north)
    request.writeback = writeback
    request.save()
    writeback.status, writeback.last_error = WriteBackStatus.CONFLICT, "Odoo moved the order to 'cancel'."
    approval_writeback_finished(writeback)
    note = Notification.objects.get(user=network.regional_north)
    assert note.subject == f"{request}: conflict in Odoo (it changed there first)"
    assert note.kind == NotificationKind.WRITEBACK_PROBLEM


def test_an_incident_status_change_tells_the_store_managers(network: Network) -> None:
    incident = builders.incident(network.store_a, title="Freezer warm")
    other = builders.incident(network.store_c, title="Door")
    incident.status = IncidentStatus.IN_PROGRESS
    other.status = IncidentStatus.RESOLVED
    incident_status_changed([IncidentStatusChanged(incident=incident, from_status=IncidentStatus.IN_ODOO),
                             IncidentStatusChanged(incident=other, from_status=IncidentStatus.IN_PROGRESS)])
    note = Notification.objects.get(user=network.manager_a)
    assert note.subject == f"{incident.reference} is now in progress: Freezer warm"
    assert note.body == "Status changed in Odoo from in Odoo to in progress."
    assert note.kind == NotificationKind.INCIDENT_STATUS
    assert subjects(network.manager_c) == [f"{other.reference} is now resolved: Door"]
    assert not Notification.objects.exclude(user__in=[network.manager_a, network.manager_c]).exists()


@pytest.mark.django_db(transaction=True)
async def test_the_bell_rings_on_my_group_only() -> None:
    net = await database_sync_to_async(make_network)()
    tabs = []
    for user in (net.regional_north, net.regional_south):
        tab = WebsocketCommunicator(LiveConsumer.as_asgi(), "/ws/live/")
        tab.scope["user"] = user
        assert (await tab.connect())[0]
        tabs.append(tab)
    mine, theirs = tabs
    await database_sync_to_async(notify)(kind=NotificationKind.ESCALATION, recipients=[net.regional_north],
                                         subject="Escalated", store=net.store_a)
    assert await mine.receive_json_from(timeout=2) == {"topics": ["notifications"], "store_id": None}
    assert await theirs.receive_nothing(timeout=0.3)
    for tab in tabs:
        await tab.disconnect()


def test_a_sync_tells_each_decider_once_of_what_it_brought(network: Network, odoo) -> None:  # type: ignore[no-untyped-def]
    from tests.approvals.support import approvals_sync

    approvals_sync(odoo, ("purchase-orders",))
    north = Notification.objects.filter(user=network.regional_north, kind=NotificationKind.APPROVAL_ASSIGNED)
    assert north.count() == 1  # however many requests the batch brought
    opened = ApprovalRequest.objects.filter(store__region=network.north, status=ApprovalStatus.OPEN).count()
    assert north.get().subject in (f"{opened} new approvals for you", )
    assert not Notification.objects.filter(user__in=[network.manager_a, network.ops]).exists()
    approvals_sync(odoo, ("purchase-orders",))  # nothing new in Odoo: nobody is told again
    assert north.count() == 1
