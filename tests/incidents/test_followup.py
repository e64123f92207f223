"""Deadlines per urgency, escalation of overdue incidents, and regional / HQ overrides."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.incidents import conf
from apps.incidents.models import EscalationTier, IncidentOverride, IncidentStatus, StoreIncident
from apps.incidents.services.followup import OverrideChange, incident_override, incidents_escalate
from apps.notifications.models import Notification
from apps.organisation.models import RoleGrant
from apps.writeback.models import WriteBack
from tests.factories import Network
from tests.incidents.conftest import client_for, submit

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("urgency", ["low", "medium", "high", "critical"])
def test_it_sets_the_deadline_from_the_sla_of_the_urgency(network: Network, urgency: str) -> None:
    with time_machine.travel("2025-03-03 09:00:00+00:00", tick=False):
        incident = submit(network.manager_a, network.store_a, urgency=urgency)
        assert incident.deadline == timezone.now() + timedelta(hours=conf.SLA_HOURS[urgency])


def test_it_escalates_an_overdue_incident_to_the_regional_manager_then_hq_once_each(network: Network) -> None:
    with time_machine.travel("2025-03-03 09:00:00+00:00", tick=False) as traveller:
        incident = submit(network.manager_a, network.store_a, urgency="critical")  # due at 10:00
        traveller.shift(timedelta(minutes=59))
        assert incidents_escalate() == 0
        traveller.shift(timedelta(minutes=2))
        assert incidents_escalate() == 1
        assert incidents_escalate() == 0  # once
        incident.refresh_from_db()
        assert incident.escalation_tier == EscalationTier.REGION
        note = Notification.objects.get(user=network.regional_north)
        assert incident.reference in note.body
        assert note.link == incident.get_absolute_url()
        assert not Notification.objects.filter(user=network.hq).exists()
        assert not Notification.objects.filter(user=network.regional_south).exists()
        traveller.shift(timedelta(hours=conf.HQ_ESCALATION_HOURS))
        assert incidents_escalate() == 1
        incident.refresh_from_db()
        assert incident.escalation_tier == EscalationTier.HQ
        assert Notification.objects.filter(user=network.hq).count() == 1
        assert Notification.objects.filter(user=network.regional_north).count() == 1
    events = AuditEvent.objects.filter(action="incident.escalated", object_id=str(incident.pk))
    assert events.count() == 2
    assert {event.actor_label for event in events} == {"SLA escalation"}


def test_it_escalates_straight_to_hq_where_a_region_has_no_manager(network: Network) -> None:
    RoleGrant.objects.filter(user=network.regional_north).delete()
    with time_machine.travel("2025-03-03 09:00:00+00:00", tick=False) as traveller:
        incident = submit(network.manager_a, network.store_a, urgency="high")
        traveller.shift(timedelta(hours=5))
        assert incidents_escalate() == 1
    incident.refresh_from_db()
    assert incident.escalation_tier == EscalationTier.HQ
    assert Notification.objects.filter(user=network.hq).exists()


def test_it_never_escalates_resolved_incidents(network: Network) -> None:
    with time_machine.travel("2025-03-03 09:00:00+00:00", tick=False) as traveller:
        incident = submit(network.manager_a, network.store_a, urgency="critical")
        StoreIncident.objects.filter(pk=incident.pk).update(status=IncidentStatus.RESOLVED)
        traveller.shift(timedelta(days=2))
        assert incidents_escalate() == 0
    assert not Notification.objects.exists()


def change(**values: Any) -> OverrideChange:
    return OverrideChange(**{"reason": "Checked with the engineer", **values})


def test_it_lets_only_deciders_override(network: Network) -> None:
    incident = submit(network.manager_a, network.store_a, urgency="low")
    for person in (network.manager_a, network.ops, network.regional_south):
        with pytest.raises(PermissionDenied):
            incident_override(incident=incident, actor=person, change=change(kind="reprioritise", urgency="high"))
    incident_override(incident=incident, actor=network.regional_north, change=change(kind="reprioritise",
                                                                                     urgency="high"))
    incident_override(incident=incident, actor=network.hq, change=change(kind="reprioritise", urgency="critical"))
    assert IncidentOverride.objects.count() == 2


def test_it_reprioritises_with_a_new_deadline_audits_and_clears_manual_triage(network: Network) -> None:
    with time_machine.travel("2025-03-03 09:00:00+00:00", tick=False):
        incident = submit(network.manager_a, network.store_a, urgency="low")
        StoreIncident.objects.filter(pk=incident.pk).update(needs_manual_triage=True)
        incident.refresh_from_db()
        override = incident_override(incident=incident, actor=network.regional_north,
                                     change=change(kind="reprioritise", urgency="critical"))
    incident.refresh_from_db()
    assert incident.urgency == "critical"
    assert incident.deadline == incident.created_at + timedelta(hours=conf.SLA_HOURS["critical"])
    assert not incident.needs_manual_triage
    event = AuditEvent.objects.get(action="incident.reprioritise")
    assert event.before["urgency"] == "low"
    assert event.after["urgency"] == "critical"
    assert event.message == "Checked with the engineer"
    assert override.writeback is None  # not in Odoo yet; sent once the incident is created there


@pytest.mark.parametrize(("values", "field"), [
    ({"kind": "reprioritise", "urgency": "low"}, "urgency"),
    ({"kind": "reassign_team"}, "team"),
    ({"kind": "extend_deadline"}, "deadline"),
    ({"kind": "close_duplicate"}, "duplicate_of"),
    ({"kind": "reprioritise", "urgency": "high", "reason": "  "}, "reason"),
])
def test_it_refuses_an_incomplete_override_and_changes_nothing(network: Network, values: dict[str, Any],
                                                               field: str) -> None:
    incident = submit(network.manager_a, network.store_a, urgency="low")
    before = incident.snapshot()
    with pytest.raises(ValidationError) as caught:
        incident_override(incident=incident, actor=network.regional_north, change=change(**values))
    assert field in caught.value.message_dict
    incident.refresh_from_db()
    assert incident.snapshot() == before
    assert not IncidentOverride.objects.exists()


def test_it_extends_a_deadline_and_starts_escalation_afresh(network: Network) -> None:
    with time_machine.travel("2025-03-03 09:00:00+00:00", tick=False) as traveller:
        incident = submit(network.manager_a, network.store_a, urgency="critical")
        traveller.shift(timedelta(hours=2))
        incidents_escalate()
        incident.refresh_from_db()
        assert incident.escalation_tier == EscalationTier.REGION
        later = timezone.now() + timedelta(days=1)
        incident_override(incident=incident, actor=network.regional_north,
                          change=change(kind="extend_deadline", deadline=later))
        incident.refresh_from_db()
        assert incident.deadline == later
        assert incident.escalation_tier == EscalationTier.NONE
        with pytest.raises(ValidationError):
            incident_override(incident=incident, actor=network.regional_north,
                              change=change(kind="extend_deadline", deadline=timezone.now() + timedelta(days=90)))


def test_it_closes_as_duplicate_only_against_the_same_store(network: Network) -> None:
    incident = submit(network.manager_a, network.store_a)
    elsewhere = submit(network.regional_north, network.store_b)
    with pytest.raises(ValidationError):
        incident_override(incident=incident, actor=network.hq, change=change(kind="close_duplicate",
                                                                             duplicate_of=elsewhere))
    original = submit(network.manager_a, network.store_a)
    incident_override(incident=incident, actor=network.hq, change=change(kind="close_duplicate",
                                                                         duplicate_of=original))
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.CLOSED
    assert incident.closed_reason == "duplicate"
    with pytest.raises(ValidationError):
        incident_override(incident=incident, actor=network.hq, change=change(kind="reprioritise", urgency="high"))


def test_it_takes_an_override_through_the_page_with_a_reason(network: Network, odoo: Any) -> None:
    from tests.incidents.conftest import run_create

    incident = submit(network.manager_a, network.store_a, urgency="low")
    run_create(incident, odoo)
    client = client_for(network.regional_north)
    page = client.get(incident.get_absolute_url()).content.decode()
    assert "Override" in page
    url = reverse("incidents:override", args=[incident.pk])
    refused = client.post(url, {"kind": "reprioritise", "urgency": "high", "reason": ""})
    assert refused.status_code == 400
    assert "Give the reason for the override." in refused.content.decode()
    done = client.post(url, {"kind": "reprioritise", "urgency": "high", "reason": "Sales at risk"})
    assert done.status_code == 302
    assert WriteBack.objects.filter(kind="incident.override").count() == 1
    store_page = client_for(network.manager_a).get(incident.get_absolute_url()).content.decode()
    assert "Sales at risk" in store_page
    assert "Override</h2>" not in store_page
