"""Template filters for dashboard figures, in the reader's locale (`apps.portal.formats`)."""

from __future__ import annotations

from datetime import timedelta

from django import template

from apps.dashboards.formatting import duration_text, percent_text

register = template.Library()


@register.filter
def duration(value: timedelta | None) -> str:
    return duration_text(value)


@register.filter
def percent(value: float | None) -> str:
    return percent_text(value)
