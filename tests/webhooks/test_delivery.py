"""Delivering to a local receiver: signed bodies (checked independently), retries with backoff, giving
up, manual redelivery, no redirects, timeouts, lost workers and pruning."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.webhooks import conf
from apps.webhooks.delivery import (
    deliveries_dispatch,
    deliveries_prune,
    deliveries_recover,
    delivery_claim,
    delivery_run,
)
from apps.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEvent
from apps.webhooks.services import delivery_redeliver, event_publish, subscription_rotate_secret
from tests.factories import Network
from tests.webhooks.conftest import Receiver, subscribe, verify

pytestmark = pytest.mark.django_db


def publish(network: Network, **payload: object) -> WebhookDelivery:
    event_publish("incident.created", {"incident": {"reference": "CT-TEST", **payload}}, network.store_a)
    return WebhookDelivery.objects.order_by("-pk").first()  # type: ignore[return-value]


def test_it_signs_every_delivery_so_the_receiver_can_verify_it(network: Network, receiver: Receiver) -> None:
    _, secret = subscribe(network.ops, receiver.url)
    delivery = publish(network)
    assert delivery_run(delivery.pk).status == DeliveryStatus.DELIVERED
    [received] = receiver.requests
    assert verify(secret, received)
    assert not verify("whsec_wrong", received)
    assert received.headers["X-Webhook-Id"] == str(delivery.event_id)
    assert received.headers["X-Webhook-Event"] == "incident.created"
    assert received.headers["Content-Type"] == "application/json"
    body = received.json
    assert body["id"] == str(delivery.event_id)
    assert body["type"] == "incident.created"
    assert body["store"]["code"] == "N01"
    assert body["data"]["incident"]["reference"] == "CT-TEST"


def test_it_makes_a_tampered_body_fail_the_check(network: Network, receiver: Receiver) -> None:
    _, secret = subscribe(network.ops, receiver.url)
    delivery_run(publish(network).pk)
    received = receiver.requests[0]
    received.body = received.body.replace(b"CT-TEST", b"CT-EVIL")
    assert not verify(secret, received)


def test_it_retries_with_growing_backoff_then_delivers(network: Network, receiver: Receiver) -> None:
    subscribe(network.ops, receiver.url)
    receiver.statuses = [500, 503]
    delivery = publish(network)
    first = delivery_run(delivery.pk)
    assert first.status == DeliveryStatus.RETRYING
    assert first.last_status_code == 500
    wait = first.next_attempt_at - timezone.now()
    assert timedelta(seconds=conf.BACKOFF_SECONDS / 2 - 1) <= wait <= timedelta(seconds=conf.BACKOFF_SECONDS)
    assert delivery_run(delivery.pk) is None  # not due yet
    with time_machine.travel(first.next_attempt_at + timedelta(seconds=1)):
        second = delivery_run(delivery.pk)
    assert second.status == DeliveryStatus.RETRYING
    assert second.next_attempt_at - first.next_attempt_at >= timedelta(seconds=conf.BACKOFF_SECONDS)
    with time_machine.travel(second.next_attempt_at + timedelta(seconds=1)):
        third = delivery_run(delivery.pk)
    assert third.status == DeliveryStatus.DELIVERED
    assert len(receiver.requests) == 3
    assert len({r.headers["X-Webhook-Id"] for r in receiver.requests}) == 1
    assert [a.status_code for a in third.attempt_log.order_by("number")] == [500, 503, 200]


def test_it_gives_up_after_the_last_attempt_and_redelivers_on_request(
        network: Network, receiver: Receiver, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(conf, "MAX_ATTEMPTS", 2)
    _, secret = subscribe(network.ops, receiver.url)
    receiver.statuses = [500, 500]
    delivery = publish(network)
    delivery_run(delivery.pk)
    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        dead = delivery_run(delivery.pk)
    assert dead.status == DeliveryStatus.DEAD
    redelivered = delivery_redeliver(delivery=dead, actor=network.ops)
    assert redelivered.status == DeliveryStatus.PENDING
    assert redelivered.attempts == 2  # a redelivery keeps counting
    assert AuditEvent.objects.filter(action="webhook.redelivered").exists()
    done = delivery_run(delivery.pk)
    assert done.status == DeliveryStatus.DELIVERED
    assert done.attempts == 3
    assert [a.manual for a in done.attempt_log.order_by("number")] == [False, False, True]
    assert [r.headers["X-Webhook-Attempt"] for r in receiver.requests] == ["1", "2", "3"]
    assert verify(secret, receiver.requests[-1])
    assert receiver.requests[-1].json["id"] == receiver.requests[0].json["id"]


def test_it_redelivers_a_delivered_event_with_the_same_id(network: Network, receiver: Receiver) -> None:
    subscribe(network.ops, receiver.url)
    delivery = publish(network)
    delivery_run(delivery.pk)
    delivery_redeliver(delivery=WebhookDelivery.objects.get(pk=delivery.pk), actor=network.ops)
    delivery_run(delivery.pk)
    assert [r.headers["X-Webhook-Id"] for r in receiver.requests] == [str(delivery.event_id)] * 2


def test_it_keeps_redelivery_to_operations(network: Network, receiver: Receiver) -> None:
    from django.core.exceptions import PermissionDenied

    subscribe(network.ops, receiver.url)
    delivery = publish(network)
    with pytest.raises(PermissionDenied):
        delivery_redeliver(delivery=delivery, actor=network.hq)


def test_it_does_not_follow_redirects(network: Network, receiver: Receiver) -> None:
    subscribe(network.ops, receiver.url)
    receiver.statuses = [302]
    result = delivery_run(publish(network).pk)
    assert result.status == DeliveryStatus.RETRYING
    assert result.last_status_code == 302
    assert "Redirect" in result.last_error
    assert len(receiver.requests) == 1


def test_it_records_a_receiver_that_does_not_answer_in_time(network: Network, receiver: Receiver,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(conf, "TIMEOUT_SECONDS", 0.2)
    receiver.delay = 1.0
    subscribe(network.ops, receiver.url)
    result = delivery_run(publish(network).pk)
    assert result.status == DeliveryStatus.RETRYING
    assert "No answer" in result.last_error


@pytest.mark.usefixtures("loopback_allowed")
def test_it_records_a_receiver_that_is_down(network: Network) -> None:
    subscribe(network.ops, "http://127.0.0.1:9/nothing-listens")
    result = delivery_run(publish(network).pk)
    assert result.status == DeliveryStatus.RETRYING
    assert "Connection failed" in result.last_error


def test_it_signs_with_the_rotated_secret(network: Network, receiver: Receiver) -> None:
    sub, old = subscribe(network.ops, receiver.url)
    new = subscription_rotate_secret(subscription=sub, actor=network.ops)
    delivery_run(publish(network).pk)
    assert verify(new, receiver.requests[0])
    assert not verify(old, receiver.requests[0])


def test_it_claims_a_delivery_once(network: Network, receiver: Receiver) -> None:
    subscribe(network.ops, receiver.url)
    delivery = publish(network)
    assert delivery_claim(delivery.pk) is not None
    assert delivery_claim(delivery.pk) is None


def test_it_retries_a_delivery_whose_worker_died(network: Network, receiver: Receiver) -> None:
    subscribe(network.ops, receiver.url)
    delivery = publish(network)
    delivery_claim(delivery.pk)
    assert deliveries_recover() == 0
    with time_machine.travel(timezone.now() + timedelta(seconds=conf.LEASE_SECONDS + 5)):
        assert deliveries_recover() == 1
        assert delivery_run(delivery.pk).status == DeliveryStatus.DELIVERED


def test_it_dispatches_due_deliveries_and_skips_a_failing_receiver_for_the_pass(
        network: Network, receiver: Receiver) -> None:  # the receiver fixture allows loopback
    subscribe(network.ops, receiver.url, name="good")
    subscribe(network.ops, "http://127.0.0.1:9/down", name="down")
    for number in range(3):
        publish(network, n=number)
    assert deliveries_dispatch() == 4  # three to the good receiver, one try at the dead one
    assert len(receiver.requests) == 3
    down = WebhookDelivery.objects.filter(subscription__name="down")
    assert down.filter(status=DeliveryStatus.RETRYING).count() == 1
    assert down.filter(status=DeliveryStatus.PENDING).count() == 2


def test_it_stops_delivering_to_a_paused_subscription(network: Network, receiver: Receiver) -> None:
    from apps.webhooks.models import WebhookSubscription

    sub, _ = subscribe(network.ops, receiver.url)
    delivery = publish(network)
    WebhookSubscription.objects.filter(pk=sub.pk).update(active=False)
    assert delivery_run(delivery.pk).status == DeliveryStatus.DEAD
    assert receiver.requests == []


def test_it_prunes_old_finished_deliveries_and_their_events(network: Network, receiver: Receiver) -> None:
    subscribe(network.ops, receiver.url)
    delivery_run(publish(network).pk)
    assert deliveries_prune() == 0
    later = timezone.now() + timedelta(days=conf.KEEP_DAYS + 1)
    assert deliveries_prune(now=later) == 1
    assert not WebhookEvent.objects.exists()


def test_it_gives_a_redelivery_a_fresh_retry_budget(network: Network, receiver: Receiver,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(conf, "MAX_ATTEMPTS", 2)
    subscribe(network.ops, receiver.url)
    receiver.statuses = [500, 500, 500]
    delivery = publish(network)
    delivery_run(delivery.pk)
    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        dead = delivery_run(delivery.pk)
        delivery_redeliver(delivery=dead, actor=network.ops)
        again = delivery_run(delivery.pk)
    assert again.attempts == 3
    assert again.status == DeliveryStatus.RETRYING  # one retry left in the new run, not dead at once
    wait = again.next_attempt_at - timezone.now()
    assert wait <= timedelta(hours=1, seconds=conf.BACKOFF_SECONDS)  # the backoff starts again too
