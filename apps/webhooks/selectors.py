"""Reads for the webhook pages (operations admins only)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext

from apps.organisation.roles import Action
from apps.organisation.scope import has_network_scope
from apps.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from apps.webhooks.services import NOT_ADMIN

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    Person = User | AnonymousUser

DELIVERY_FILTERS = ("all", *DeliveryStatus.values)


def delivery_filter_choices() -> list[tuple[str, str]]:
    """The delivery log's status filters with the words people read."""
    return [("all", gettext("all")), *((value, str(label)) for value, label in DeliveryStatus.choices)]


def webhooks_access_check(user: Person) -> None:
    if not has_network_scope(user, Action.ADMINISTER):
        raise PermissionDenied(NOT_ADMIN)


def subscriptions_overview(user: Person) -> QuerySet[WebhookSubscription]:
    webhooks_access_check(user)
    return WebhookSubscription.objects.prefetch_related("stores", "regions").annotate(
        delivered=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.DELIVERED)),
        waiting=Count("deliveries", filter=Q(deliveries__status__in=(DeliveryStatus.PENDING,
                                                                     DeliveryStatus.RETRYING,
                                                                     DeliveryStatus.IN_PROGRESS))),
        dead=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.DEAD))).order_by("name", "pk")


def subscription_get(user: Person, pk: int) -> WebhookSubscription:
    webhooks_access_check(user)
    subscription = WebhookSubscription.objects.prefetch_related("stores", "regions").filter(pk=pk).first()
    if subscription is None:
        raise Http404(gettext("No such subscription."))
    return subscription


def deliveries_for(subscription: WebhookSubscription, status: str = "all") -> QuerySet[WebhookDelivery]:
    deliveries = WebhookDelivery.objects.filter(subscription=subscription).select_related("event", "event__store")
    if status != "all":
        deliveries = deliveries.filter(status=status)
    return deliveries.order_by("-created_at", "-pk")


def delivery_get(user: Person, pk: int) -> WebhookDelivery:
    webhooks_access_check(user)
    delivery = (WebhookDelivery.objects.select_related("event", "event__store", "subscription")
                .prefetch_related("attempt_log").filter(pk=pk).first())
    if delivery is None:
        raise Http404(gettext("No such delivery."))
    return delivery
