"""Odoo → portal: stage, priority, assignee, team and closure flow back through the mirror, live."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.urls import reverse

from apps.incidents.models import IncidentSource, IncidentStatus, StoreIncident
from apps.incidents.odoo_records import create_values
from apps.live.broadcast import store_group
from apps.sync.engine import feed_sync
from apps.sync.feeds import feeds_ensure
from apps.sync.models import Feed
from tests.factories import Network
from tests.incidents.conftest import client_for, run_create, submit

pytestmark = pytest.mark.django_db


def sync(slug: str, odoo: Any) -> None:
    feeds_ensure()
    run = feed_sync(Feed.objects.get(slug=slug), gateway=odoo)
    assert run.status == "ok", run.error


def stage_id(server: Any, model: str, name: str) -> int:
    return server.execute("admin", model, "search", [[["name", "=", name]]], {"limit": 1})[0]


def test_it_follows_a_maintenance_request_from_odoo_to_resolution(odoo: Any, odoo_server: Any,
                                                                  network: Network) -> None:
    incident = submit(network.manager_a, network.store_a)
    run_create(incident, odoo)
    sync("maintenance-requests", odoo)
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.IN_ODOO
    assert incident.odoo_id
    assert incident.odoo_stage == "New Request"
    assert incident.odoo_team == "Refrigeration Contractors"
    odoo_server.execute("admin", "maintenance.request", "write", [[incident.odoo_id], {
        "stage_id": stage_id(odoo_server, "maintenance.stage", "In Progress"), "priority": "1", "user_id": 2}])
    sync("maintenance-requests", odoo)
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.IN_PROGRESS
    assert incident.odoo_stage == "In Progress"
    assert incident.odoo_priority == "1"
    assert incident.odoo_assignee
    odoo_server.execute("admin", "maintenance.request", "write", [[incident.odoo_id], {
        "stage_id": stage_id(odoo_server, "maintenance.stage", "Repaired")}])
    sync("maintenance-requests", odoo)
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.RESOLVED
    assert incident.closed_at is not None
    page = client_for(network.manager_a).get(incident.get_absolute_url()).content.decode()
    assert "Done — please confirm" in page  # the store's words, and its question
    assert "Is it fixed?" in page
    assert "Repaired" not in page  # Odoo's stage and record are for the people who work in Odoo
    regional = client_for(network.regional_north).get(incident.get_absolute_url()).content.decode()
    assert "Repaired" in regional


def test_it_tells_the_store_live_when_odoo_changes_its_incident(odoo: Any, odoo_server: Any, network: Network,
                                                                django_capture_on_commit_callbacks: Any) -> None:
    incident = submit(network.manager_a, network.store_a, category="stock", urgency="medium", title="Short delivery")
    run_create(incident, odoo)
    sync("incident-tasks", odoo)
    incident.refresh_from_db()
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(store_group(network.store_a.pk), channel)
    odoo_server.execute("admin", "project.task", "write", [[incident.odoo_id], {"state": "1_done"}])
    with django_capture_on_commit_callbacks(execute=True):
        sync("incident-tasks", odoo)
    topics: set[str] = set()
    for _ in range(10):
        message = async_to_sync(layer.receive)(channel)
        topics.update(message["topics"])
        if "incidents" in topics:
            break
    assert "incidents" in topics
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.RESOLVED


def test_it_links_a_record_seen_before_its_creation_was_recorded(odoo: Any, odoo_server: Any,
                                                                 network: Network) -> None:
    incident = submit(network.manager_a, network.store_a)
    odoo_id = odoo_server.execute("admin", "maintenance.request", "create", [create_values(incident, {})])
    sync("maintenance-requests", odoo)  # the outbox has not recorded the id yet
    incident.refresh_from_db()
    assert incident.odoo_id == odoo_id
    assert not StoreIncident.objects.filter(source=IncidentSource.ODOO, odoo_id=odoo_id).exists()
    run_create(incident, odoo)
    assert StoreIncident.objects.filter(odoo_model="maintenance.request", odoo_id=odoo_id).count() == 1


def test_it_shows_a_store_the_incidents_created_in_odoo_for_it_only(odoo: Any, odoo_server: Any,
                                                                    network: Network) -> None:
    sync("maintenance-requests", odoo)
    sync("incident-tasks", odoo)
    from_odoo = StoreIncident.objects.filter(source=IncidentSource.ODOO)
    own = from_odoo.filter(store=network.store_a)
    assert own.exists()
    assert from_odoo.filter(store=network.store_c).exists()
    sample = own.first()
    assert sample is not None
    assert sample.deadline is not None
    own_page = client_for(network.manager_a).get(reverse("incidents:list")).content.decode()
    other_page = client_for(network.manager_c).get(reverse("incidents:list")).content.decode()
    assert sample.reference in own_page
    assert sample.reference not in other_page
    assert "from Odoo" in own_page


def test_it_closes_the_incident_when_odoo_deletes_the_record(odoo: Any, odoo_server: Any, network: Network) -> None:
    from apps.sync.engine import feed_reconcile

    incident = submit(network.manager_a, network.store_a, category="customer", urgency="low",
                      title="Customer complaint about the queue")
    run_create(incident, odoo)
    sync("incident-tasks", odoo)
    odoo_server.execute("admin", "project.task", "unlink", [[StoreIncident.objects.get(pk=incident.pk).odoo_id]])
    feed_reconcile(Feed.objects.get(slug="incident-tasks"), gateway=odoo)
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.CLOSED
