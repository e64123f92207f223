"""Reporting an incident: the form, its validation, upload safety and escaping."""

from __future__ import annotations

import io
import os

import pytest
from django.urls import reverse
from PIL import Image

from apps.audit.models import AuditEvent
from apps.incidents import conf
from apps.incidents.models import IncidentPhoto, IncidentStatus, StoreIncident
from apps.writeback.models import WriteBack
from tests.factories import Network
from tests.incidents.conftest import client_for, photo_bytes, submit, upload

pytestmark = pytest.mark.django_db
NEW = reverse("incidents:new")


def form_data(network: Network, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {"store": network.store_a.pk, "title": "Freezer aisle 4 warm, ice cream soft",
                               "description": "Reading -8C since 7am, stock moved.", "category": "refrigeration",
                               "urgency": "critical", "equipment_ref": "Freezer bank A"}
    data.update(changes)
    return data


def test_it_saves_the_incident_at_once_as_queued_with_its_outbox_row_and_audit(network: Network) -> None:
    client = client_for(network.manager_a)
    response = client.post(NEW, {**form_data(network), "photos": [upload()]}, follow=True)
    assert response.status_code == 200
    incident = StoreIncident.objects.get()
    assert incident.status == IncidentStatus.QUEUED
    assert incident.store == network.store_a
    assert incident.odoo_model == "maintenance.request"
    assert incident.photos.count() == 1
    writeback = WriteBack.objects.get(kind="incident.create")
    assert writeback.payload["incident_id"] == incident.pk
    assert AuditEvent.objects.filter(action="incident.submitted", object_id=str(incident.pk)).exists()
    page = response.content.decode()
    assert f"Incident {incident.reference} is saved and queued for Odoo" in page
    assert "Sent — on its way to the team" in page


def test_it_preselects_the_store_of_a_store_manager(network: Network) -> None:
    page = client_for(network.manager_a).get(NEW).content.decode()
    assert f'name="store" value="{network.store_a.pk}"' in page
    assert f"For {network.store_a}" in page


def test_it_offers_a_regional_manager_the_stores_of_the_region_only(network: Network) -> None:
    page = client_for(network.regional_north).get(NEW).content.decode()
    assert network.store_a.code in page
    assert network.store_b.code in page
    assert network.store_c.code not in page


def test_it_routes_non_maintenance_categories_to_a_project_task(network: Network) -> None:
    client_for(network.manager_a).post(NEW, form_data(network, category="stock", urgency="medium",
                                                      title="Missing pallet from the delivery"))
    assert StoreIncident.objects.get().odoo_model == "project.task"


def test_it_takes_the_suggested_category_and_urgency_when_left_empty(network: Network) -> None:
    client_for(network.manager_a).post(NEW, form_data(network, category="", urgency="",
                                                      title="Till 3 frozen, card payments failing"))
    incident = StoreIncident.objects.get()
    assert incident.category == "pos_it"
    assert incident.urgency
    assert incident.triage_suggestions.get().final_category == "pos_it"


def test_it_refuses_a_missing_title_with_a_clear_message_and_saves_nothing(network: Network) -> None:
    response = client_for(network.manager_a).post(NEW, form_data(network, title=""))
    assert response.status_code == 400
    assert "Say in a few words what is wrong." in response.content.decode()
    assert not StoreIncident.objects.exists()
    assert not WriteBack.objects.exists()


def test_it_refuses_a_store_outside_the_persons_scope(network: Network) -> None:
    response = client_for(network.manager_a).post(NEW, form_data(network, store=network.store_c.pk))
    assert response.status_code == 400
    assert not StoreIncident.objects.exists()


def test_it_refuses_an_oversized_photo(network: Network, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(conf, "PHOTO_MAX_BYTES", 20_000)
    buffer = io.BytesIO()
    Image.frombytes("RGB", (200, 200), os.urandom(200 * 200 * 3)).save(buffer, format="PNG")
    large = buffer.getvalue()
    assert len(large) > 20_000
    response = client_for(network.manager_a).post(
        NEW, {**form_data(network), "photos": [upload("big.png", large, "image/png")]})
    assert response.status_code == 400
    page = response.content.decode()
    assert "big.png is too large" in page
    assert "Photos are not kept when the form has errors" in page
    assert not StoreIncident.objects.exists()


@pytest.mark.parametrize(("name", "content", "content_type"), [
    ("holiday.jpg", b"<script>alert('x')</script>", "image/jpeg"),
    ("invoice.png", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n", "image/png"),
    ("payload.jpg", b"MZ\x90\x00\x03\x00\x00\x00" * 64, "image/jpeg"),
    ("animation.jpg", photo_bytes("GIF"), "image/jpeg"),
    ("truncated.jpg", photo_bytes("JPEG", size=(300, 300))[:400], "image/jpeg"),
])
def test_it_judges_uploads_by_content_not_by_extension(network: Network, name: str, content: bytes,
                                                        content_type: str) -> None:
    response = client_for(network.manager_a).post(
        NEW, {**form_data(network), "photos": [upload(name, content, content_type)]})
    assert response.status_code == 400
    assert f"{name} " in response.content.decode()
    assert not StoreIncident.objects.exists()
    assert not IncidentPhoto.objects.exists()


def test_it_refuses_more_than_five_photos(network: Network) -> None:
    photos = [upload(f"p{i}.jpg") for i in range(conf.MAX_PHOTOS + 1)]
    response = client_for(network.manager_a).post(NEW, {**form_data(network), "photos": photos})
    assert response.status_code == 400
    assert "Add at most 5 photos." in response.content.decode()
    assert not StoreIncident.objects.exists()


def test_it_reencodes_photos_without_metadata_under_a_random_name(network: Network) -> None:
    original = photo_bytes("JPEG", size=(3000, 1000), gps=True)
    assert b"SecretCam" in original
    client_for(network.manager_a).post(NEW, {**form_data(network), "photos": [upload("IMG_0042 gps.jpg", original)]})
    photo = IncidentPhoto.objects.get()
    stored = photo.file.read()
    photo.file.close()
    assert b"SecretCam" not in stored
    assert b"Exif" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG"
        assert not image.getexif()
        assert max(image.size) == conf.PHOTO_MAX_SIDE
    assert "IMG_0042" not in photo.file.name
    assert photo.file.name.startswith("incidents/photos/")
    assert photo.file.name.endswith(f"{photo.pk.hex}.jpg")
    assert photo.original_name == "IMG_0042 gps.jpg"


def test_it_renders_script_in_text_fields_escaped(network: Network) -> None:
    hostile = "<script>alert('pwned')</script>"
    client = client_for(network.manager_a)
    client.post(NEW, form_data(network, title=f"Door {hostile}", description=f"See {hostile}",
                               equipment_ref=hostile))
    incident = StoreIncident.objects.get()
    for url in (incident.get_absolute_url(), reverse("incidents:list"), reverse("incidents:panel", args=[incident.pk])):
        page = client.get(url).content.decode()
        assert "<script>alert(" not in page
        assert "&lt;script&gt;alert(" in page


def test_it_lets_a_store_comment_with_a_photo_on_its_open_incident(network: Network) -> None:
    incident = submit(network.manager_a, network.store_a)
    client = client_for(network.manager_a)
    response = client.post(reverse("incidents:comment", args=[incident.pk]),
                           {"body": "Engineer booked for 3pm", "photos": [upload("later.jpg")]})
    assert response.status_code == 302
    comment = incident.comments.get()
    assert comment.body == "Engineer booked for 3pm"
    assert comment.photos.count() == 1
    assert comment.writeback is None  # not in Odoo yet: sent once the incident is created there


def test_it_refuses_an_empty_comment_and_a_comment_on_a_closed_incident(network: Network) -> None:
    incident = submit(network.manager_a, network.store_a)
    client = client_for(network.manager_a)
    url = reverse("incidents:comment", args=[incident.pk])
    response = client.post(url, {"body": "  "})
    assert response.status_code == 400
    assert "Write a comment or add a photo." in response.content.decode()
    StoreIncident.objects.filter(pk=incident.pk).update(status=IncidentStatus.RESOLVED)
    response = client.post(url, {"body": "Still broken"})
    assert response.status_code == 400
    assert "comments can only be added to open incidents" in response.content.decode()
    assert not incident.comments.exists()
