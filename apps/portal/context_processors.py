from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from apps.portal.navigation import administers, nav_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "nav_admin": False}
    # Lazy: fragments (htmx panels, lists) never show the navigation, so they never pay for it.
    return {"nav_items": SimpleLazyObject(lambda: nav_for(user)),
            "nav_admin": SimpleLazyObject(lambda: administers(user))}
