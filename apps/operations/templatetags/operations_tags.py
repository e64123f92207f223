"""Small display helpers for exception pages."""

from __future__ import annotations

from datetime import timedelta

from django import template

from apps.portal.formats import duration_text

register = template.Library()

SEVERITY_CLASS = {1: "sev-low", 2: "sev-medium", 3: "sev-high", 4: "sev-critical"}
STATUS_CLASS = {"open": "status-bad", "acknowledged": "status-warn", "snoozed": "status-muted",
                "resolved": "status-ok", "closed": "status-ok"}


@register.filter
def span(value: timedelta | None) -> str:
    """A duration as people say it, in their language: 45 min, 5 h 10 min, 3 d 4 h."""
    return duration_text(value, empty="-")


@register.filter
def severity_class(value: int) -> str:
    return SEVERITY_CLASS.get(int(value or 0), "")


@register.filter
def status_class(value: str) -> str:
    return STATUS_CLASS.get(str(value), "")
