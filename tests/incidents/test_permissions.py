"""Every incident page, fragment, photo and endpoint, per role and store: anonymous, no role, other
store, other region, own store, region, HQ and operations."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.incidents.models import IncidentOverride, StoreIncident
from tests.factories import Network
from tests.incidents.conftest import client_for, photo_bytes, submit
from tests.incidents.test_submit import upload

pytestmark = pytest.mark.django_db
ROLES = ("anonymous", "nobody", "manager_a", "manager_c", "regional_north", "regional_south", "hq", "ops")


@pytest.fixture
def incident_a(network: Network) -> StoreIncident:
    from apps.incidents.photos import photo_clean

    return submit(network.manager_a, network.store_a, photos=[photo_clean(upload("a.jpg", photo_bytes()))])


def client_as(network: Network, role: str) -> Client:
    return Client() if role == "anonymous" else client_for(getattr(network, role))


def expect(table: dict[str, int], role: str) -> int:
    return table[role]


PAGE_RULES: dict[str, dict[str, int]] = {
    # list, its fragment, the report form: need a role (VIEW / OPERATE); anonymous goes to sign-in
    "list": {"anonymous": 302, "nobody": 403, "manager_a": 200, "manager_c": 200, "regional_north": 200,
             "regional_south": 200, "hq": 200, "ops": 200},
    "list_panel": {"anonymous": 302, "nobody": 403, "manager_a": 200, "manager_c": 200, "regional_north": 200,
                   "regional_south": 200, "hq": 200, "ops": 200},
    "new": {"anonymous": 302, "nobody": 403, "manager_a": 200, "manager_c": 200, "regional_north": 200,
            "regional_south": 200, "hq": 200, "ops": 403},
}
# Store A's incident: out of scope is a 404 (its existence does not leak); in scope without the
# right role is a 403.
RECORD_RULES: dict[str, dict[str, int]] = {
    "detail": {"anonymous": 302, "nobody": 404, "manager_a": 200, "manager_c": 404, "regional_north": 200,
               "regional_south": 404, "hq": 200, "ops": 200},
    "panel": {"anonymous": 302, "nobody": 404, "manager_a": 200, "manager_c": 404, "regional_north": 200,
              "regional_south": 404, "hq": 200, "ops": 200},
    "photo": {"anonymous": 302, "nobody": 404, "manager_a": 200, "manager_c": 404, "regional_north": 200,
              "regional_south": 404, "hq": 200, "ops": 200},
    "comment": {"anonymous": 302, "nobody": 404, "manager_a": 302, "manager_c": 404, "regional_north": 302,
                "regional_south": 404, "hq": 302, "ops": 403},
    "override": {"anonymous": 302, "nobody": 404, "manager_a": 403, "manager_c": 404, "regional_north": 302,
                 "regional_south": 404, "hq": 302, "ops": 403},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", list(PAGE_RULES))
def test_it_guards_every_page(network: Network, incident_a: StoreIncident, page: str, role: str) -> None:
    response = client_as(network, role).get(reverse(f"incidents:{page}"))
    assert response.status_code == expect(PAGE_RULES[page], role)
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("login"))
    if page.startswith("list") and response.status_code == 200:
        sees_a = role in ("manager_a", "regional_north", "hq", "ops")
        assert (incident_a.reference in response.content.decode()) is sees_a


@pytest.mark.parametrize("role", ROLES)
def test_it_guards_the_triage_endpoint(network: Network, role: str) -> None:
    response = client_as(network, role).post(reverse("incidents:triage"), {"title": "Freezer warm, ice cream soft"})
    assert response.status_code == {"anonymous": 302, "nobody": 403, "ops": 403}.get(role, 200)


def record_request(client: Client, kind: str, incident: StoreIncident) -> Any:
    if kind == "photo":
        return client.get(incident.photos.get().get_absolute_url())
    if kind == "comment":
        return client.post(reverse("incidents:comment", args=[incident.pk]), {"body": "Still warm at noon"})
    if kind == "override":
        return client.post(reverse("incidents:override", args=[incident.pk]),
                           {"kind": "reprioritise", "urgency": "high", "reason": "Engineer says it is holding"})
    return client.get(reverse(f"incidents:{kind}", args=[incident.pk]))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", list(RECORD_RULES))
def test_it_guards_every_record_url(network: Network, incident_a: StoreIncident, kind: str, role: str) -> None:
    response = record_request(client_as(network, role), kind, incident_a)
    assert response.status_code == expect(RECORD_RULES[kind], role)
    changed = response.status_code == 302 and role != "anonymous"
    assert incident_a.comments.exists() is (kind == "comment" and changed)
    assert IncidentOverride.objects.exists() is (kind == "override" and changed)
    if kind == "photo" and response.status_code == 200:
        assert response["Content-Type"] == "image/jpeg"
        assert "private" in response["Cache-Control"]


def test_it_says_what_is_missing_on_a_refusal(network: Network, incident_a: StoreIncident) -> None:
    response = record_request(client_for(network.manager_a), "override", incident_a)
    assert "Overrides need a regional manager or HQ role" in response.content.decode()


def test_it_never_serves_photos_from_a_public_media_url(network: Network, incident_a: StoreIncident) -> None:
    photo = incident_a.photos.get()
    client = client_for(network.manager_a)
    assert client.get(f"/media/{photo.file.name}").status_code == 404
    page = client.get(incident_a.get_absolute_url()).content.decode()
    assert photo.file.name not in page
    assert photo.get_absolute_url() in page


def _count_list_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("incidents:list")).status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", ["manager_a", "regional_north", "hq"])
def test_it_keeps_the_list_query_count_flat_as_incidents_grow(network: Network, role: str,
                                                              django_assert_max_num_queries: Any) -> None:
    client = client_as(network, role)
    submit(network.manager_a, network.store_a)
    small = _count_list_queries(client)
    for index in range(20):
        submit(network.regional_north, network.store_a if index % 2 else network.store_b, title=f"Leak {index}")
    with django_assert_max_num_queries(small):
        assert client.get(reverse("incidents:list")).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(reverse("incidents:list_panel")).status_code == 200
