"""Input of the exception actions: parsed and bounded here, so bad input never reaches a service."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.operations.services import MAX_NOTE, MAX_REASON


class SnoozeForm(forms.Form):
    until = forms.DateTimeField(label=_("Snooze until (store time)"),
                                widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    reason = forms.CharField(label=_("Reason"), max_length=MAX_REASON, strip=True)


class ResolveForm(forms.Form):
    note = forms.CharField(label=_("How was it resolved?"), max_length=MAX_NOTE, strip=True,
                           widget=forms.Textarea(attrs={"rows": 3}))


class AssignForm(forms.Form):
    owner: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("Owner"), queryset=None, empty_label=None)

    def __init__(self, *args: Any, owners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["owner"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = owners
        field.error_messages["invalid_choice"] = _("Choose someone who can act for this store.")


def first_error(form: forms.Form) -> str:
    """One readable sentence for a 400 answer."""
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        return f"{label}: {errors[0]}" if label else str(errors[0])
    return str(_("The form is not valid."))
