"""Sending deliveries: claim by conditional UPDATE, sign, POST, record the attempt, retry with backoff.

At least once: a worker that dies after the receiver answered but before the row is marked sends the
event again after the lease. Receivers dedupe on the event id (`X-Webhook-Id`).
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta

from django.db import models, transaction
from django.utils import timezone

from apps.sync.hints import sign
from apps.webhooks import conf
from apps.webhooks.events import envelope
from apps.webhooks.models import (
    DUE_STATUSES,
    DeliveryAttempt,
    DeliveryStatus,
    WebhookDelivery,
    WebhookEvent,
)
from apps.webhooks.sender import SendResult, post

logger = logging.getLogger(__name__)


def signed_headers(delivery: WebhookDelivery, body: bytes, secret: str, *, now: float | None = None
                   ) -> dict[str, str]:
    """The same scheme as inbound hints (`apps.sync.hints.sign`): HMAC-SHA256 over `<timestamp>.<body>`."""
    stamp = int(time.time() if now is None else now)
    return {"X-Signature": sign(body, stamp, secret), "X-Signature-Timestamp": str(stamp),
            "X-Webhook-Id": str(delivery.event_id), "X-Webhook-Event": delivery.event.event_type,
            "X-Webhook-Delivery": str(delivery.pk), "X-Webhook-Attempt": str(delivery.attempts)}


def delivery_claim(pk: int) -> WebhookDelivery | None:
    """Of two workers racing for a due delivery, exactly one wins."""
    now = timezone.now()
    claimed = WebhookDelivery.objects.filter(pk=pk, status__in=DUE_STATUSES, next_attempt_at__lte=now).update(
        status=DeliveryStatus.IN_PROGRESS, claimed_at=now, attempts=models.F("attempts") + 1, updated_at=now)
    if not claimed:
        return None
    return WebhookDelivery.objects.select_related("event", "event__store", "subscription").get(pk=pk)


def delivery_run(pk: int) -> WebhookDelivery | None:
    """Claim and send one delivery; returns it with its new status, or None when it is not due or taken.

    The HTTP call happens outside any transaction; only the outcome is written in one."""
    delivery = delivery_claim(pk)
    if delivery is None:
        return None
    subscription = delivery.subscription
    if not subscription.active:
        return _record(delivery, SendResult(None, "Subscription is inactive.", "", 0), final=True)
    body = envelope(delivery.event)
    result = post(subscription.url, body, signed_headers(delivery, body, subscription.secret),
                  timeout=conf.TIMEOUT_SECONDS, excerpt_limit=conf.RESPONSE_EXCERPT)
    # A refused destination (inside the network, plain http disabled) will not become allowed by
    # waiting: the delivery stops until an operator fixes the subscription and redelivers.
    return _record(delivery, result, final=result.refused)


@transaction.atomic
def _record(delivery: WebhookDelivery, result: SendResult, *, final: bool = False) -> WebhookDelivery:
    now = timezone.now()
    DeliveryAttempt.objects.create(delivery=delivery, number=delivery.attempt_log.count() + 1, at=now,
                                   status_code=result.status_code, duration_ms=result.duration_ms,
                                   error=result.error[:300], response_excerpt=result.excerpt[:conf.RESPONSE_EXCERPT],
                                   manual=delivery.is_manual_attempt())
    delivery.last_status_code, delivery.last_error = result.status_code, result.error[:300]
    if result.ok:
        delivery.status, delivery.delivered_at = DeliveryStatus.DELIVERED, now
    elif final or delivery.attempts_in_run() >= conf.MAX_ATTEMPTS:
        delivery.status = DeliveryStatus.DEAD
    else:
        delivery.status, delivery.next_attempt_at = DeliveryStatus.RETRYING, now + delivery.backoff()
    delivery.save(update_fields=["status", "delivered_at", "next_attempt_at", "last_status_code", "last_error",
                                 "updated_at"])
    if not result.ok:
        logger.info("Webhook delivery %s to %s failed (attempt %s): %s", delivery.pk, delivery.subscription.name,
                    delivery.attempts, result.error or result.status_code)
    from apps.live.broadcast import panels_changed

    panels_changed(store_id=None, topics=["webhooks"])
    return delivery


def deliveries_recover() -> int:
    """Deliveries stuck in progress past the lease belong to a dead worker: make them due again."""
    lease = timezone.now() - timedelta(seconds=conf.LEASE_SECONDS)
    return WebhookDelivery.objects.filter(status=DeliveryStatus.IN_PROGRESS, claimed_at__lt=lease).update(
        status=DeliveryStatus.RETRYING, next_attempt_at=timezone.now(), last_error="Worker lost; retrying.")


def deliveries_dispatch(*, limit: int | None = None) -> int:
    """The periodic pass: recover, publish harvested history, then send what is due (oldest first).

    A receiver that fails in this pass is skipped for the rest of it, so one dead endpoint cannot use
    up the pass with timeouts; its deliveries keep their schedule."""
    from apps.webhooks.harvest import health_events_publish

    deliveries_recover()
    health_events_publish()
    failing: set[int] = set()
    sent = 0
    due = WebhookDelivery.objects.due().order_by("next_attempt_at", "pk").values_list("pk", "subscription_id")
    for pk, subscription_id in due[: limit or conf.DISPATCH_BATCH]:
        if subscription_id in failing:
            continue
        delivery = delivery_run(pk)
        if delivery is None:
            continue
        sent += 1
        if delivery.status != DeliveryStatus.DELIVERED:
            failing.add(subscription_id)
    return sent


def deliveries_prune(*, now: datetime | None = None) -> int:
    """Finished deliveries older than the kept window go, then events without deliveries."""
    cutoff = (now or timezone.now()) - timedelta(days=conf.KEEP_DAYS)
    _, removed = WebhookDelivery.objects.filter(status__in=(DeliveryStatus.DELIVERED, DeliveryStatus.DEAD),
                                                updated_at__lt=cutoff).delete()
    WebhookEvent.objects.filter(occurred_at__lt=cutoff, deliveries__isnull=True).delete()
    return removed.get(WebhookDelivery._meta.label, 0)
