"""Forms: parse and check input in words a store manager or an author understands. Rules live in the
services (`services.draft_check`, `checklists.answer_parse`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext_lazy

from apps.directives.models import ItemKind, TargetMode
from apps.directives.services import DirectiveDraft, ItemSpec
from apps.directives.services.checklists import Answer
from apps.incidents.forms import ACCEPT
from apps.incidents.forms import MultiplePhotoInput as MultipleFileInput
from apps.incidents.photos import photo_clean
from apps.organisation.models import Region, Store, StoreGroup

MAX_ITEM_ROWS = 40


class DirectiveForm(forms.Form):
    title = forms.CharField(max_length=120, error_messages={"required": "Give the directive a title."})
    instructions = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 6}),
                                   help_text="Paragraphs, bold, lists and links are kept; anything else is removed.")
    due_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label="Due day")
    due_time = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}), label="Due time (store time)")
    launch_on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}),
                                label="Launch day (must be ready before)")
    launch_time = forms.TimeField(required=False, widget=forms.TimeInput(attrs={"type": "time"}),
                                  label="Launch time (store time)")
    target_mode = forms.ChoiceField(choices=TargetMode.choices, widget=forms.RadioSelect, label="Send to")
    regions = forms.ModelMultipleChoiceField(queryset=Region.objects.none(), required=False)
    stores = forms.ModelMultipleChoiceField(queryset=Store.objects.none(), required=False)
    groups = forms.ModelMultipleChoiceField(queryset=StoreGroup.objects.none(), required=False,
                                            label=gettext_lazy("Store groups"))
    attachments = forms.FileField(required=False, widget=MultipleFileInput(
        attrs={"accept": "application/pdf,image/jpeg,image/png", "multiple": True}),
        help_text="Planogram PDF or images.")

    def __init__(self, *args: Any, owner_region: Region | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owner_region = owner_region
        stores = Store.objects.filter(active=True, region__active=True).order_by("code")
        regions = Region.objects.filter(active=True).order_by("name")
        if owner_region is not None:
            stores, regions = stores.filter(region=owner_region), regions.filter(pk=owner_region.pk)
        self.fields["stores"].queryset = stores  # type: ignore[attr-defined]
        self.fields["regions"].queryset = regions  # type: ignore[attr-defined]
        # A regional author is offered the groups with a store in the region; one that also has stores
        # elsewhere is refused by the service with the stores named (`draft_check`).
        self.fields["groups"].queryset = StoreGroup.objects.filter(  # type: ignore[attr-defined]
            pk__in=StoreGroup.stores.through.objects.filter(store__in=stores).values("storegroup_id"))
        self.items: list[ItemSpec] = []

    def clean_attachments(self) -> Any:
        return None  # read from request.FILES by the view (several files)

    def items_parse(self, data: QueryDict) -> list[ItemSpec]:
        labels, kinds = data.getlist("item_label")[:MAX_ITEM_ROWS], data.getlist("item_kind")[:MAX_ITEM_ROWS]
        return [ItemSpec(label=label.strip()[:200], kind=kind if kind in ItemKind.values else "")
                for label, kind in zip(labels, kinds, strict=False) if label.strip()]

    def draft(self, data: QueryDict) -> DirectiveDraft:
        values = self.cleaned_data
        return DirectiveDraft(
            title=values["title"], instructions=values.get("instructions") or "", due_on=values["due_on"],
            due_time=values["due_time"], launch_on=values.get("launch_on"), launch_time=values.get("launch_time"),
            target_mode=values["target_mode"], regions=list(values.get("regions") or []),
            stores=list(values.get("stores") or []), groups=list(values.get("groups") or []),
            items=self.items_parse(data), owner_region=self.owner_region)


class AnswerForm(forms.Form):
    value = forms.CharField(required=False, max_length=2000)
    note = forms.CharField(required=False, max_length=2000)
    photo = forms.FileField(required=False, widget=forms.ClearableFileInput(
        attrs={"accept": ACCEPT, "capture": "environment"}))

    def answer(self) -> Answer:
        upload = self.cleaned_data.get("photo")
        photo = None
        if upload:
            try:
                photo = photo_clean(upload)
            except ValidationError as exc:
                raise ValidationError({"photo": exc.messages}) from exc
        return Answer(value=self.cleaned_data.get("value") or "", note=self.cleaned_data.get("note") or "",
                      photo=photo)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("return", "Return")])
    comment = forms.CharField(required=False, max_length=500)
