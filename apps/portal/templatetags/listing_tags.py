"""Template helpers for lists (`apps.portal.listing`)."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def sort_header(listing: Any, key: str) -> dict[str, str]:
    """The column header's link and aria-sort state for sort key `key`."""
    return listing.headers.get(key, {"query": "", "state": "none"})
