"""The count form: parses the phone's input; the rules (store stock, quantity, value) are in services."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import uuid4

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.adjustments.models import AdjustmentReason
from apps.organisation.models import Store

if TYPE_CHECKING:
    from django.db.models import QuerySet

ACCEPT = "image/jpeg,image/png,image/webp"


class CountForm(forms.Form):
    store: forms.ModelChoiceField[Store] = forms.ModelChoiceField(queryset=Store.objects.none(), empty_label=None,
                                                                  label=_("Store"))
    quant = forms.IntegerField(min_value=1, max_value=2**31 - 1, label=_("Product"),
                               error_messages={"required": _("Search for the product and pick it.")})
    counted = forms.CharField(max_length=20, label=_("Counted quantity"),
                              widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
                              error_messages={"required": _("Say how many you counted.")})
    reason: forms.ModelChoiceField[AdjustmentReason] = forms.ModelChoiceField(
        queryset=AdjustmentReason.objects.none(), label=_("Reason"),
        error_messages={"required": _("Choose a reason."), "invalid_choice": _("Choose one of the reasons offered.")})
    note = forms.CharField(max_length=500, required=False, label=_("Note (optional)"),
                           widget=forms.Textarea(attrs={"rows": 2}))
    # Made when the form is shown: pressing "Send" twice, or a resend after a lost answer, is one report.
    client_key = forms.RegexField(regex=r"^[A-Za-z0-9_-]{8,64}$", required=False, widget=forms.HiddenInput,
                                  error_messages={"invalid": _("This form is out of date; reload the page.")})
    photo = forms.FileField(required=False, label=_("Photo (optional)"),
                            widget=forms.ClearableFileInput(attrs={"accept": ACCEPT, "capture": "environment"}))

    def __init__(self, *args: Any, stores: QuerySet[Store], reasons: QuerySet[AdjustmentReason],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["store"].queryset = stores  # type: ignore[attr-defined]
        self.fields["reason"].queryset = reasons  # type: ignore[attr-defined]
        self.fields["client_key"].initial = uuid4().hex
        if stores.count() == 1:
            self.fields["store"].widget = forms.HiddenInput()
            self.fields["store"].initial = stores.first()
