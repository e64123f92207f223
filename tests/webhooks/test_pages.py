"""The webhook pages (operations admins): subscriptions, the secret shown once, the delivery log,
redelivery, pings and secret rotation; every other role is refused."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from apps.webhooks.delivery import delivery_run
from apps.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from apps.webhooks.services import event_publish
from tests.factories import Network
from tests.webhooks.conftest import Receiver, subscribe, verify

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def secret_in(html: str) -> str:
    match = re.search(r'value="(whsec_[A-Za-z0-9_-]+)"[^>]*data-webhook-secret', html)
    assert match, "no secret shown"
    return match.group(1)


def test_it_sends_anonymous_visitors_to_sign_in(client) -> None:  # type: ignore[no-untyped-def]
    assert "/login/" in client.get("/webhooks/")["Location"]
    assert "/login/" in client.post("/webhooks/new/")["Location"]


@pytest.mark.parametrize("who", ["manager_a", "regional_north", "hq", "nobody"])
def test_it_refuses_everyone_but_operations(network: Network, who: str, receiver: Receiver) -> None:
    sub, _ = subscribe(network.ops, receiver.url)
    client = signed_in(getattr(network, who))
    assert client.get("/webhooks/").status_code == 403
    assert client.get(f"/webhooks/{sub.pk}/").status_code == 403
    assert client.post("/webhooks/new/", {"name": "x", "url": receiver.url, "events": ["*"]}).status_code == 403
    assert client.post(f"/webhooks/{sub.pk}/rotate-secret/").status_code == 403
    assert WebhookSubscription.objects.count() == 1


def test_it_creates_a_subscription_and_shows_its_secret_once(network: Network, receiver: Receiver) -> None:
    client = signed_in(network.ops)
    response = client.post("/webhooks/new/", {"name": "n8n approvals", "url": receiver.url,
                                              "events": ["approval.decided", "writeback.applied"],
                                              "active": "on", "regions": [network.north.pk]})
    assert response.status_code == 201
    assert "no-store" in response["Cache-Control"]
    secret = secret_in(response.content.decode())
    sub = WebhookSubscription.objects.get()
    assert sub.events == ["approval.decided", "writeback.applied"]
    assert sub.limited
    assert secret not in client.get("/webhooks/").content.decode()
    assert secret not in client.get(f"/webhooks/{sub.pk}/").content.decode()


@pytest.mark.parametrize(("url", "events"), [("ftp://example.com/x", ["*"]), ("not a url", ["*"]),
                                             ("http://user:pw@example.com/", ["*"]),
                                             ("http://example.com/", ["approval.maybe"]),
                                             ("http://example.com/", [])])
def test_it_refuses_bad_subscriptions(network: Network, url: str, events: list[str]) -> None:
    response = signed_in(network.ops).post("/webhooks/new/", {"name": "x", "url": url, "events": events})
    assert response.status_code == 400
    assert not WebhookSubscription.objects.exists()


def test_it_refuses_plain_http_when_disabled(network: Network, monkeypatch: pytest.MonkeyPatch) -> None:
    from apps.webhooks import conf

    monkeypatch.setattr(conf, "ALLOW_HTTP", False)
    response = signed_in(network.ops).post("/webhooks/new/", {"name": "x", "url": "http://example.com/h",
                                                              "events": ["*"]})
    assert response.status_code == 400
    assert "https" in response.content.decode()


def test_it_edits_pings_and_rotates(network: Network, receiver: Receiver, monkeypatch: pytest.MonkeyPatch) -> None:
    from apps.webhooks.tasks import deliver_webhook

    monkeypatch.setattr(deliver_webhook, "delay", lambda pk: None)
    sub, _ = subscribe(network.ops, receiver.url)
    client = signed_in(network.ops)
    edited = client.post(f"/webhooks/{sub.pk}/edit/", {"name": "Renamed", "url": receiver.url,
                                                       "events": ["ping"], "active": "on"})
    assert edited.status_code == 302
    sub.refresh_from_db()
    assert sub.name == "Renamed"
    assert sub.events == ["ping"]
    assert client.post(f"/webhooks/{sub.pk}/ping/").status_code == 302
    rotated = client.post(f"/webhooks/{sub.pk}/rotate-secret/")
    secret = secret_in(rotated.content.decode())
    delivery = WebhookDelivery.objects.get(event__event_type="ping")
    delivery_run(delivery.pk)
    assert verify(secret, receiver.requests[0])


def test_it_shows_the_delivery_log_and_redelivers(network: Network, receiver: Receiver) -> None:
    sub, _ = subscribe(network.ops, receiver.url)
    receiver.statuses = [500]
    event_publish("incident.created", {"incident": {"reference": "CT-LOG"}}, network.store_a)
    delivery = WebhookDelivery.objects.get()
    delivery_run(delivery.pk)
    client = signed_in(network.ops)
    page = client.get(f"/webhooks/{sub.pk}/").content.decode()
    assert "incident.created" in page
    assert "HTTP 500" in page
    panel = client.get(f"/webhooks/{sub.pk}/deliveries/?status=retrying", HTTP_HX_REQUEST="true")
    assert panel.status_code == 200
    assert 'id="deliveries-panel"' in panel.content.decode()
    assert "<html" not in panel.content.decode()
    assert "No deliveries" in client.get(f"/webhooks/{sub.pk}/deliveries/?status=dead").content.decode()
    detail = client.get(f"/webhooks/deliveries/{delivery.pk}/").content.decode()
    assert "CT-LOG" in detail
    assert "HTTP 500" in detail
    assert client.post(f"/webhooks/deliveries/{delivery.pk}/redeliver/").status_code == 302
    assert WebhookDelivery.objects.get().status == DeliveryStatus.PENDING


def test_it_escapes_receiver_answers_in_the_log(network: Network, receiver: Receiver) -> None:
    from apps.webhooks.models import DeliveryAttempt

    _sub, _ = subscribe(network.ops, receiver.url)
    event_publish("incident.created", {"incident": {"title": "<script>alert(1)</script>"}}, network.store_a)
    delivery = WebhookDelivery.objects.get()
    DeliveryAttempt.objects.create(delivery=delivery, number=1, status_code=500,
                                   response_excerpt="<img src=x onerror=alert(2)>")
    html = signed_in(network.ops).get(f"/webhooks/deliveries/{delivery.pk}/").content.decode()
    assert "<script>alert(1)" not in html
    assert "<img src=x" not in html
    assert "&lt;img src=x" in html


def test_it_pins_the_page_query_counts(network: Network, receiver: Receiver,  # type: ignore[no-untyped-def]
                                       django_assert_max_num_queries) -> None:
    subs = [subscribe(network.ops, receiver.url, name=f"s{n}", stores=[network.store_a])[0] for n in range(3)]
    for number in range(10):
        event_publish("incident.created", {"n": number}, network.store_a)
    client = signed_in(network.ops)
    client.get("/webhooks/")
    with django_assert_max_num_queries(15):
        assert client.get("/webhooks/").status_code == 200
    with django_assert_max_num_queries(17):
        assert client.get(f"/webhooks/{subs[0].pk}/").status_code == 200


def test_it_creates_a_paused_subscription_when_active_is_unticked(network: Network, receiver: Receiver) -> None:
    response = signed_in(network.ops).post("/webhooks/new/", {"name": "later", "url": receiver.url,
                                                              "events": ["*"]})
    assert response.status_code == 201
    assert not WebhookSubscription.objects.get().active
    assert event_publish("incident.created", {"incident": {"reference": "CT-P"}}, network.store_a) is None
    assert not WebhookDelivery.objects.exists()


def test_it_deletes_a_subscription_and_audits_it(network: Network, receiver: Receiver) -> None:
    from apps.audit.models import AuditEvent

    sub, _ = subscribe(network.ops, receiver.url, name="old n8n")
    event_publish("incident.created", {"incident": {"reference": "CT-D"}}, network.store_a)
    for who in ("manager_a", "regional_north", "hq"):
        assert signed_in(getattr(network, who)).post(f"/webhooks/{sub.pk}/delete/").status_code == 403
    client = signed_in(network.ops)
    assert 'data-confirm="Delete old n8n' in client.get(f"/webhooks/{sub.pk}/").content.decode()
    response = client.post(f"/webhooks/{sub.pk}/delete/")
    assert response.status_code == 302
    assert not WebhookSubscription.objects.exists()
    assert not WebhookDelivery.objects.exists()
    audit = AuditEvent.objects.get(action="webhook.subscription_deleted")
    assert audit.actor == network.ops
    assert audit.before["name"] == "old n8n"
    assert audit.before["deliveries"] == 1
    assert "secret" not in audit.before
    assert client.get(f"/webhooks/{sub.pk}/").status_code == 404
    assert client.post(f"/webhooks/{sub.pk}/delete/").status_code == 404
