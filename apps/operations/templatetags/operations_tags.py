"""Small display helpers for exception pages."""

from __future__ import annotations

from datetime import timedelta

from django import template
from django.utils.translation import gettext

register = template.Library()

SEVERITY_CLASS = {1: "sev-low", 2: "sev-medium", 3: "sev-high", 4: "sev-critical"}
STATUS_CLASS = {"open": "status-bad", "acknowledged": "status-warn", "snoozed": "status-muted",
                "resolved": "status-ok", "closed": "status-ok"}


@register.filter
def span(value: timedelta | None) -> str:
    """A duration as people say it: 45 min, 5 h, 3 d 4 h."""
    if value is None:
        return "-"
    minutes = max(0, int(value.total_seconds() // 60))
    if minutes < 60:
        return gettext("%(minutes)d min") % {"minutes": minutes}
    hours = minutes // 60
    if hours < 48:
        return gettext("%(hours)d h") % {"hours": hours}
    return gettext("%(days)d d %(hours)d h") % {"days": hours // 24, "hours": hours % 24}


@register.filter
def severity_class(value: int) -> str:
    return SEVERITY_CLASS.get(int(value or 0), "")


@register.filter
def status_class(value: str) -> str:
    return STATUS_CLASS.get(str(value), "")
