"""Store directives: list, detail, per-store status, completing an item (with a photo) and review.

Reads go through the scope choke point (`api_scoped` on the stores' copies, narrowed by the token);
writes re-check the right on the store and are done by the directives app's services, with the same
rules and messages as the portal.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from apps.api.access import api_can, api_scoped, require_write, token_of
from apps.api.base import ApiReadViewSet, ApiView, request_body
from apps.api.endpoints.organisation import StoreRefSerializer
from apps.api.errors import Conflict
from apps.api.schema import choice_field
from apps.directives.forms import AnswerForm
from apps.directives.models import (
    ChecklistItem,
    CopyStatus,
    Directive,
    DirectiveStatus,
    ItemAnswer,
    ItemKind,
    ReviewStatus,
    StoreDirective,
)
from apps.directives.selectors import directives_for
from apps.directives.services import DirectiveRefused
from apps.directives.services.checklists import copy_submit, item_answer, item_review
from apps.organisation.roles import Action


class ItemSerializer(serializers.ModelSerializer):
    kind = choice_field(ItemKind, read_only=True)

    class Meta:
        model = ChecklistItem
        fields = ["id", "position", "label", "kind"]


class DirectiveSerializer(serializers.ModelSerializer):
    status = choice_field(DirectiveStatus, read_only=True)
    owner_region: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(slug_field="code", read_only=True)
    url = serializers.SerializerMethodField(help_text="The directive in the portal.")

    class Meta:
        model = Directive
        fields = ["id", "title", "status", "owner_region", "target_mode", "due_on", "due_time", "launch_on",
                  "launch_time", "published_at", "created_at", "url"]

    def get_url(self, obj: Directive) -> str:
        return f"{settings.SITE_URL}{obj.get_absolute_url()}"


class DirectiveDetailSerializer(DirectiveSerializer):
    items = ItemSerializer(many=True)

    class Meta(DirectiveSerializer.Meta):
        fields = [*DirectiveSerializer.Meta.fields, "instructions", "items"]


class AnswerSerializer(serializers.ModelSerializer):
    item = serializers.IntegerField(source="item_id")
    answer = serializers.CharField(source="display")
    review_status = choice_field(ReviewStatus, read_only=True)
    photo_url = serializers.SerializerMethodField()

    class Meta:
        model = ItemAnswer
        fields = ["item", "answer", "revision", "answered_at", "review_status", "review_comment", "reviewed_at",
                  "photo_url"]

    def get_photo_url(self, obj: ItemAnswer) -> str | None:
        return f"{settings.SITE_URL}{reverse('directives:photo', args=[obj.photo_key])}" if obj.photo else None


class StoreStatusSerializer(serializers.ModelSerializer):
    store = StoreRefSerializer()
    status = choice_field(CopyStatus, read_only=True)
    answered = serializers.IntegerField()
    overdue = serializers.SerializerMethodField()
    on_time = serializers.BooleanField(allow_null=True)
    answers = AnswerSerializer(many=True)

    class Meta:
        model = StoreDirective
        fields = ["id", "store", "status", "due_at", "launch_at", "answered", "overdue", "submitted_at",
                  "approved_at", "on_time", "closed_in_odoo", "odoo_task_id", "answers"]

    def get_overdue(self, obj: StoreDirective) -> bool:
        return obj.is_overdue()


class CompleteInputSerializer(serializers.Serializer):
    """Documentation of the input; the directives app's form checks it (JSON or multipart)."""

    value = serializers.CharField(required=False, allow_blank=True, max_length=2000,
                                  help_text="yes/no, a number, or text, by the item's kind.")
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    photo = serializers.ImageField(required=False, help_text="JPEG, PNG or WebP (multipart only).")


class ReviewInputSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["approve", "return"])
    comment = serializers.CharField(required=False, allow_blank=True, max_length=500,
                                    help_text="Required to return an item.")


def _copies(request: Request, action: Action = Action.VIEW) -> QuerySet[StoreDirective]:
    return api_scoped(StoreDirective.objects, request, action)


