"""One client address for the sign-in lock-out, the API throttle, the audit trail and rejected hints:
REMOTE_ADDR unless CT_PROXY_COUNT says how many of our own proxies append to X-Forwarded-For, so a
forged header changes nothing."""

from __future__ import annotations

import itertools

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import reverse

from apps.api import conf as api_conf
from apps.audit.services import audit_record
from apps.sync.hints import hint_path
from apps.sync.models import WebhookRejection
from tests.factories import PASSWORD, Network

pytestmark = pytest.mark.django_db
_forged = (f"203.0.113.{n}" for n in itertools.count(1))


def forged() -> str:
    """A new address each time, as a script bypassing limits would send."""
    return next(_forged)


def test_it_locks_out_a_sign_in_whatever_x_forwarded_for_says(network: Network, settings) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    settings.CT_PROXY_COUNT = 0
    client = Client()
    for _ in range(5):
        client.post(reverse("login"), {"username": "manager_a", "password": "wrong"},
                    headers={"X-Forwarded-For": forged()})
    response = client.post(reverse("login"), {"username": "manager_a", "password": PASSWORD},
                           headers={"X-Forwarded-For": forged()})
    assert response.status_code == 429
    assert not response.wsgi_request.user.is_authenticated


def test_it_locks_out_the_client_our_proxy_names_not_the_proxy(network: Network, settings) -> None:
    """Behind one proxy: the address it appended is the client's; what the client put left of it is not."""
    settings.AXES_FAILURE_LIMIT = 3
    settings.CT_PROXY_COUNT = 1
    for _ in range(3):
        Client().post(reverse("login"), {"username": "manager_a", "password": "wrong"},
                      headers={"X-Forwarded-For": f"{forged()}, 198.51.100.7"})
    locked = Client().post(reverse("login"), {"username": "manager_a", "password": PASSWORD},
                           headers={"X-Forwarded-For": f"{forged()}, 198.51.100.7"})
    assert locked.status_code == 429
    other = Client().post(reverse("login"), {"username": "manager_a", "password": PASSWORD},
                          headers={"X-Forwarded-For": "198.51.100.8"})
    assert other.status_code == 302  # another client behind the same proxy is not locked out


def test_it_throttles_anonymous_api_callers_whatever_x_forwarded_for_says(
        network: Network, settings, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.CT_PROXY_COUNT = 0
    monkeypatch.setattr(api_conf, "RATE_ANONYMOUS", "2/minute")
    cache.clear()
    codes = [Client().get("/api/v1/stores/", headers={"X-Forwarded-For": forged()}).status_code for _ in range(3)]
    assert codes == [401, 401, 429]


def test_it_throttles_behind_a_proxy_by_the_address_the_proxy_appended(
        network: Network, settings, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.CT_PROXY_COUNT = 1
    monkeypatch.setattr(api_conf, "RATE_ANONYMOUS", "2/minute")
    cache.clear()
    codes = [Client().get("/api/v1/stores/", headers={"X-Forwarded-For": f"{forged()}, 198.51.100.9"}).status_code
             for _ in range(3)]
    assert codes == [401, 401, 429]
    assert Client().get("/api/v1/stores/", headers={"X-Forwarded-For": "198.51.100.10"}).status_code == 401


@pytest.mark.parametrize(("proxies", "header", "recorded"), [
    (0, "203.0.113.99", "127.0.0.1"),
    (1, "203.0.113.99, 198.51.100.11", "198.51.100.11"),
    (1, "not-an-address", "127.0.0.1"),
])
def test_it_records_rejected_hints_from_the_configured_address(network: Network, settings, proxies: int,
                                                                header: str, recorded: str) -> None:
    settings.CT_PROXY_COUNT = proxies
    settings.CT_WEBHOOK_SECRET = "s" * 40
    response = Client().post(hint_path(), data=b"{}", content_type="application/json",
                             headers={"X-Forwarded-For": header})
    assert response.status_code >= 400
    assert WebhookRejection.objects.get().source_ip == recorded


@pytest.mark.parametrize(("proxies", "recorded"), [(0, "127.0.0.1"), (2, "198.51.100.12")])
def test_it_audits_the_configured_client_address(network: Network, settings, proxies: int, recorded: str) -> None:
    settings.CT_PROXY_COUNT = proxies
    request = RequestFactory().post("/", REMOTE_ADDR="127.0.0.1",
                                    HTTP_X_FORWARDED_FOR="203.0.113.50, 198.51.100.12, 10.0.0.2")
    event = audit_record(action="approval.approve", actor=network.regional_north, request=request)
    event.refresh_from_db()
    assert event.source_ip == recorded
