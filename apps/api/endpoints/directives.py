"""Store directives: list, detail, per-store status, completing an item (with a photo) and review.

Reads go through the scope choke point (`api_scoped` on the stores' copies, narrowed by the token);
writes re-check the right on the store and are done by the directives app's services, with the same
rules and messages as the portal.
"""

from __future__ import annotations

from datetime import time
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import Http404, QueryDict
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from apps.api.access import api_can, api_scoped, require_write, token_of
from apps.api.base import ApiReadViewSet, ApiView, request_body
from apps.api.endpoints.organisation import StoreRefSerializer
from apps.api.errors import Conflict
from apps.api.schema import choice_field
from apps.directives.forms import AnswerForm, DirectiveForm
from apps.directives.models import (
    ChecklistItem,
    CopyStatus,
    Directive,
    DirectiveStatus,
    ItemAnswer,
    ItemKind,
    ReviewStatus,
    StoreDirective,
    TargetMode,
)
from apps.directives.selectors import authoring_regions, directives_for
from apps.directives.services import DirectiveRefused, directive_create
from apps.directives.services.checklists import copy_submit, item_answer, item_review
from apps.organisation.models import Region
from apps.organisation.roles import Action


@extend_schema_field({"type": "string", "pattern": r"^\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?$", "example": "09:00:00"})
class WallTimeField(serializers.TimeField):
    """A wall-clock time read in each store's own time zone, so it carries no offset (JSON Schema's
    `time` format demands one)."""


class ItemSerializer(serializers.ModelSerializer):
    kind = choice_field(ItemKind, read_only=True)

    class Meta:
        model = ChecklistItem
        fields = ["id", "position", "label", "kind"]


class DirectiveSerializer(serializers.ModelSerializer):
    status = choice_field(DirectiveStatus, read_only=True)
    owner_region: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True, help_text="Region code; null: an HQ directive.")
    due_time = WallTimeField(read_only=True, help_text="In each store's own time zone.")
    launch_time = WallTimeField(read_only=True, allow_null=True)
    url = serializers.SerializerMethodField(help_text="The directive in the portal.")

    class Meta:
        model = Directive
        fields = ["id", "title", "status", "owner_region", "target_mode", "due_on", "due_time", "launch_on",
                  "launch_time", "published_at", "created_at", "url"]

    def get_url(self, obj: Directive) -> str:
        return f"{settings.SITE_URL}{obj.get_absolute_url()}"


class DirectiveDetailSerializer(DirectiveSerializer):
    items = ItemSerializer(many=True)
    target_mode = choice_field(TargetMode, read_only=True)
    regions: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        source="target_regions", slug_field="code", many=True, read_only=True)
    stores: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        source="target_stores", slug_field="code", many=True, read_only=True)
    groups: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        source="target_groups", slug_field="name", many=True, read_only=True,
        help_text="Store groups (target mode `groups`), read when published.")

    class Meta(DirectiveSerializer.Meta):
        fields = [*DirectiveSerializer.Meta.fields, "instructions", "items", "regions", "stores", "groups"]


class ItemInputSerializer(serializers.Serializer):
    label = serializers.CharField(max_length=200)  # type: ignore[assignment]  # a field, not Field.label
    kind = serializers.ChoiceField(choices=ItemKind.choices, default=ItemKind.YES_NO)


