"""The shell: home, sign-in and the page that explains a refusal."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static

from apps.portal.selectors import overview_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each person's day starts on their own dashboard's first panels, above their roles and stores."""
    from apps.dashboards.views import home_context

    context: dict[str, Any] = home_context(request)
    context["overview"] = overview_for(request.user)
    return render(request, "portal/home.html", context)


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page links: send them to the icon, not to a 404."""
    return redirect(static("favicon.svg"), permanent=True)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A 403 that says what is missing: the message of the PermissionDenied raised by the check."""
    reason = str(exception) if isinstance(exception, PermissionDenied) and str(exception) else ""
    context: dict[str, Any] = {"reason": reason or "Your roles do not cover this page."}
    return render(request, "portal/403.html", context, status=403)
