"""Workflow health (HQ and operations): the current signals and the overall status."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from apps.api.access import require_network
from apps.api.base import ApiView
from apps.api.schema import choice_field
from apps.health.models import SignalCategory, SignalStatus
from apps.health.selectors import current_signals, signal_payload, worst
from apps.organisation.roles import Action


class HealthSerializer(serializers.Serializer):
    overall = choice_field(SignalStatus)
    # Inline: a declared attribute called `label` would shadow Field.label.
    signals = inline_serializer(name="HealthSignal", many=True, fields={
        "key": serializers.CharField(), "label": serializers.CharField(),
        "category": choice_field(SignalCategory), "status": choice_field(SignalStatus),
        "rule": serializers.CharField(),
        "detail": serializers.CharField(allow_blank=True), "value": serializers.FloatField(allow_null=True),
        "observed_at": serializers.DateTimeField(), "changed_at": serializers.DateTimeField(),
        "odoo_url": serializers.CharField(allow_null=True), "action_url": serializers.CharField(allow_null=True),
    })


class HealthView(ApiView):
    """The latest reading of every watched signal (Odoo cron, e-mail, sync, outbox, workers...)."""

    @extend_schema(responses=HealthSerializer, operation_id="health_retrieve")
    def get(self, request: Request) -> Response:
        require_network(request, Action.VIEW, "Workflow health")
        signals = current_signals()
        return Response(HealthSerializer({"overall": worst(signals),
                                          "signals": [signal_payload(signal) for signal in signals]}).data)
