"""Forms: parse and check input, with messages a store manager understands. Rules live in services."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from apps.incidents import conf
from apps.incidents.models import REGIONAL_OVERRIDES, StoreIncident
from apps.incidents.photos import CleanPhoto, photo_clean, uploads_check
from apps.incidents.services import IncidentReport
from apps.incidents.services.followup import OverrideChange
from apps.incidents.taxonomy import Category, Urgency
from apps.organisation.models import Store

if TYPE_CHECKING:
    from django.db.models import QuerySet

ACCEPT = "image/jpeg,image/png,image/webp"


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos in one input, each checked by content (see `photos.photo_clean`)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultiplePhotoInput(attrs={"accept": ACCEPT, "multiple": True}))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    room: int | None = None  # photos still allowed (an incident's comment: what the incident has room for)

    def clean(self, data: Any, initial: Any = None) -> list[CleanPhoto]:
        """The whole batch's count and sizes first, then each photo decoded, one at a time."""
        uploads: list[UploadedFile] = [item for item in (data if isinstance(data, (list, tuple)) else [data]) if item]
        uploads_check(uploads, room=conf.MAX_PHOTOS if self.room is None else self.room)
        photos, errors = [], []
        for upload in uploads:
            super().clean(upload, initial)
            try:
                photos.append(photo_clean(upload))
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError(errors)
        return photos


class IncidentForm(forms.Form):
    store: forms.ModelChoiceField[Store] = forms.ModelChoiceField(queryset=Store.objects.none(), empty_label=None)
    title = forms.CharField(max_length=120, min_length=4, label=_("What is wrong?"),
                            widget=forms.TextInput(attrs={"autocomplete": "off",
                                                          "placeholder": _("e.g. Freezer 3 warm, ice cream soft")}),
                            error_messages={"required": _("Say in a few words what is wrong."),
                                            "min_length": _("Say a little more (at least 4 characters).")})
    description = forms.CharField(max_length=4000, required=False, label=_("Details"),
                                  widget=forms.Textarea(attrs={"rows": 4, "placeholder": _("Where, since when, "
                                                                 "what you already did")}))
    category = forms.ChoiceField(choices=[("", _("Suggest for me")), *Category.choices], required=False)
    urgency = forms.ChoiceField(choices=[("", _("Suggest for me")), *Urgency.choices], required=False)
    equipment_ref = forms.CharField(max_length=80, required=False, label=_("Equipment or product (optional)"),
                                    widget=forms.TextInput(attrs={"placeholder": _("e.g. Freezer bank A, till 2, "
                                                                    "EAN 5012345678900")}))
    photos = PhotosField(label=format_lazy(_("Photos (up to {count})"), count=conf.MAX_PHOTOS))
    suggestion_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    client_key = forms.RegexField(regex=r"^[A-Za-z0-9_-]{8,64}$", required=False, widget=forms.HiddenInput,
                                  error_messages={"invalid": _("The report's key must be 8 to 64 letters, digits, "
                                                               "'-' or '_'.")})

    def __init__(self, *args: Any, stores: QuerySet[Store], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["store"]
        field.queryset = stores  # type: ignore[attr-defined]
        first = stores.first()
        if first is not None and not self.is_bound:
            self.initial.setdefault("store", first.pk)
        if stores.count() == 1:
            field.widget = forms.HiddenInput()
        # The phone's camera first; any picture it can read is downscaled to a JPEG there (store-app.js).
        self.fields["photos"].widget.attrs.update({"data-max-photos": conf.MAX_PHOTOS, "capture": "environment",
                                                   "accept": "image/*", "data-max-bytes": conf.PHOTO_MAX_BYTES})

    def report(self) -> IncidentReport:
        data = self.cleaned_data
        return IncidentReport(store=data["store"], title=data["title"], description=data["description"],
                              equipment_ref=data["equipment_ref"], category=data["category"],
                              urgency=data["urgency"], photos=data["photos"], suggestion_id=data["suggestion_id"],
                              client_key=data["client_key"])


class CommentForm(forms.Form):
    body = forms.CharField(max_length=2000, required=False, label=_("Comment"),
                           widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("What changed, what you need")}))
    photos = PhotosField(label=_("Add photos"))

    def __init__(self, *args: Any, room: int | None = None, **kwargs: Any) -> None:
        """`room`: photos the incident can still take, checked before any photo is decoded."""
        super().__init__(*args, **kwargs)
        self.fields["photos"].room = room  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("body") or "").strip() and not data.get("photos") and not self.errors:
            raise ValidationError(_("Write a comment or add a photo."))
        return data


class OverrideForm(forms.Form):
    kind = forms.ChoiceField(choices=[(kind.value, kind.label) for kind in REGIONAL_OVERRIDES], label=_("Change"))
    reason = forms.CharField(max_length=500, label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": _("Give the reason for the override.")})
    urgency = forms.ChoiceField(choices=[("", "—"), *Urgency.choices], required=False, label=_("New urgency"))
    team = forms.TypedChoiceField(choices=[], coerce=int, required=False, empty_value=None, label=_("New team"))
    deadline = forms.DateTimeField(required=False, label=_("New deadline"),
                                   widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                              format="%Y-%m-%dT%H:%M"))
    duplicate_of = forms.ModelChoiceField(queryset=StoreIncident.objects.none(), required=False,
                                          to_field_name="reference", label=_("Duplicate of"))

    def __init__(self, *args: Any, teams: list[tuple[int, str]], duplicates: list[StoreIncident],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.team_names = dict(teams)
        self.fields["team"].choices = [("", "—"), *teams]  # type: ignore[attr-defined]
        self.fields["duplicate_of"].queryset = StoreIncident.objects.filter(  # type: ignore[attr-defined]
            pk__in=[incident.pk for incident in duplicates])

    def change(self) -> OverrideChange:
        data = self.cleaned_data
        team_id = data.get("team")
        return OverrideChange(kind=data["kind"], reason=data["reason"], urgency=data.get("urgency") or "",
                              team_id=team_id, team_name=self.team_names.get(team_id, "") if team_id else "",
                              deadline=data.get("deadline"), duplicate_of=data.get("duplicate_of"))


class ReopenForm(forms.Form):
    reason = forms.CharField(max_length=1000, label=_("What is still wrong?"),
                             widget=forms.Textarea(attrs={"rows": 2, "placeholder": _("e.g. Still reading -10C")}),
                             error_messages={"required": _(
                                 "Say what is still wrong: the technician reads it in Odoo.")})
