"""Display helpers for the workflow-health pages."""

from __future__ import annotations

from django import template
from django.utils.translation import pgettext, pgettext_lazy

register = template.Library()

# A signal's status as the pages say it (lower case, in a sentence), in the reader's language.
STATUS_WORDS = {
    "ok": pgettext_lazy("health status", "ok"),
    "degraded": pgettext_lazy("health status", "degraded"),
    "failing": pgettext_lazy("health status", "failing"),
}


@register.filter
def status_word(value: str | None) -> str:
    """`ok`/`degraded`/`failing` in the reader's language; an empty value is a signal seen for the first time."""
    if not value:
        return pgettext("health status", "new")
    return str(STATUS_WORDS.get(str(value), value))
