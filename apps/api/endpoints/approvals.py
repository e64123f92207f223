"""Approval requests: the queue, one request with its decisions, and deciding it.

Deciding calls the approvals app's `decision_record` (authority, segregation of duties, dual
approval, the write-back); this module only adds the token's limits and the API's answers.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from apps.api.access import api_can, api_scoped, require_write
from apps.api.base import ApiReadViewSet
from apps.api.endpoints.organisation import StoreRefSerializer
from apps.api.errors import Conflict
from apps.api.filters import IsoDateTimeFilter
from apps.api.schema import choice_field
from apps.approvals.models import ApprovalRequest, ApprovalStatus, Decision, Outcome
from apps.approvals.services.decisions import MAX_COMMENT, decision_record
from apps.organisation.roles import Action


def _no_longer_open(approval: ApprovalRequest) -> str:
    return gettext("%(approval)s is no longer open (%(status)s).") % {
        "approval": approval, "status": str(approval.get_status_display()).lower()}

class DecisionSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor_label")
    outcome = choice_field(Outcome, read_only=True)

    class Meta:
        model = Decision
        fields = ["id", "outcome", "comment", "actor", "system_rule", "final", "tier", "round", "policy_label",
                  "created_at"]


class ApprovalRequestSerializer(serializers.ModelSerializer):
    store = StoreRefSerializer()
    status = choice_field(ApprovalStatus, read_only=True)
    overdue = serializers.SerializerMethodField()
    writeback_status = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField(help_text="The request in the portal.")

    class Meta:
        model = ApprovalRequest
        fields = ["id", "kind", "kind_label", "reference", "partner", "amount", "currency", "store", "status",
                  "odoo_model", "odoo_id", "odoo_state", "requester_name", "requested_at", "deadline", "overdue",
                  "tier", "required_role", "approvals_needed", "policy_label", "decided_at", "writeback_status",
                  "url"]

    def get_overdue(self, obj: ApprovalRequest) -> bool:
        return obj.status == ApprovalStatus.OPEN and obj.deadline < timezone.now()

    def get_writeback_status(self, obj: ApprovalRequest) -> str | None:
        return obj.writeback.status if obj.writeback_id and obj.writeback else None

    def get_url(self, obj: ApprovalRequest) -> str:
        return f"{settings.SITE_URL}{reverse('approvals:detail', args=[obj.pk])}"


class ApprovalRequestDetailSerializer(ApprovalRequestSerializer):
    decisions = DecisionSerializer(many=True)
    odoo_url = serializers.CharField()

    class Meta(ApprovalRequestSerializer.Meta):
        fields = [*ApprovalRequestSerializer.Meta.fields, "odoo_url", "closed_outcome", "decisions"]


class DecideInputSerializer(serializers.Serializer):
    outcome = choice_field(Outcome)
    comment = serializers.CharField(max_length=MAX_COMMENT, required=False, allow_blank=True, default="",
                                    help_text="Required to reject.")


class DecideResultSerializer(serializers.Serializer):
    decision = DecisionSerializer()
    request = ApprovalRequestDetailSerializer()


class ApprovalRequestFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=ApprovalStatus.choices)
    kind = django_filters.CharFilter(help_text="Feed slug, e.g. purchase-orders.")
    store = django_filters.CharFilter(field_name="store__code", help_text="Store code, e.g. N01.")
    region = django_filters.CharFilter(field_name="store__region__code")
    amount_min = django_filters.NumberFilter(field_name="amount", lookup_expr="gte")
    amount_max = django_filters.NumberFilter(field_name="amount", lookup_expr="lte")
    deadline_before = IsoDateTimeFilter(field_name="deadline", lookup_expr="lt")
    overdue = django_filters.BooleanFilter(method="filter_overdue", help_text="Open and past the deadline.")

    class Meta:
        model = ApprovalRequest
        fields = ["status", "kind", "store", "region", "amount_min", "amount_max", "deadline_before", "overdue"]

    def filter_overdue(self, queryset: QuerySet[ApprovalRequest], name: str, value: bool | None
                       ) -> QuerySet[ApprovalRequest]:
        if value is None:
            return queryset
        overdue = {"status": ApprovalStatus.OPEN, "deadline__lt": timezone.now()}
        return queryset.filter(**overdue) if value else queryset.exclude(**overdue)


class ApprovalRequestViewSet(ApiReadViewSet):
    """The approval queue of the caller's stores, ordered by deadline (`?status=open` for the inbox)."""

    filterset_class = ApprovalRequestFilter
    ordering_fields = ["deadline", "requested_at", "amount", "id"]
    ordering = ("deadline", "id")

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        return ApprovalRequestSerializer if self.action == "list" else ApprovalRequestDetailSerializer

    def get_queryset(self) -> QuerySet[ApprovalRequest]:
        queryset: QuerySet[ApprovalRequest] = api_scoped(ApprovalRequest.objects, self.request, Action.VIEW)
        queryset = queryset.select_related("store", "writeback")
        if self.action != "list":
            queryset = queryset.prefetch_related("decisions")
        return queryset

    @extend_schema(request=DecideInputSerializer, responses={200: DecideResultSerializer})
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str) -> Response:
        """Approve or reject (a reason is required to reject). The decision is written back to Odoo by
        the outbox; `request.writeback_status` follows it."""
        approval = self.get_object()
        require_write(request)
        data = DecideInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if not api_can(request, Action.DECIDE, approval.store):
            raise PermissionDenied(gettext("Deciding needs a regional manager or HQ role for store %(store)s"
                                           " (and a token that covers it).") % {"store": approval.store.code})
        if approval.status != ApprovalStatus.OPEN:
            raise Conflict(_no_longer_open(approval))
        try:
            with transaction.atomic():
                decision = decision_record(request=approval, actor=request.user,  # type: ignore[arg-type]
                                           outcome=data.validated_data["outcome"],
                                           comment=data.validated_data["comment"], http_request=request._request,
                                           undoable=False)  # the API has no undo: write back at once
                # Save, then re-check inside the transaction: still in the caller's scope after the change.
                if not api_scoped(ApprovalRequest.objects, request, Action.DECIDE).filter(pk=approval.pk).exists():
                    raise PermissionDenied(gettext("You cannot decide for store %(store)s.")
                        % {"store": approval.store.code})
        except ValidationError:
            approval.refresh_from_db()
            if approval.status != ApprovalStatus.OPEN:
                raise Conflict(_no_longer_open(approval)) from None
            raise
        fresh = self.get_queryset().get(pk=approval.pk)
        return Response(DecideResultSerializer({"decision": decision, "request": fresh}).data)
