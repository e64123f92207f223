"""Records operations admins read in the Django admin but never add or edit there (health signals,
webhook deliveries): listed for operations, refused to everyone else, no add or change form."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import Network

pytestmark = pytest.mark.django_db

READ_ONLY = ["/admin/health/healthsignal/", "/admin/health/healthevent/", "/admin/webhooks/webhookdelivery/",
             "/admin/webhooks/webhooksubscription/"]


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


@pytest.mark.parametrize("url", READ_ONLY)
def test_operations_admins_read_but_never_add(network: Network, url: str) -> None:
    ops = signed_in(network.ops)
    listing = ops.get(url)
    assert listing.status_code == 200
    assert f'href="{url}add/"' not in listing.content.decode()
    assert ops.get(f"{url}add/").status_code == 403


@pytest.mark.parametrize("url", READ_ONLY)
def test_nobody_else_reaches_them(network: Network, url: str) -> None:
    for person in (network.hq, network.regional_north, network.manager_a):
        response = signed_in(person).get(url)
        assert response.status_code in (302, 403), (person, response.status_code)
        assert "/admin/login/" in response.get("Location", "/admin/login/")
