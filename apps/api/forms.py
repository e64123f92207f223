"""The token and service account forms of the token page (rules live in `services`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.api import conf
from apps.api.models import ServiceAccount, TokenAccess
from apps.organisation.models import Region, Store


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, label=_("Name"), help_text=_("What uses it, e.g. 'n8n approvals flow'."))
    access = forms.ChoiceField(choices=TokenAccess.choices, initial=TokenAccess.READ)
    days = forms.IntegerField(min_value=1, label=_("Expires after (days)"))
    stores = forms.ModelMultipleChoiceField(queryset=Store.objects.none(), required=False,
                                            help_text=_("Optional: limit the token to these stores."))
    regions = forms.ModelMultipleChoiceField(queryset=Region.objects.none(), required=False,
                                             help_text=_("Optional: limit the token to these regions."))
    account = forms.ModelChoiceField(queryset=ServiceAccount.objects.none(), required=False,
                                     label=_("Service account"))

    def __init__(self, *args: Any, stores: Any, regions: Any, accounts: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["days"].max_value = conf.TOKEN_MAX_DAYS  # type: ignore[attr-defined]
        self.fields["days"].initial = conf.TOKEN_DEFAULT_DAYS
        self.fields["days"].widget.attrs.update({"max": conf.TOKEN_MAX_DAYS})
        self.fields["stores"].queryset = stores  # type: ignore[attr-defined]
        self.fields["regions"].queryset = regions  # type: ignore[attr-defined]
        if accounts is not None:
            self.fields["account"].queryset = accounts  # type: ignore[attr-defined]
            self.fields["account"].required = True
        else:
            del self.fields["account"]

    def clean_days(self) -> int:
        days: int = self.cleaned_data["days"]
        if days > conf.TOKEN_MAX_DAYS:
            raise forms.ValidationError(f"A token lives at most {conf.TOKEN_MAX_DAYS} days.")
        return days


class ServiceAccountForm(forms.Form):
    username = forms.CharField(max_length=61, label=_("User name"), help_text=_("e.g. svc-n8n"))
    description = forms.CharField(max_length=200, required=False)
