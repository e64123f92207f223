"""The shell: the home page (error pages: `apps.portal.errors`)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from apps.portal.selectors import overview_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each person's day starts on their own dashboard's first panels, above their roles and stores."""
    from apps.dashboards.views import home_context

    context: dict[str, Any] = home_context(request)
    context["overview"] = overview_for(request.user)
    return render(request, "portal/home.html", context)
