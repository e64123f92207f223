"""Operational exceptions: list, detail, acknowledge, snooze and resolve.

The state changes are the operations app's services (`exception_acknowledge`, `exception_snooze`,
`exception_resolve`): they lock the row, re-check the caller's right and queue Odoo write-backs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import django_filters
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from apps.api.access import api_can, api_scoped, require_write
from apps.api.base import ApiReadViewSet
from apps.api.endpoints.organisation import StoreRefSerializer
from apps.api.errors import Conflict
from apps.api.schema import choice_field
from apps.operations.models import ACTIVE_STATUSES, ExceptionKind, ExceptionStatus, OpsException, Severity
from apps.operations.services import (
    MAX_NOTE,
    MAX_REASON,
    ExceptionActionRefused,
    ExceptionStateConflict,
    exception_acknowledge,
    exception_resolve,
    exception_snooze,
)
from apps.organisation.roles import Action


class OpsExceptionSerializer(serializers.ModelSerializer):
    store = StoreRefSerializer()
    status = choice_field(ExceptionStatus, read_only=True)
    kind = choice_field(ExceptionKind, read_only=True)
    owner = serializers.SerializerMethodField()
    breached = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField(help_text="The exception in the portal.")
    title = serializers.CharField(source="title_text", read_only=True,
                                  help_text="In the reader's language (Accept-Language or their chosen language).")
    detail = serializers.CharField(source="detail_text", read_only=True,
                                   help_text="In the reader's language, like the title.")

    class Meta:
        model = OpsException
        fields = ["id", "kind", "store", "title", "detail", "severity", "status", "condition_active", "quantity",
                  "value_at_risk", "opened_at", "started_at", "deadline", "breached", "owner", "acknowledged_at",
                  "snoozed_until", "snooze_reason", "resolved_at", "resolution_note", "closed_at",
                  "reopened_count", "odoo_model", "odoo_id", "url"]

    def get_owner(self, obj: OpsException) -> str | None:
        return obj.owner.get_username() if obj.owner else None

    def get_breached(self, obj: OpsException) -> bool:
        return obj.is_breached()

    def get_url(self, obj: OpsException) -> str:
        return f"{settings.SITE_URL}{reverse('operations:detail', args=[obj.pk])}"


class SnoozeInputSerializer(serializers.Serializer):
    until = serializers.DateTimeField(help_text="ISO 8601 with a time zone, in the future.")
    reason = serializers.CharField(max_length=MAX_REASON)


class ResolveInputSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=MAX_NOTE, help_text="How it was resolved.")


class OpsExceptionFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=ExceptionStatus.choices)
    active = django_filters.BooleanFilter(method="filter_active", help_text="Open, acknowledged or snoozed.")
    kind = django_filters.ChoiceFilter(choices=ExceptionKind.choices)
    severity_min = django_filters.TypedChoiceFilter(field_name="severity", lookup_expr="gte", coerce=int,
                                                    choices=Severity.choices)
    store = django_filters.CharFilter(field_name="store__code", help_text="Store code, e.g. N01.")
    region = django_filters.CharFilter(field_name="store__region__code")

    class Meta:
        model = OpsException
        fields = ["status", "active", "kind", "severity_min", "store", "region"]

    def filter_active(self, queryset: QuerySet[OpsException], name: str, value: bool | None
                      ) -> QuerySet[OpsException]:
        if value is None:
            return queryset
        return queryset.filter(status__in=ACTIVE_STATUSES) if value else queryset.exclude(status__in=ACTIVE_STATUSES)


class OpsExceptionViewSet(ApiReadViewSet):
    """Exceptions of the caller's stores, worst first."""

    serializer_class = OpsExceptionSerializer
    filterset_class = OpsExceptionFilter
    ordering_fields = ["severity", "opened_at", "id"]
    ordering = ("-severity", "-id")

    def get_queryset(self) -> QuerySet[OpsException]:
        return api_scoped(OpsException.objects, self.request, Action.VIEW).select_related("store", "owner")

    def _act(self, request: Request, change: Callable[[OpsException, dict[str, Any]], OpsException],
             input_serializer: type[serializers.Serializer] | None = None) -> Response:
        """Load in scope (404), check write access (403), the input (400) and the right to act (403), then
        change it through the service and re-check the scope inside the same transaction."""
        exception = self.get_object()
        require_write(request)
        data: dict[str, Any] = {}
        if input_serializer is not None:
            checked = input_serializer(data=request.data)
            checked.is_valid(raise_exception=True)
            data = dict(checked.validated_data)
        if not api_can(request, Action.OPERATE, exception.store):
            raise PermissionDenied(gettext("Acting on exceptions needs the right to act for store %(store)s"
                                           " (and a token that covers it).") % {"store": exception.store.code})
        try:
            with transaction.atomic():
                change(exception, data)
                if not api_scoped(OpsException.objects, request, Action.OPERATE).filter(pk=exception.pk).exists():
                    raise PermissionDenied(gettext("You cannot act for store %(store)s.")
                        % {"store": exception.store.code})
        except ExceptionStateConflict as exc:
            raise Conflict(str(exc)) from None
        except ExceptionActionRefused as exc:
            raise ApiValidationError({"non_field_errors": [str(exc)]}) from None
        return Response(OpsExceptionSerializer(self.get_queryset().get(pk=exception.pk)).data)

    @extend_schema(request=None, responses={200: OpsExceptionSerializer})
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: str) -> Response:
        """Seen and owned: the clock to acknowledge stops."""
        user: Any = request.user
        return self._act(request, lambda exc, data: exception_acknowledge(exception=exc, actor=user,
                                                                          request=request._request))

    @extend_schema(request=SnoozeInputSerializer, responses={200: OpsExceptionSerializer})
    @action(detail=True, methods=["post"])
    def snooze(self, request: Request, pk: str) -> Response:
        """Park it until a time, with a reason (a replenishment risk also snoozes the Odoo orderpoint)."""
        user: Any = request.user
        return self._act(request, lambda exc, data: exception_snooze(
            exception=exc, actor=user, until=data["until"], reason=data["reason"], request=request._request),
            SnoozeInputSerializer)

    @extend_schema(request=ResolveInputSerializer, responses={200: OpsExceptionSerializer})
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, pk: str) -> Response:
        """Handled, with a note saying how (an overdue activity is marked done in Odoo)."""
        user: Any = request.user
        return self._act(request, lambda exc, data: exception_resolve(
            exception=exc, actor=user, note=data["note"], request=request._request), ResolveInputSerializer)
