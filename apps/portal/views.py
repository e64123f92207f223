"""The shell: home, sign-in and the page that explains a refusal."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from apps.organisation.roles import Action
from apps.organisation.scope import stores_for
from apps.portal.navigation import store_only
from apps.portal.selectors import overview_for, store_today
from apps.portal.shell import SHELL_PAGES, SHELL_STATIC, SHELL_VERSION


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each person's day starts on their own dashboard's first panels, above their roles and stores;
    a store's people start on the store app."""
    from apps.dashboards.views import home_context

    if store_only(request.user):
        return store_home(request)

    context: dict[str, Any] = home_context(request)
    context["overview"] = overview_for(request.user)
    return render(request, "portal/home.html", context)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A 403 that says what is missing: the message of the PermissionDenied raised by the check."""
    reason = str(exception) if isinstance(exception, PermissionDenied) and str(exception) else ""
    context: dict[str, Any] = {"reason": reason or "Your roles do not cover this page."}
    return render(request, "portal/403.html", context, status=403)


def _store_context(request: HttpRequest) -> dict[str, Any]:
    if not stores_for(request.user, Action.OPERATE).exists():
        raise PermissionDenied("The store app is for people who act for a store.")
    return {"today": store_today(request.user)}


@login_required
@require_GET
def store_home(request: HttpRequest) -> HttpResponse:
    """The store app: "Report an incident" first, then what the store has open today."""
    return render(request, "portal/store_home.html", _store_context(request))


@login_required
@require_GET
def store_panel(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/store_home.html#store-today", _store_context(request))


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The store app's service worker, served from the site root so that its scope covers the store
    pages and the report form. It holds no data of anyone: no sign-in needed to fetch it."""
    response = render(request, "portal/sw.js", {"version": SHELL_VERSION, "shell_static": SHELL_STATIC,
                                                "shell_pages": SHELL_PAGES}, content_type="text/javascript")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response