class DirectiveViewSet(ApiReadViewSet):
    """Directives the caller's stores received (and, for HQ and regions, the ones they drafted)."""

    ordering_fields = ["due_on", "created_at", "id"]
    ordering = ("-due_on", "-id")

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        if self.action == "stores":
            return StoreStatusSerializer
        return DirectiveSerializer if self.action == "list" else DirectiveDetailSerializer

    def get_queryset(self) -> QuerySet[Directive]:
        directives = directives_for(self.request.user).select_related("owner_region")
        token = token_of(self.request)
        if token is not None and token.limited:  # a limited token only sees what reached its stores
            directives = directives.filter(pk__in=_copies(self.request).values("directive_id"))
        if self.action != "list":
            directives = directives.prefetch_related("items")
        return directives

    @extend_schema(responses={200: StoreStatusSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def stores(self, request: Request, pk: str) -> Response:
        """Each store's status (in the caller's scope), worst first: overdue and not started on top."""
        directive = self.get_object()
        copies = (_copies(request).filter(Q(directive=directive) & ~Q(status=CopyStatus.CANCELLED))
                  .select_related("store").annotate(answered=Count("answers"))
                  .prefetch_related("answers__item").order_by("status", "due_at", "store__code"))
        return Response(StoreStatusSerializer(copies, many=True).data)


def _files(request: Request) -> MultiValueDict[str, Any]:
    return request.FILES if hasattr(request, "FILES") else MultiValueDict()


def _copy_for(request: Request, copy_id: int, action: Action, verb: str) -> StoreDirective:
    """A copy the caller sees (else 404), then the write rights: the token's and the role's (403)."""
    copy = _copies(request).select_related("store", "directive").filter(pk=copy_id).first()
    if copy is None:
        raise Http404(gettext("No such store directive."))
    require_write(request)
    if not api_can(request, action, copy.store):
        message = (gettext(
            "%(verb)s needs a regional manager or HQ role for %(store)s (and a token that covers the store).")
                   if action == Action.DECIDE else
                   gettext("%(verb)s needs the store role for %(store)s (and a token that covers the store)."))
        raise PermissionDenied(message % {"verb": verb, "store": copy.store.code})
    return copy


def _copy_and_item(request: Request, copy_id: int, item_id: int, action: Action, verb: str
                   ) -> tuple[StoreDirective, ChecklistItem]:
    copy = _copy_for(request, copy_id, action, verb)
    item = ChecklistItem.objects.filter(pk=item_id, directive_id=copy.directive_id).first()
    if item is None:
        raise Http404(gettext("No such checklist item in this directive."))
    return copy, item


def _status(copy: StoreDirective, request: Request) -> Response:
    fresh = (_copies(request).select_related("store").annotate(answered=Count("answers"))
             .prefetch_related("answers__item").get(pk=copy.pk))
    return Response(StoreStatusSerializer(fresh).data)


class CompleteItemView(ApiView):
    @extend_schema(request={"application/json": CompleteInputSerializer,
                            "multipart/form-data": CompleteInputSerializer},
                   responses={200: StoreStatusSerializer}, operation_id="directives_item_complete")
    def post(self, request: Request, copy_id: int, item_id: int) -> Response:
        """Complete one item of a store's directive (a photo item needs `photo`, multipart). Its subtask
        in Odoo is closed with the answer and the photo by the outbox."""
        copy, item = _copy_and_item(request, copy_id, item_id, Action.OPERATE, "Completing an item")
        form = AnswerForm(request_body(request), _files(request))
        if not form.is_valid():
            raise ValidationError(form.errors.as_data())
        try:
            item_answer(copy=copy, item=item, actor=request.user, answer=form.answer(),  # type: ignore[arg-type]
                        request=request._request)
        except DirectiveRefused as exc:
            raise Conflict(str(exc)) from None
        return _status(copy, request)


class SubmitView(ApiView):
    @extend_schema(request=None, responses={200: StoreStatusSerializer}, operation_id="directives_copy_submit")
    def post(self, request: Request, copy_id: int) -> Response:
        """Submit a store's completed checklist for the region's review."""
        copy = _copy_for(request, copy_id, Action.OPERATE, "Submitting")
        try:
            copy_submit(copy=copy, actor=request.user, request=request._request)  # type: ignore[arg-type]
        except DirectiveRefused as exc:
            raise Conflict(str(exc)) from None
        return _status(copy, request)


class ReviewItemView(ApiView):
    @extend_schema(request=ReviewInputSerializer, responses={200: StoreStatusSerializer},
                   operation_id="directives_item_review")
    def post(self, request: Request, copy_id: int, item_id: int) -> Response:
        """Approve an item, or return it with a comment; every item approved makes the store done."""
        copy, item = _copy_and_item(request, copy_id, item_id, Action.DECIDE, "Reviewing")
        data = ReviewInputSerializer(data=request_body(request))
        data.is_valid(raise_exception=True)
        try:
            item_review(copy=copy, item=item, actor=request.user,  # type: ignore[arg-type]
                        approve=data.validated_data["decision"] == "approve",
                        comment=data.validated_data.get("comment", ""), request=request._request)
        except DirectiveRefused as exc:
            raise Conflict(str(exc)) from None
        return _status(copy, request)
