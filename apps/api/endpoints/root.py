"""The API's front door: where things are, without credentials."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse

from apps.api.base import ApiView

RESOURCES = ["me", "store-list", "region-list", "approval-list", "incident-list", "exception-list", "health",
             "audit-list", "directive-list"]


class RootSerializer(serializers.Serializer):
    schema = serializers.URLField()
    docs = serializers.URLField()
    resources = serializers.DictField(child=serializers.URLField())


class ApiRootView(ApiView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(responses=RootSerializer, operation_id="root", auth=[])
    def get(self, request: Request) -> Response:
        return Response({
            "schema": reverse("api:schema", request=request), "docs": reverse("api:docs", request=request),
            "resources": {name.removesuffix("-list"): reverse(f"api:{name}", request=request) for name in RESOURCES},
        })
