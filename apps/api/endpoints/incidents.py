"""Store incidents: list, detail, reporting one (with photos) and commenting.

Input is checked by the incidents app's own forms (the same rules and messages as the portal) and
written by its services (`incident_submit`, `incident_comment_add`); photos are re-encoded there.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import django_filters
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet
from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from apps.api.access import api_can, api_scoped, api_stores, require_write
from apps.api.base import ApiReadViewSet, ApiView, request_body
from apps.api.endpoints.organisation import StoreRefSerializer
from apps.api.errors import Conflict
from apps.api.filters import IsoDateTimeFilter
from apps.api.schema import choice_field
from apps.incidents.forms import CommentForm, IncidentForm
from apps.incidents.models import (
    OPEN_STATUSES,
    IncidentComment,
    IncidentPhoto,
    IncidentStatus,
    StoreIncident,
)
from apps.incidents.services import incident_comment_add, incident_submit, triage_suggest
from apps.incidents.taxonomy import Category, Urgency
from apps.organisation.roles import Action


class PhotoSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="The photo through the API (same credentials).")

    class Meta:
        model = IncidentPhoto
        fields = ["id", "url", "width", "height", "size_bytes", "created_at"]

    def get_url(self, obj: IncidentPhoto) -> str:
        return f"{settings.SITE_URL}{reverse('api:incident-photo', args=[obj.pk])}"


class CommentSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()
    photos = PhotoSerializer(many=True)

    class Meta:
        model = IncidentComment
        fields = ["id", "author", "body", "photos", "odoo_message_id", "created_at"]

    def get_author(self, obj: IncidentComment) -> str | None:
        return obj.author.get_username() if obj.author else None


class IncidentSerializer(serializers.ModelSerializer):
    store = StoreRefSerializer()
    status = choice_field(IncidentStatus, read_only=True)
    category = choice_field(Category, read_only=True)
    urgency = choice_field(Urgency, read_only=True)
    overdue = serializers.SerializerMethodField()
    photo_count = serializers.IntegerField()
    url = serializers.SerializerMethodField(help_text="The incident in the portal.")

    class Meta:
        model = StoreIncident
        fields = ["id", "reference", "store", "source", "category", "urgency", "title", "status", "deadline",
                  "overdue", "escalation_tier", "needs_manual_triage", "odoo_model", "odoo_id", "odoo_stage",
                  "odoo_assignee", "odoo_team", "photo_count", "created_at", "updated_at", "url"]

    def get_overdue(self, obj: StoreIncident) -> bool:
        return obj.status in OPEN_STATUSES and obj.deadline < timezone.now()

    def get_url(self, obj: StoreIncident) -> str:
        return f"{settings.SITE_URL}{obj.get_absolute_url()}"


class IncidentDetailSerializer(IncidentSerializer):
    photos = PhotoSerializer(many=True)
    comments = CommentSerializer(many=True)

    class Meta(IncidentSerializer.Meta):
        fields = [*IncidentSerializer.Meta.fields, "description", "equipment_ref", "closed_reason", "closed_at",
                  "photos", "comments"]


class IncidentInputSerializer(serializers.Serializer):
    """Documentation of the input; the incidents app's form checks it (JSON or multipart)."""

    store = serializers.IntegerField(help_text="Store id (see /api/v1/stores/).")
    title = serializers.CharField(min_length=4, max_length=120)
    description = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    category = choice_field(Category, required=False, allow_blank=True,
                            help_text="Empty: the triage suggestion is taken.")
    urgency = choice_field(Urgency, required=False, allow_blank=True,
                           help_text="Empty: the triage suggestion is taken.")
    equipment_ref = serializers.CharField(max_length=80, required=False, allow_blank=True)
    photos = serializers.ListField(child=serializers.ImageField(), required=False,
                                   help_text="JPEG, PNG or WebP (multipart only).")


class CommentInputSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    photos = serializers.ListField(child=serializers.ImageField(), required=False,
                                   help_text="JPEG, PNG or WebP (multipart only).")


class IncidentFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=IncidentStatus.choices)
    open = django_filters.BooleanFilter(method="filter_open")
    category = django_filters.ChoiceFilter(choices=Category.choices)
    urgency = django_filters.ChoiceFilter(choices=Urgency.choices)
    store = django_filters.CharFilter(field_name="store__code", help_text="Store code, e.g. N01.")
    region = django_filters.CharFilter(field_name="store__region__code")
    created_after = IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = StoreIncident
        fields = ["status", "open", "category", "urgency", "store", "region", "created_after", "created_before"]

    def filter_open(self, queryset: QuerySet[StoreIncident], name: str, value: bool | None
                    ) -> QuerySet[StoreIncident]:
        if value is None:
            return queryset
        return queryset.filter(status__in=OPEN_STATUSES) if value else queryset.exclude(status__in=OPEN_STATUSES)


def _files(request: Request) -> MultiValueDict[str, Any]:
    return request.FILES if hasattr(request, "FILES") else MultiValueDict()


