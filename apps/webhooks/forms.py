"""The subscription form (rules and checks live in `services`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.organisation.models import Region, Store
from apps.webhooks.events import ALL, EVENT_TYPES


class SubscriptionForm(forms.Form):
    name = forms.CharField(max_length=100)
    url = forms.CharField(max_length=500, label=_("Receiver URL"),
                          widget=forms.URLInput(attrs={"placeholder": "https://n8n.example.com/webhook/..."}))
    events = forms.MultipleChoiceField(choices=[(ALL, _("Every event type")),
                                                *((name, f"{name}: {text}") for name, text in EVENT_TYPES.items())],
                                       widget=forms.CheckboxSelectMultiple)
    active = forms.BooleanField(required=False, initial=True)
    stores = forms.ModelMultipleChoiceField(queryset=Store.objects.none(), required=False,
                                            help_text=_("Optional: only these stores' events."))
    regions = forms.ModelMultipleChoiceField(queryset=Region.objects.none(), required=False,
                                             help_text=_("Optional: only these regions' events."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stores"].queryset = Store.objects.filter(active=True).order_by("code")  # type: ignore[attr-defined]
        self.fields["regions"].queryset = Region.objects.filter(active=True).order_by("code")  # type: ignore[attr-defined]
