"""Outbound webhooks: who wants which events, the events, and every delivery with its attempts.

An event row and its delivery rows are written in the transaction of the change they describe, so
an event exists exactly when the change committed; workers then deliver them, signed, with retries.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class WebhookSubscription(models.Model):
    """A receiver (an n8n webhook node, a chat bridge) and the event types it wants."""

    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("url"), max_length=500, help_text=_("Where events are POSTed."))
    events = models.JSONField(_("events"), default=list, help_text=_('Event types, or ["*"] for all.'))
    secret = models.CharField(_("secret"), max_length=100, editable=False, help_text=_("HMAC key; shown once."))
    active = models.BooleanField(_("active"), default=True)
    stores = models.ManyToManyField("organisation.Store", verbose_name=_("stores"), blank=True, related_name="+",
                                    help_text=_("Only events of these stores (with the regions below); empty: all."))
    regions = models.ManyToManyField("organisation.Region", verbose_name=_("regions"), blank=True, related_name="+",
                                     help_text=_("Only events of these regions' stores; empty: all."))
    limited = models.BooleanField(_("limited"), default=False, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")

    def __str__(self) -> str:
        return self.name

    def wants(self, event_type: str) -> bool:
        return "*" in self.events or event_type in self.events


class WebhookEvent(models.Model):
    """Something that happened, as sent to receivers. `id` is the event id receivers dedupe on."""

    id = models.UUIDField(_("id"), primary_key=True, default=uuid.uuid4, editable=False)
    event_type = models.CharField(_("event type"), max_length=64, db_index=True)
    occurred_at = models.DateTimeField(_("occurred at"), default=timezone.now, db_index=True)
    store = models.ForeignKey("organisation.Store", verbose_name=_("store"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    payload = models.JSONField(_("payload"), default=dict)
    dedupe_key = models.CharField(_("dedupe key"), max_length=200, null=True, blank=True, unique=True,
                                  help_text=_("Publishing the same key twice publishes once."))

    class Meta:
        ordering = ["-occurred_at"]
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")

    def __str__(self) -> str:
        return f"{self.event_type} {self.id}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    IN_PROGRESS = "in_progress", _("Sending")
    RETRYING = "retrying", _("Retrying")
    DELIVERED = "delivered", _("Delivered")
    DEAD = "dead", _("Gave up")


DUE_STATUSES = (DeliveryStatus.PENDING, DeliveryStatus.RETRYING)


class WebhookDeliveryQuerySet(models.QuerySet["WebhookDelivery"]):
    def due(self) -> WebhookDeliveryQuerySet:
        return self.filter(status__in=DUE_STATUSES, next_attempt_at__lte=timezone.now())


class WebhookDelivery(models.Model):
    """One event to one subscription: claimed by a conditional UPDATE, retried with backoff."""

    event = models.ForeignKey(WebhookEvent, verbose_name=_("event"), on_delete=models.CASCADE,
                              related_name="deliveries")
    subscription = models.ForeignKey(WebhookSubscription, verbose_name=_("subscription"), on_delete=models.CASCADE,
                                     related_name="deliveries")
    status = models.CharField(_("status"), max_length=16, choices=DeliveryStatus.choices,
                              default=DeliveryStatus.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    redelivered_after = models.PositiveSmallIntegerField(
        _("redelivered after"), null=True, blank=True,
        help_text=_("Attempts made before the last manual redelivery (none: never redelivered)."))
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now, db_index=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("last status code"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = WebhookDeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["event", "subscription"], name="unique_delivery")]
        indexes = [models.Index(fields=["subscription", "-created_at"])]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")

    def __str__(self) -> str:
        return f"{self.event.event_type} → {self.subscription} [{self.status}]"

    def attempts_in_run(self) -> int:
        """Attempts since the delivery was published or last redelivered by hand. `attempts` keeps
        counting across redeliveries (the receiver and the log see every try); the retry budget and
        the backoff start again with a redelivery."""
        return self.attempts - (self.redelivered_after or 0)

    def is_manual_attempt(self) -> bool:
        """The attempt just claimed is the first one after a manual redelivery."""
        return self.redelivered_after is not None and self.attempts_in_run() == 1

    def backoff(self) -> timedelta:
        """Exponential, capped, with equal jitter: never immediate, never in step with other rows."""
        import random

        from apps.webhooks import conf

        step = min(conf.BACKOFF_CAP_SECONDS, conf.BACKOFF_SECONDS * 2 ** max(0, self.attempts_in_run() - 1))
        return timedelta(seconds=step / 2 + random.uniform(0, step / 2))


class DeliveryAttempt(models.Model):
    """One HTTP try of a delivery: the log operations read when a receiver misbehaves."""

    delivery = models.ForeignKey(WebhookDelivery, verbose_name=_("delivery"), on_delete=models.CASCADE,
                                 related_name="attempt_log")
    number = models.PositiveSmallIntegerField(_("number"))
    at = models.DateTimeField(_("at"), default=timezone.now)
    status_code = models.PositiveSmallIntegerField(_("status code"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration ms"), default=0)
    error = models.CharField(_("error"), max_length=300, blank=True)
    response_excerpt = models.TextField(_("response excerpt"), blank=True)
    manual = models.BooleanField(_("manual"), default=False, help_text=_("Sent after a manual redelivery."))

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")

    def __str__(self) -> str:
        return f"attempt {self.number} of {self.delivery_id}: {self.status_code or self.error}"

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class PublishCursor(models.Model):
    """How far a harvested history (e.g. health status changes) has been published as events."""

    name = models.CharField(_("name"), max_length=64, unique=True)
    position = models.BigIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("publish cursor")
        verbose_name_plural = _("publish cursors")

    def __str__(self) -> str:
        return f"{self.name} @ {self.position}"
