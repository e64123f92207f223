"""Webhooks in the Django admin: subscriptions are listed (managed on the Webhooks page, where a secret
is shown once), deliveries can be inspected and redelivered. Secrets are never displayed."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy, ngettext

from apps.organisation.admin_access import OperationsReadOnlyAdmin
from apps.portal.admin_actions import each_apply
from apps.webhooks.models import DeliveryAttempt, WebhookDelivery, WebhookSubscription
from apps.webhooks.services import delivery_redeliver, subscription_delete


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(OperationsReadOnlyAdmin):
    list_display = ["name", "url", "events", "active", "created_at"]
    list_filter = ["active"]
    search_fields = ["name", "url"]
    exclude = ["secret"]

    def delete_model(self, request: HttpRequest, obj: WebhookSubscription) -> None:
        """Through the service, so a deletion from the admin is audited like one from the page."""
        subscription_delete(subscription=obj, actor=request.user, request=request)  # type: ignore[arg-type]

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[WebhookSubscription]) -> None:
        for subscription in queryset:
            self.delete_model(request, subscription)


class AttemptInline(admin.TabularInline[DeliveryAttempt, WebhookDelivery]):
    model = DeliveryAttempt
    extra = 0
    fields = ("number", "at", "status_code", "duration_ms", "error", "manual")
    readonly_fields = ("number", "at", "status_code", "duration_ms", "error", "manual")
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(OperationsReadOnlyAdmin):
    list_display = ["created_at", "event", "subscription", "status", "attempts", "last_status_code", "last_error"]
    list_filter = ["status", "subscription"]
    search_fields = ["event__event_type", "last_error"]
    inlines = [AttemptInline]
    actions = ["redeliver"]

    @admin.action(description=gettext_lazy("Redeliver the selected deliveries"))
    def redeliver(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        each_apply(self, request, queryset,
                   lambda row: delivery_redeliver(delivery=row, actor=request.user, request=request),  # type: ignore[arg-type]
                   refusals=(ValidationError,), done=lambda count: ngettext(
                       "%(count)d delivery queued again.", "%(count)d deliveries queued again.", count)
                   % {"count": count})
