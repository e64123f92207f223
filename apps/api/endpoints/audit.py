"""The audit trail (HQ executives and operations admins), newest first."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from rest_framework import serializers

from apps.api.access import token_of, token_stores
from apps.api.base import ApiReadViewSet
from apps.api.filters import IsoDateTimeFilter
from apps.audit.models import AuditEvent
from apps.audit.selectors import audit_access_check


class AuditEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor_label")
    object = serializers.CharField(source="object_label")
    store = serializers.SerializerMethodField()

    class Meta:
        model = AuditEvent
        fields = ["id", "occurred_at", "actor", "action", "object_type", "object_id", "object", "store",
                  "source_ip", "before", "after", "message"]

    def get_store(self, obj: AuditEvent) -> str | None:
        return obj.store.code if obj.store else None


class AuditEventFilter(django_filters.FilterSet):
    action = django_filters.CharFilter(lookup_expr="startswith", help_text="Prefix, e.g. approval. or writeback.")
    actor = django_filters.CharFilter(field_name="actor_label", lookup_expr="icontains")
    store = django_filters.CharFilter(field_name="store__code", help_text="Store code, e.g. N01.")
    object_type = django_filters.CharFilter()
    object_id = django_filters.CharFilter()
    since = IsoDateTimeFilter(field_name="occurred_at", lookup_expr="gte")
    until = IsoDateTimeFilter(field_name="occurred_at", lookup_expr="lt")

    class Meta:
        model = AuditEvent
        fields = ["action", "actor", "store", "object_type", "object_id", "since", "until"]


class AuditEventViewSet(ApiReadViewSet):
    """Every decision, override, write-back outcome and permission change. A token limited to some
    stores sees only those stores' events."""

    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilter
    ordering_fields = ["occurred_at", "id"]
    ordering = ("-occurred_at", "-id")

    def get_queryset(self) -> QuerySet[AuditEvent]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no caller to check
            return AuditEvent.objects.none()
        audit_access_check(self.request.user)
        events = AuditEvent.objects.select_related("store")
        token = token_of(self.request)
        if token is not None and token.limited:
            events = events.filter(store__in=token_stores(token).values("pk"))
        return events
