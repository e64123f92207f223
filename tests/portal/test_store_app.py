"""The store app: the store home per role and scope, the menu per role, the service worker and
manifest, a report sent twice with the same key, and the store's words for status and urgency."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.incidents.models import IncidentStatus, StoreIncident
from apps.operations.models import ExceptionKind, OpsException
from apps.portal.navigation import nav_for
from apps.writeback.models import WriteBack
from tests.factories import Network

pytestmark = pytest.mark.django_db


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def incident(store: Any, title: str, *, minutes_ago: int, **values: Any) -> StoreIncident:
    now = timezone.now() - timedelta(minutes=minutes_ago)
    return StoreIncident.objects.create(store=store, category="refrigeration", urgency="high", title=title,
                                        deadline=now + timedelta(hours=4), created_at=now,
                                        odoo_model="maintenance.request", **values)


def test_it_shows_each_role_only_the_menu_it_can_act_on(network: Network) -> None:
    labels = {name: [item.label for item in nav_for(getattr(network, name))]
              for name in ("manager_a", "regional_north", "hq", "ops", "nobody")}
    assert labels["manager_a"] == ["Home", "Report an incident", "Dashboard", "Incidents", "Directives"]
    assert labels["regional_north"] == ["Home", "Dashboard", "Incidents", "Approvals", "Directives", "Exceptions",
                                        "API & webhooks"]
    assert labels["hq"] == ["Home", "Dashboard", "Incidents", "Approvals", "Directives", "Audit", "Exceptions",
                            "Health", "API & webhooks"]
    assert "Health" in labels["ops"]
    assert labels["nobody"] == []
    page = signed_in(network.manager_a).get(reverse("portal:home")).content.decode()
    for hidden in ("API &amp; webhooks", "Approvals", ">Exceptions<", "Approve selected"):
        assert hidden not in page


def test_it_hides_bulk_approval_from_people_who_cannot_decide(network: Network) -> None:
    from tests.dashboards.builders import approval

    approval(network.store_a)
    assert "Approve selected" not in signed_in(network.manager_a).get(reverse("approvals:inbox")).content.decode()
    assert "Approve selected" in signed_in(network.regional_north).get(reverse("approvals:inbox")).content.decode()


def test_it_opens_the_store_home_for_store_people_newest_first_and_scoped(network: Network) -> None:
    incident(network.store_a, "Older leak", minutes_ago=50)
    incident(network.store_a, "Freezer warm", minutes_ago=5, status=IncidentStatus.IN_PROGRESS,
             odoo_assignee="Sam Fixer")
    incident(network.store_a, "Door fixed", minutes_ago=30, status=IncidentStatus.RESOLVED)
    incident(network.store_c, "Other store's till", minutes_ago=1)
    OpsException.objects.create(store=network.store_a, kind=ExceptionKind.LATE_RECEIPT, odoo_model="stock.picking",
                                odoo_id=7, title="Receipt WH/IN/7 late")
    whole = signed_in(network.manager_a).get(reverse("portal:home")).content.decode()
    page = whole[whole.index('<main'):]
    assert page.index("Report an incident") < page.index("My store today")
    assert page.index("Freezer warm") < page.index("Door fixed") < page.index("Older leak")
    assert "Technician assigned: Sam Fixer" in page
    assert "Done — please confirm" in page
    assert "Who has it" in page
    assert "Deadline" in page
    assert "Status" in page
    assert "Receipt WH/IN/7 late" in page
    assert "Acknowledge" in page
    assert "Other store's till" not in page
    assert 'rel="manifest"' in whole
    panel = signed_in(network.manager_a).get(reverse("portal:store_panel")).content.decode()
    assert "Freezer warm" in panel
    assert "Other store's till" not in panel


def test_it_refuses_the_store_home_to_people_without_a_store(network: Network) -> None:
    anonymous = Client().get(reverse("portal:store"))
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("login"))
    assert signed_in(network.nobody).get(reverse("portal:store")).status_code == 403
    assert signed_in(network.nobody).get(reverse("portal:store_panel")).status_code == 403
    assert signed_in(network.regional_north).get(reverse("portal:store")).status_code == 200


def test_it_serves_the_service_worker_for_the_whole_site_and_the_manifest(network: Network) -> None:
    response = Client().get(reverse("portal:service_worker"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    body = response.content.decode()
    for needed in ("/static/js/report-queue.js", "/static/css/store.css", '"/incidents/new/"', '"/store/"',
                   "addEventListener(\"sync\""):
        assert needed in body
    manifest = json.loads(Path(str(finders.find("store/manifest.webmanifest"))).read_text(encoding="utf-8"))
    assert manifest["start_url"] == "/store/"
    assert manifest["display"] == "standalone"
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}


def test_it_makes_one_incident_of_a_report_sent_twice(network: Network, settings: Any) -> None:
    form = {"store": network.store_a.pk, "title": "Freezer aisle 4 warm", "category": "refrigeration",
            "urgency": "high", "client_key": "8d0f2c4e-1111-4a5b-9c9d-0123456789ab"}
    client = signed_in(network.manager_a)
    first = client.post(reverse("incidents:new"), form, HTTP_ACCEPT="application/json")
    again = client.post(reverse("incidents:new"), form, HTTP_ACCEPT="application/json")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert StoreIncident.objects.count() == 1
    assert WriteBack.objects.filter(kind="incident.create").count() == 1
    other = signed_in(network.manager_c).post(reverse("incidents:new"), {**form, "store": network.store_c.pk},
                                             HTTP_ACCEPT="application/json")
    assert other.status_code == 201  # another person's key is another report
    assert StoreIncident.objects.count() == 2
    wrong_store = signed_in(network.manager_c).post(reverse("incidents:new"), form, HTTP_ACCEPT="application/json")
    assert wrong_store.status_code == 400
    assert "store" in wrong_store.json()["errors"]
    bad_key = client.post(reverse("incidents:new"), {**form, "client_key": "<script>"}, HTTP_ACCEPT="application/json")
    assert bad_key.status_code == 400
    assert "client_key" in bad_key.json()["errors"]
    assert StoreIncident.objects.count() == 2


def test_it_shows_odoo_priority_as_the_urgency_it_stands_for(network: Network) -> None:
    high = incident(network.store_a, "Till down", minutes_ago=1, odoo_priority="2")  # maintenance '2' is high
    assert high.urgency_words == "High"
    changed = incident(network.store_a, "Leak", minutes_ago=1, odoo_priority="3")  # raised in Odoo
    assert changed.urgency_words == "Critical"
    page = signed_in(network.manager_a).get(high.get_absolute_url()).content.decode()
    assert "Urgency: High" in page
    assert "Normal" not in page  # Odoo's own label for priority '2'
