"""The incident list people can work: keyset pages, a text search, sortable columns, filters kept
when coming back from an incident, saved views; always inside the person's scope."""

from __future__ import annotations

import dataclasses

import pytest
from django.test import Client
from django.urls import reverse

from apps.incidents import selectors
from apps.incidents.models import StoreIncident
from apps.portal.models import SavedView
from tests.factories import Network
from tests.incidents.conftest import client_for, submit
from tests.listing import walk

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def incidents(network: Network, monkeypatch: pytest.MonkeyPatch) -> list[StoreIncident]:
    monkeypatch.setattr(selectors, "INCIDENT_LIST", dataclasses.replace(selectors.INCIDENT_LIST, page_size=2))
    made = [submit(network.manager_a, network.store_a, title=f"Freezer {n} warm at aisle {n}") for n in range(5)]
    made.append(submit(network.manager_c, network.store_c, title="Freezer warm in the south"))
    return made


@pytest.mark.parametrize(("person", "expected"), [("manager_a", 5), ("manager_c", 1), ("regional_north", 5),
                                                  ("hq", 6)])
def test_it_pages_and_searches_within_the_scope(network: Network, incidents, person: str, expected: int) -> None:  # type: ignore[no-untyped-def]
    seen = walk(client_for(getattr(network, person)), reverse("incidents:list"), "q=freezer warm&sort=reported",
                lambda response: response.context["incidents"])
    scoped = StoreIncident.objects.for_user(getattr(network, person)).order_by("created_at", "pk")
    assert seen == list(scoped.values_list("pk", flat=True))
    assert len(seen) == expected


def test_it_searches_by_reference_and_store(network: Network, incidents) -> None:  # type: ignore[no-untyped-def]
    client = client_for(network.hq)
    target = incidents[2]
    panel = client.get(reverse("incidents:list_panel"), {"q": target.reference}, **HTMX).content.decode()
    assert target.title in panel
    assert incidents[3].title not in panel
    south = client.get(reverse("incidents:list"), {"q": network.store_c.code}).context["incidents"]
    assert [incident.pk for incident in south] == [incidents[-1].pk]
    # The south incident stays hidden from the north store manager, whatever is searched.
    assert client_for(network.manager_a).get(reverse("incidents:list"),
                                             {"q": incidents[-1].reference}).context["incidents"] == []


def test_it_sorts_by_title_descending_and_marks_the_column(network: Network, incidents) -> None:  # type: ignore[no-untyped-def]
    response = client_for(network.manager_a).get(reverse("incidents:list"), {"sort": "-title"})
    titles = [incident.title for incident in response.context["incidents"]]
    assert titles == ["Freezer 4 warm at aisle 4", "Freezer 3 warm at aisle 3"]
    assert 'aria-sort="descending"><a href="?show=open&amp;sort=title"' in response.content.decode()


def test_it_restores_the_list_after_opening_an_incident(network: Network, incidents) -> None:  # type: ignore[no-untyped-def]
    client = client_for(network.manager_a)
    client.get(reverse("incidents:list"), {"q": "aisle", "sort": "-reported"})
    detail = client.get(incidents[0].get_absolute_url()).content.decode()
    assert f'<a href="{reverse("incidents:list")}?q=aisle&amp;sort=-reported">← All incidents</a>' in detail


def test_it_saves_an_incident_view_for_its_owner_only(network: Network, incidents) -> None:  # type: ignore[no-untyped-def]
    client = client_for(network.manager_a)
    response = client.post(reverse("portal:saved_view_create"),
                           {"list": "incidents", "name": "Warm freezers", "query": "q=freezer&show=all&page=3"})
    assert response.status_code == 302
    view = SavedView.objects.get()
    assert view.query == "show=all&q=freezer"
    assert ">Warm freezers</a>" in client.get(reverse("incidents:list")).content.decode()
    assert ">Warm freezers</a>" not in client_for(network.manager_c).get(reverse("incidents:list")).content.decode()
    anonymous = Client().post(reverse("portal:saved_view_create"), {"list": "incidents", "name": "x"})
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("login"))
    assert client.post(reverse("portal:saved_view_create"), {"list": "audit", "name": "x"}).status_code == 400