class IncidentViewSet(ApiReadViewSet):
    """Incidents of the caller's stores, newest first."""

    filterset_class = IncidentFilter
    ordering_fields = ["created_at", "deadline", "id"]
    ordering = ("-created_at", "-id")

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        return IncidentSerializer if self.action == "list" else IncidentDetailSerializer

    def get_queryset(self) -> QuerySet[StoreIncident]:
        queryset = api_scoped(StoreIncident.objects, self.request, Action.VIEW).select_related("store").annotate(
            photo_count=Count("photos"))
        if self.action != "list":
            queryset = queryset.prefetch_related("photos", "comments__author", "comments__photos")
        return queryset

    @extend_schema(request={"application/json": IncidentInputSerializer,
                            "multipart/form-data": IncidentInputSerializer},
                   responses={201: IncidentDetailSerializer})
    def create(self, request: Request) -> Response:
        """Report an incident for a store the caller acts for. It is saved at once (also while Odoo is
        down) and created in Odoo by the outbox."""
        require_write(request)
        body = request_body(request)
        store_id = str(body.get("store", ""))
        visible = api_stores(request, Action.VIEW)
        store = visible.filter(pk=int(store_id)).first() if store_id.isdigit() and len(store_id) < 19 else None
        if store is None:
            raise ValidationError({"store": "Choose one of your stores (see /api/v1/stores/)."})
        if not api_can(request, Action.OPERATE, store):
            raise PermissionDenied(gettext("Reporting incidents for %(store)s needs a store manager or regional role"
                                           " (and a token that covers the store).") % {"store": store.code})
        form = IncidentForm(body, _files(request), stores=api_stores(request, Action.OPERATE))
        if not form.is_valid():
            raise ValidationError(form.errors.as_data())
        report = form.report()
        # Triage before the transaction (a remote model may be slow); the service reuses this suggestion.
        suggestion = triage_suggest(user=request.user, text=report.text, store=report.store)  # type: ignore[arg-type]
        report = dataclasses.replace(report, suggestion_id=suggestion.pk)
        with transaction.atomic():
            incident = incident_submit(user=request.user, report=report, request=request._request)  # type: ignore[arg-type]
            if not api_scoped(StoreIncident.objects, request, Action.OPERATE).filter(pk=incident.pk).exists():
                raise PermissionDenied(gettext("You cannot report incidents for %(store)s.") % {"store": store.code})
        fresh = self.get_queryset().get(pk=incident.pk)
        return Response(IncidentDetailSerializer(fresh).data, status=201)

    @extend_schema(request={"application/json": CommentInputSerializer,
                            "multipart/form-data": CommentInputSerializer},
                   responses={201: CommentSerializer})
    @action(detail=True, methods=["post"])
    def comments(self, request: Request, pk: str) -> Response:
        """Add a comment and/or photos to an open incident; they go to the Odoo chatter."""
        incident = self.get_object()
        require_write(request)
        if not api_can(request, Action.OPERATE, incident.store):
            raise PermissionDenied(gettext("Commenting needs a store manager or regional role for %(store)s"
                                           " (and a token that covers the store).") % {"store": incident.store.code})
        form = CommentForm(request_body(request), _files(request), room=incident.photo_room())
        if not form.is_valid():
            raise ValidationError(form.errors.as_data())
        if not incident.is_open:
            raise Conflict(gettext("This incident is closed: comments can only be added to open incidents."))
        try:
            with transaction.atomic():
                comment = incident_comment_add(incident=incident, author=request.user,  # type: ignore[arg-type]
                                               body=form.cleaned_data["body"], photos=form.cleaned_data["photos"],
                                               request=request._request)
                if not api_scoped(StoreIncident.objects, request, Action.OPERATE).filter(pk=incident.pk).exists():
                    raise PermissionDenied(gettext("You cannot comment on incidents of %(store)s.")
                                           % {"store": incident.store.code})
        except ValidationError:
            incident.refresh_from_db()
            if not incident.is_open:
                raise Conflict(gettext(
                    "This incident is closed: comments can only be added to open incidents.")) from None
            raise
        fresh = IncidentComment.objects.select_related("author").prefetch_related("photos").get(pk=comment.pk)
        return Response(CommentSerializer(fresh).data, status=201)


class IncidentPhotoView(ApiView):
    """One incident photo (JPEG), for callers who may see the incident."""

    @extend_schema(responses={(200, "image/jpeg"): OpenApiResponse(OpenApiTypes.BINARY)},
                   operation_id="incidents_photo_retrieve")
    def get(self, request: Request, photo_id: str) -> FileResponse:
        photo = api_scoped(IncidentPhoto.objects, request, Action.VIEW).filter(pk=photo_id).first()
        if photo is None:
            raise Http404(gettext("No such photo."))
        response = FileResponse(photo.file.open("rb"), content_type="image/jpeg")
        response["Cache-Control"] = "private, max-age=3600"
        response["Content-Security-Policy"] = "default-src 'none'"
        return response
