"""Template filters and tags over `apps.portal.formats`: every figure and moment in the reader's
locale and zone (`{% load locale_format %}`)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from apps.portal import formats

register = template.Library()


@register.filter
def number(value: Any, places: int = 2) -> str:
    return formats.number_text(value, max_places=int(places))


@register.filter
def money(value: Any, currency: str = "") -> str:
    """`{{ amount|money:record.currency }}`: the amount in its own currency."""
    return formats.money_text(value, currency)


@register.filter
def percent(value: float | None) -> str:
    return formats.percent_text(value)


@register.filter
def duration(value: timedelta | None) -> str:
    return formats.duration_text(value)


@register.filter
def when(value: datetime | None, style: str = "") -> str:
    """`{{ moment|when }}` → `10 Mar 14:05` (the time alone today); `{{ moment|when:"weekday" }}` →
    `Tue 10 Mar 14:05`, in the reader's language and zone."""
    return formats.when_text(value, weekday=style == "weekday")


@register.simple_tag
def moment(value: datetime | None, store_zone: str = "") -> SafeString:
    """A moment in the reader's zone, and on the store's clock beside it when that reads differently:
    `{% moment approval.deadline approval.store.timezone %}`."""
    if value is None:
        return format_html("")
    clock = formats.store_clock_text(value, store_zone)
    shown = format_html('<time datetime="{}">{}</time>', value.isoformat(), formats.when_text(value))
    if not clock:
        return shown
    return format_html('{} <span class="store-clock">({})</span>', shown, clock)


@register.filter
def store_clock(value: datetime | None, store_zone: str = "") -> str:
    """`15:05 store time` when the store's clock reads differently from the reader's; else empty."""
    return formats.store_clock_text(value, store_zone)