class DirectiveInputSerializer(serializers.Serializer):
    """A draft, checked by the directives app's form and `draft_check` (the portal's rules and words)."""

    title = serializers.CharField(max_length=120)
    instructions = serializers.CharField(required=False, allow_blank=True, help_text="Sanitised HTML.")
    due_on = serializers.DateField()
    due_time = WallTimeField(required=False, default=time(9, 0), help_text="In each store's own time zone.")
    launch_on = serializers.DateField(required=False, allow_null=True)
    launch_time = WallTimeField(required=False, allow_null=True)
    owner_region = serializers.CharField(required=False, allow_blank=True, max_length=16,
                                         help_text="Region code of a regional directive; empty: HQ's network.")
    target_mode = serializers.ChoiceField(choices=TargetMode.choices, default=TargetMode.ALL)
    regions = serializers.ListField(child=serializers.CharField(max_length=16), required=False, max_length=200,
                                    help_text="Region codes (target mode `regions`).")
    stores = serializers.ListField(child=serializers.CharField(max_length=16), required=False, max_length=2000,
                                   help_text="Store codes (target mode `stores`).")
    groups = serializers.ListField(child=serializers.CharField(max_length=100), required=False, max_length=200,
                                   help_text="Store group names (target mode `groups`); a regional directive "
                                             "may only name groups whose stores are all in its region.")
    items = ItemInputSerializer(many=True, help_text="The checklist, in order.")


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
            directives = directives.prefetch_related("items", "target_regions", "target_stores", "target_groups")
        return directives

    @extend_schema(request=DirectiveInputSerializer, responses={201: DirectiveDetailSerializer})
    def create(self, request: Request) -> Response:
        """Draft a directive (HQ for the network, a regional manager for their region); publishing it is
        done in the portal. Targets outside the author's region are refused with a 400 naming them."""
        require_write(request)
        data = DirectiveInputSerializer(data=request_body(request))
        data.is_valid(raise_exception=True)
        values = data.validated_data
        owner = _owner_region(request, values.get("owner_region") or "")
        form = DirectiveForm(_form_data(values), owner_region=owner)
        _targets_as_ids(form, values)
        if not form.is_valid():
            raise ValidationError(form.errors.as_data())
        draft = form.draft(_form_data(values))
        directive = directive_create(author=request.user, draft=draft, request=request._request)  # type: ignore[arg-type]
        return Response(DirectiveDetailSerializer(self.get_queryset().get(pk=directive.pk)).data, status=201)

    @extend_schema(responses={200: StoreStatusSerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=None)  # every store of one directive, one list
    def stores(self, request: Request, pk: str) -> Response:
        """Each store's status (in the caller's scope), worst first: overdue and not started on top."""
        directive = self.get_object()
        copies = (_copies(request).filter(Q(directive=directive) & ~Q(status=CopyStatus.CANCELLED))
                  .select_related("store").annotate(answered=Count("answers"))
                  .prefetch_related("answers__item").order_by("status", "due_at", "store__code"))
        return Response(StoreStatusSerializer(copies, many=True).data)


def _owner_region(request: Request, code: str) -> Region | None:
    """Where the caller may send from (403 otherwise); a token limited to some stores only for a region
    it covers as a whole."""
    owners = authoring_regions(request.user)
    if not owners:
        raise PermissionDenied("Sending directives needs HQ or a regional manager role.")
    owner = next((o for o in owners if o is not None and o.code == code), None) if code else None
    if (code and owner is None) or (not code and None not in owners):
        raise PermissionDenied(f"You may not send directives for {code or 'the whole network'}"
                               f" (yours: {', '.join(o.code if o else 'network' for o in owners)}).")
    token = token_of(request)
    if token is not None and token.limited and (owner is None or not token.regions.filter(pk=owner.pk).exists()):
        raise PermissionDenied("This token is limited to some stores: it may draft directives only for a region "
                               "it covers.")
    return owner


def _form_data(values: dict[str, Any]) -> QueryDict:
    data = QueryDict(mutable=True)
    for name in ("title", "instructions", "due_on", "due_time", "launch_on", "launch_time", "target_mode"):
        if values.get(name) not in (None, ""):
            data[name] = str(values[name])
    data.setlist("item_label", [item["label"] for item in values["items"]])
    data.setlist("item_kind", [item["kind"] for item in values["items"]])
    return data


def _targets_as_ids(form: DirectiveForm, values: dict[str, Any]) -> None:
    """Codes and names to the form's choices; one the author cannot target is named in a 400."""
    lookups = {"regions": "code", "stores": "code", "groups": "name"}
    for name, key in lookups.items():
        wanted = list(dict.fromkeys(values.get(name) or []))
        choices = form.fields[name].queryset  # type: ignore[attr-defined]
        found = dict(choices.filter(**{f"{key}__in": wanted}).values_list(key, "pk"))
        missing = [w for w in wanted if w not in found]
        if missing:
            raise ValidationError({name: gettext("Not one you may target from %(owner)s: %(names)s.") % {
                "owner": form.owner_region.name if form.owner_region else gettext("the network"),
                "names": ", ".join(missing)}})
        form.data.setlist(name, [str(found[w]) for w in wanted])  # type: ignore[attr-defined]


def _files(request: Request) -> MultiValueDict[str, Any]:
    return request.FILES if hasattr(request, "FILES") else MultiValueDict()


def _copy_for(request: Request, copy_id: int, action: Action, verb: str) -> StoreDirective:
    """A copy the caller sees (else 404), then the write rights: the token's and the role's (403)."""
    copy = _copies(request).select_related("store", "directive").filter(pk=copy_id).first()
    if copy is None:
        raise Http404("No such store directive.")
    require_write(request)
    if not api_can(request, action, copy.store):
        raise PermissionDenied(f"{verb} needs {'a regional manager or HQ' if action == Action.DECIDE else 'the store'}"
                               f" role for {copy.store.code} (and a token that covers the store).")
    return copy


def _copy_and_item(request: Request, copy_id: int, item_id: int, action: Action, verb: str
                   ) -> tuple[StoreDirective, ChecklistItem]:
    copy = _copy_for(request, copy_id, action, verb)
    item = ChecklistItem.objects.filter(pk=item_id, directive_id=copy.directive_id).first()
    if item is None:
        raise Http404("No such checklist item in this directive.")
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
