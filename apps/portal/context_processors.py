from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from apps.portal.navigation import administers, nav_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "nav_admin": False}
    return {"nav_items": nav_for(user), "nav_admin": administers(user)}
