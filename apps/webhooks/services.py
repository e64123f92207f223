"""Publishing events and managing subscriptions.

`event_publish` is the one door: the subscribers in `subscribers.py` call it for domain events, inside
the transaction of the change (the event and its deliveries then exist exactly when the change
committed); `harvest.py` calls it for health changes.
Deliveries start after commit; `apps.webhooks.delivery` sends, signs and retries them.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from apps.audit.services import audit_record
from apps.organisation.models import Region, Store
from apps.organisation.roles import Action
from apps.organisation.scope import has_network_scope
from apps.webhooks.destinations import DestinationRefused, destination_check
from apps.webhooks.events import ALL, EVENT_TYPES, plain
from apps.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEvent, WebhookSubscription

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User
    from django.http import HttpRequest

logger = logging.getLogger(__name__)
NOT_ADMIN = "Webhook subscriptions are managed by operations admins."
TOPIC = "webhooks"
ACTIVE_FLAG = "webhooks:any-active"
ACTIVE_FLAG_SECONDS = 10


def _require_admin(actor: User | AnonymousUser) -> None:
    if not has_network_scope(actor, Action.ADMINISTER):
        raise PermissionDenied(NOT_ADMIN)


def _receives(subscription: WebhookSubscription, store: Store | None) -> bool:
    """A subscription limited to stores or regions only receives those stores' events."""
    if not subscription.limited:
        return True
    if store is None:
        return False
    store_ids = {s.pk for s in subscription.stores.all()}
    region_ids = {r.pk for r in subscription.regions.all()}
    return store.pk in store_ids or store.region_id in region_ids


def _any_active() -> bool:
    """Whether any subscription is active, cached briefly: publishing happens on hot paths (every
    decision, write-back outcome, exception change) and costs no query while nobody subscribes.
    Changing a subscription clears the flag (across processes when the cache is Redis)."""
    flag = cache.get(ACTIVE_FLAG)
    if flag is None:
        flag = WebhookSubscription.objects.filter(active=True).exists()
        cache.set(ACTIVE_FLAG, flag, timeout=ACTIVE_FLAG_SECONDS)
    return bool(flag)


def active_flag_clear() -> None:
    cache.delete(ACTIVE_FLAG)
    transaction.on_commit(lambda: cache.delete(ACTIVE_FLAG))


def subscribers(event_type: str, store: Store | None) -> list[WebhookSubscription]:
    if not _any_active():
        return []
    candidates = WebhookSubscription.objects.filter(active=True).prefetch_related("stores", "regions")
    return [sub for sub in candidates if sub.wants(event_type) and _receives(sub, store)]


@transaction.atomic
def event_publish(event_type: str, payload: dict[str, Any], store: Store | None = None, *,
                  dedupe_key: str | None = None, occurred_at: datetime | None = None) -> WebhookEvent | None:
    """Record an event for every active subscription that wants it and start delivering after commit.

    Returns None when nobody subscribed (nothing is stored then). With `dedupe_key`, publishing the
    same key again returns the first event and delivers nothing more: callers may retry freely.
    """
    if event_type not in EVENT_TYPES:
        raise ValueError(f"Unknown webhook event type {event_type!r}; add it to apps.webhooks.events.")
    if dedupe_key:
        existing = WebhookEvent.objects.filter(dedupe_key=dedupe_key).first()
        if existing is not None:
            return existing
    targets = subscribers(event_type, store)
    if not targets:
        return None
    try:
        with transaction.atomic():
            event = WebhookEvent.objects.create(event_type=event_type, payload=plain(payload), store=store,
                                                dedupe_key=dedupe_key or None,
                                                occurred_at=occurred_at or timezone.now())
    except IntegrityError:  # the same key published concurrently: the other one wins
        return WebhookEvent.objects.filter(dedupe_key=dedupe_key).first()
    deliveries = WebhookDelivery.objects.bulk_create(
        [WebhookDelivery(event=event, subscription=sub) for sub in targets])
    _dispatch_on_commit([delivery.pk for delivery in deliveries])
    return event


def _dispatch_on_commit(pks: list[int]) -> None:
    from apps.live.broadcast import panels_changed

    def send() -> None:
        from apps.webhooks.tasks import deliver_webhook

        for pk in pks:
            try:
                deliver_webhook.delay(pk)
            except Exception:  # broker down: the periodic dispatcher sends it
                logger.warning("Could not enqueue webhook delivery %s; the dispatcher will send it", pk,
                               exc_info=True)

    transaction.on_commit(send)
    panels_changed(store_id=None, topics=[TOPIC])


def events_check(events: Iterable[str]) -> list[str]:
    chosen = sorted(set(events))
    if not chosen:
        raise ValidationError({"events": "Choose at least one event type."})
    unknown = [name for name in chosen if name != ALL and name not in EVENT_TYPES]
    if unknown:
        raise ValidationError({"events": f"Unknown event types: {', '.join(unknown)}."})
    return [ALL] if ALL in chosen else chosen


