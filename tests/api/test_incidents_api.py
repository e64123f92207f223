"""Store incidents through the API: per role and store, reporting with photos, commenting, and the
outbox creating the incident in the Odoo sandbox."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from apps.api.models import TokenAccess
from apps.audit.models import AuditEvent
from apps.incidents.models import IncidentStatus, StoreIncident
from apps.incidents.services import IncidentReport, incident_submit
from apps.writeback.models import WriteBack
from apps.writeback.services import writeback_run
from tests.api.conftest import bearer, error_of, token_for
from tests.factories import Network

pytestmark = pytest.mark.django_db


def jpeg(color: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(out, format="JPEG")
    return out.getvalue()


def report(user: Any, store: Any, title: str = "Freezer aisle 4 warm, ice cream soft") -> StoreIncident:
    return incident_submit(user=user, report=IncidentReport(store=store, title=title, category="refrigeration",
                                                            urgency="high"))


@pytest.fixture
def incidents(network: Network) -> dict[str, StoreIncident]:
    return {"N01": report(network.manager_a, network.store_a), "S01": report(network.manager_c, network.store_c)}


def submit(user: Any, **body: Any) -> Any:
    return bearer(token_for(user)).post("/api/v1/incidents/", data=body, content_type="application/json")


@pytest.mark.parametrize(("who", "expected"), [
    ("manager_a", {"N01"}), ("manager_c", {"S01"}), ("regional_north", {"N01"}), ("hq", {"N01", "S01"}),
    ("ops", {"N01", "S01"}), ("nobody", set()),
])
def test_it_lists_each_role_the_incidents_of_its_stores(network: Network, incidents, who: str,  # type: ignore[no-untyped-def]
                                                        expected: set[str]) -> None:
    response = bearer(token_for(getattr(network, who))).get("/api/v1/incidents/")
    assert response.status_code == 200
    assert {row["store"]["code"] for row in response.json()["results"]} == expected


def test_it_refuses_incidents_to_anonymous_callers(network: Network, client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/api/v1/incidents/").status_code == 401
    assert client.post("/api/v1/incidents/", data={}, content_type="application/json").status_code == 401


def test_it_shows_an_incident_in_scope_only(network: Network, incidents) -> None:  # type: ignore[no-untyped-def]
    client = bearer(token_for(network.manager_a))
    detail = client.get(f"/api/v1/incidents/{incidents['N01'].pk}/")
    assert detail.status_code == 200
    assert detail.json()["reference"] == incidents["N01"].reference
    assert client.get(f"/api/v1/incidents/{incidents['S01'].pk}/").status_code == 404


def test_it_filters_incidents(network: Network, incidents) -> None:  # type: ignore[no-untyped-def]
    client = bearer(token_for(network.hq))
    rows = client.get("/api/v1/incidents/?store=S01&open=true&category=refrigeration").json()["results"]
    assert [row["reference"] for row in rows] == [incidents["S01"].reference]
    assert client.get("/api/v1/incidents/?category=volcano").status_code == 400


def test_it_pins_the_incident_list_query_count(network: Network, incidents,  # type: ignore[no-untyped-def]
                                               django_assert_max_num_queries) -> None:
    for number in range(5):
        report(network.manager_a, network.store_a, title=f"Till {number} frozen again")
    client = bearer(token_for(network.hq))
    client.get("/api/v1/incidents/")
    with django_assert_max_num_queries(6):
        assert len(client.get("/api/v1/incidents/").json()["results"]) == 7


def test_it_reports_an_incident_and_the_outbox_creates_it_in_odoo(network: Network, odoo) -> None:  # type: ignore[no-untyped-def]
    response = submit(network.manager_a, store=network.store_a.pk, title="Card terminal declines every card",
                      description="<script>alert(1)</script> since opening", category="pos_it", urgency="high")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "queued"
    assert body["description"] == "<script>alert(1)</script> since opening"  # JSON text, never rendered as HTML
    incident = StoreIncident.objects.get(pk=body["id"])
    assert incident.submitted_by == network.manager_a
    assert AuditEvent.objects.filter(action="incident.submitted", object_id=str(incident.pk)).exists()
    writeback = WriteBack.objects.get(source_type="incidents.storeincident", source_id=str(incident.pk))
    assert writeback_run(writeback.pk, gateway=odoo).status == "applied"
    incident.refresh_from_db()
    assert incident.odoo_id


def test_it_takes_the_triage_suggestion_when_category_and_urgency_are_left_out(network: Network) -> None:
    response = submit(network.manager_a, store=network.store_a.pk, title="Freezer 3 warm, ice cream melting")
    assert response.status_code == 201, response.content
    assert response.json()["category"]
    assert response.json()["urgency"]


def test_it_reports_with_photos_and_serves_them_to_the_store_only(network: Network) -> None:
    client = bearer(token_for(network.manager_a))
    response = client.post("/api/v1/incidents/", data={
        "store": network.store_a.pk, "title": "Leak above the bakery", "category": "facilities", "urgency": "medium",
        "photos": [SimpleUploadedFile("a.jpg", jpeg(), "image/jpeg"),
                   SimpleUploadedFile("b.jpg", jpeg((0, 90, 200)), "image/jpeg")]})
    assert response.status_code == 201, response.content
    photos = response.json()["photos"]
    assert len(photos) == 2
    path = photos[0]["url"].split("://", 1)[1].split("/", 1)[1]
    image = client.get(f"/{path}")
    assert image.status_code == 200
    assert image["Content-Type"] == "image/jpeg"
    assert bearer(token_for(network.manager_c)).get(f"/{path}").status_code == 404


def test_it_refuses_a_photo_that_is_not_an_image(network: Network) -> None:
    response = bearer(token_for(network.manager_a)).post("/api/v1/incidents/", data={
        "store": network.store_a.pk, "title": "Leak above the bakery", "category": "facilities", "urgency": "medium",
        "photos": [SimpleUploadedFile("a.jpg", b"%PDF-1.4 not a photo", "image/jpeg")]})
    assert response.status_code == 400
    assert "photos" in error_of(response)["fields"]
    assert not StoreIncident.objects.exists()


def test_it_refuses_reporting_for_another_store(network: Network) -> None:
    response = submit(network.manager_a, store=network.store_c.pk, title="Freezer warm", category="refrigeration",
                      urgency="high")
    assert response.status_code == 400
    assert "store" in error_of(response)["fields"]
    assert not StoreIncident.objects.exists()


def test_it_refuses_reporting_to_a_role_that_only_views(network: Network) -> None:
    response = submit(network.ops, store=network.store_a.pk, title="Freezer warm", category="refrigeration",
                      urgency="high")
    assert response.status_code == 403
    assert "N01" in error_of(response)["message"]


@pytest.mark.parametrize("body", [{"title": "ok title"}, {"store": "abc", "title": "ok title"},
                                  {"store": 1, "title": "x"}, {"store": 1, "title": "Freezer", "urgency": "soon"}])
def test_it_refuses_bad_reports_with_field_messages(network: Network, body: dict[str, Any]) -> None:
    if body.get("store") == 1:
        body["store"] = network.store_a.pk
    response = submit(network.manager_a, **body)
    assert response.status_code == 400
    assert error_of(response)["fields"]
    assert not StoreIncident.objects.exists()


def test_it_refuses_a_read_only_token_reporting(network: Network) -> None:
    response = bearer(token_for(network.manager_a, access=TokenAccess.READ)).post(
        "/api/v1/incidents/", data={"store": network.store_a.pk, "title": "Freezer warm"},
        content_type="application/json")
    assert response.status_code == 403
    assert error_of(response)["code"] == "read_only_token"


def comment(user: Any, incident: StoreIncident, **body: Any) -> Any:
    return bearer(token_for(user)).post(f"/api/v1/incidents/{incident.pk}/comments/", data=body,
                                        content_type="application/json")


def test_it_adds_comments_for_the_store_and_its_region(network: Network, incidents) -> None:  # type: ignore[no-untyped-def]
    response = comment(network.manager_a, incidents["N01"], body="Engineer called, arriving at 3pm")
    assert response.status_code == 201, response.content
    assert response.json()["author"] == "manager_a"
    assert comment(network.regional_north, incidents["N01"], body="Chased the contractor").status_code == 201
    detail = bearer(token_for(network.hq)).get(f"/api/v1/incidents/{incidents['N01'].pk}/").json()
    assert [c["body"] for c in detail["comments"]] == ["Engineer called, arriving at 3pm", "Chased the contractor"]


def test_it_refuses_comments_outside_the_scope_or_role(network: Network, incidents) -> None:  # type: ignore[no-untyped-def]
    assert comment(network.manager_c, incidents["N01"], body="Not mine").status_code == 404
    refused = comment(network.ops, incidents["N01"], body="Ops view only")
    assert refused.status_code == 403
    assert comment(network.manager_a, incidents["N01"]).status_code == 400
    assert not incidents["N01"].comments.exists()


def test_it_answers_409_for_a_comment_on_a_closed_incident(network: Network, incidents) -> None:  # type: ignore[no-untyped-def]
    StoreIncident.objects.filter(pk=incidents["N01"].pk).update(status=IncidentStatus.CLOSED)
    response = comment(network.manager_a, incidents["N01"], body="Still broken")
    assert response.status_code == 409
    assert error_of(response)["code"] == "conflict"
