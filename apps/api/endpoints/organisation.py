"""Stores, regions and "who am I": the caller's part of the network."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Count, Q, QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from apps.api.access import api_stores, token_of
from apps.api.base import ApiReadViewSet, ApiView
from apps.organisation.models import Region, Store
from apps.organisation.roles import Action


class RegionRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["id", "code", "name"]


class StoreRefSerializer(serializers.ModelSerializer):
    """How other records name their store."""

    class Meta:
        model = Store
        fields = ["id", "code", "name"]


class StoreSerializer(serializers.ModelSerializer):
    region = RegionRefSerializer()

    class Meta:
        model = Store
        fields = ["id", "code", "name", "region", "timezone", "odoo_warehouse_id"]


class RegionSerializer(serializers.ModelSerializer):
    store_count = serializers.IntegerField(help_text="Stores of the region the caller can see.")

    class Meta:
        model = Region
        fields = ["id", "code", "name", "store_count"]


class StoreFilter(django_filters.FilterSet):
    region = django_filters.CharFilter(field_name="region__code", help_text="Region code, e.g. NORTH.")
    code = django_filters.CharFilter(field_name="code")

    class Meta:
        model = Store
        fields = ["region", "code"]


class StoreViewSet(ApiReadViewSet):
    """Stores the caller can see."""

    serializer_class = StoreSerializer
    filterset_class = StoreFilter
    ordering_fields = ["code", "name", "id"]
    ordering = ("code",)

    def get_queryset(self) -> QuerySet[Store]:
        return api_stores(self.request, Action.VIEW).select_related("region")


class RegionViewSet(ApiReadViewSet):
    """Regions with at least one store the caller can see."""

    serializer_class = RegionSerializer
    ordering_fields = ["code", "name", "id"]
    ordering = ("code",)
    filterset_class = None

    def get_queryset(self) -> QuerySet[Region]:
        visible = api_stores(self.request, Action.VIEW)
        return Region.objects.filter(active=True, pk__in=visible.values("region")).annotate(
            store_count=Count("stores", filter=Q(stores__in=visible.values("pk"))))


class TokenInfoSerializer(serializers.Serializer):
    name = serializers.CharField()
    kind = serializers.CharField()
    prefix = serializers.CharField()
    access = serializers.CharField()
    expires_at = serializers.DateTimeField()
    stores = serializers.ListField(child=serializers.CharField())
    regions = serializers.ListField(child=serializers.CharField())


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    stores = serializers.IntegerField(help_text="How many stores the caller can see.")
    can_decide = serializers.BooleanField()
    can_operate = serializers.BooleanField()
    token = TokenInfoSerializer(allow_null=True)


class MeView(ApiView):
    """Who the call is made as, and what the token allows: the first call to try with a new token."""

    @extend_schema(responses=MeSerializer, operation_id="me")
    def get(self, request: Request) -> Response:
        token = token_of(request)
        info: dict[str, Any] | None = None
        if token is not None:
            info = {"name": token.name, "kind": token.kind, "prefix": token.prefix, "access": token.access,
                    "expires_at": token.expires_at,
                    "stores": sorted(token.stores.values_list("code", flat=True)),
                    "regions": sorted(token.regions.values_list("code", flat=True))}
        writable = token is None or not token.read_only
        data = {"username": request.user.get_username(), "stores": api_stores(request, Action.VIEW).count(),
                "can_decide": writable and api_stores(request, Action.DECIDE).exists(),
                "can_operate": writable and api_stores(request, Action.OPERATE).exists(), "token": info}
        return Response(MeSerializer(data).data)