def url_check(url: str) -> str:
    """The rules of `destinations.destination_check` (http(s), plain http only when allowed, public
    receivers unless listed), applied when saving; the sender applies them again at each attempt."""
    url = url.strip()
    try:
        destination_check(url)
    except DestinationRefused as exc:
        raise ValidationError({"url": str(exc)}) from None
    return url


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def subscription_snapshot(sub: WebhookSubscription) -> dict[str, Any]:
    """For the audit trail: everything but the secret."""
    return {"name": sub.name, "url": sub.url, "events": sub.events, "active": sub.active,
            "stores": sorted(sub.stores.values_list("code", flat=True)),
            "regions": sorted(sub.regions.values_list("code", flat=True))}


@transaction.atomic
def subscription_create(*, actor: User, name: str, url: str, events: Iterable[str], active: bool = True,
                        stores: Iterable[Store] = (), regions: Iterable[Region] = (),
                        request: HttpRequest | None = None) -> tuple[WebhookSubscription, str]:
    """A new receiver; returns its signing secret, which is shown once. Created paused (`active`
    false), it receives nothing until switched on."""
    _require_admin(actor)
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Name the subscription."})
    secret = new_secret()
    store_list, region_list = list(stores), list(regions)
    sub = WebhookSubscription.objects.create(name=name[:100], url=url_check(url), events=events_check(events),
                                             secret=secret, active=active,
                                             limited=bool(store_list or region_list), created_by=actor)
    sub.stores.set(store_list)
    sub.regions.set(region_list)
    active_flag_clear()
    audit_record(action="webhook.subscription_created", target=sub, actor=actor, request=request,
                 after=subscription_snapshot(sub))
    return sub, secret


@transaction.atomic
def subscription_update(*, subscription: WebhookSubscription, actor: User, name: str, url: str,
                        events: Iterable[str], active: bool, stores: Iterable[Store] = (),
                        regions: Iterable[Region] = (), request: HttpRequest | None = None) -> WebhookSubscription:
    _require_admin(actor)
    sub = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
    before = subscription_snapshot(sub)
    if not name.strip():
        raise ValidationError({"name": "Name the subscription."})
    store_list, region_list = list(stores), list(regions)
    sub.name, sub.url, sub.events, sub.active = name.strip()[:100], url_check(url), events_check(events), active
    sub.limited = bool(store_list or region_list)
    sub.save()
    sub.stores.set(store_list)
    sub.regions.set(region_list)
    active_flag_clear()
    audit_record(action="webhook.subscription_changed", target=sub, actor=actor, request=request, before=before,
                 after=subscription_snapshot(sub))
    return sub


@transaction.atomic
def subscription_delete(*, subscription: WebhookSubscription, actor: User,
                        request: HttpRequest | None = None) -> None:
    """Remove a receiver with its delivery log (events nobody else receives go with the next prune).
    The audit trail keeps what it was, without the secret."""
    _require_admin(actor)
    sub = WebhookSubscription.objects.select_for_update().filter(pk=subscription.pk).first()
    if sub is None:
        return
    audit_record(action="webhook.subscription_deleted", target=sub, actor=actor, request=request,
                 before={**subscription_snapshot(sub), "deliveries": sub.deliveries.count()})
    sub.delete()
    active_flag_clear()


@transaction.atomic
def subscription_rotate_secret(*, subscription: WebhookSubscription, actor: User,
                               request: HttpRequest | None = None) -> str:
    """A new signing secret, effective for the next attempt; the old one stops working at once."""
    _require_admin(actor)
    secret = new_secret()
    WebhookSubscription.objects.filter(pk=subscription.pk).update(secret=secret, updated_at=timezone.now())
    audit_record(action="webhook.secret_rotated", target=subscription, actor=actor, request=request)
    return secret


@transaction.atomic
def subscription_ping(*, subscription: WebhookSubscription, actor: User,
                      request: HttpRequest | None = None) -> WebhookDelivery:
    """Send a `ping` event to this subscription only, to check the receiver and its signature check."""
    _require_admin(actor)
    event = WebhookEvent.objects.create(event_type="ping", payload={"subscription": subscription.name,
                                                                    "sent_by": actor.get_username()})
    delivery = WebhookDelivery.objects.create(event=event, subscription=subscription)
    audit_record(action="webhook.pinged", target=subscription, actor=actor, request=request)
    _dispatch_on_commit([delivery.pk])
    return delivery


@transaction.atomic
def delivery_redeliver(*, delivery: WebhookDelivery, actor: User,
                       request: HttpRequest | None = None) -> WebhookDelivery:
    """Send a delivery again now, whatever its state (except while a worker is sending it): the
    receiver gets the same event id, so it can tell a redelivery from a new event, and the next
    attempt number (`X-Webhook-Attempt`), so it can tell a redelivery from a duplicate."""
    _require_admin(actor)
    locked = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
    if locked.status == DeliveryStatus.IN_PROGRESS:
        raise ValidationError(gettext("This delivery is being sent right now; try again in a moment."))
    before = {"status": locked.status, "attempts": locked.attempts}
    # Attempts keep counting (the log and the receiver see every try); the retry budget starts again.
    WebhookDelivery.objects.filter(pk=locked.pk).update(status=DeliveryStatus.PENDING,
                                                        redelivered_after=locked.attempts,
                                                        next_attempt_at=timezone.now(), updated_at=timezone.now())
    locked.refresh_from_db()
    audit_record(action="webhook.redelivered", target=locked.subscription, actor=actor, request=request,
                 before=before, after={"delivery": locked.pk, "event": str(locked.event_id)})
    _dispatch_on_commit([locked.pk])
    return locked
