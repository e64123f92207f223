"""The shell: the home page and saved views of lists (error pages: `apps.portal.errors`)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_POST

from apps.portal.errors import error_page
from apps.portal.models import SavedView
from apps.portal.saved_views import saved_view_delete, saved_view_save, saved_views_for
from apps.portal.selectors import overview_for

LIST_URLS = {"approvals": "approvals:inbox", "incidents": "incidents:list"}


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


def _saved_views_panel(request: HttpRequest, list_name: str, query: str, *, status: int = 200,
                       error: str = "") -> HttpResponse:
    return render(request, "portal/partials/saved_views.html",
                  {"saved_views": saved_views_for(request.user, list_name), "list_name": list_name,
                   "list_url": reverse(LIST_URLS[list_name]), "current_query": query, "error": error}, status=status)


@login_required
@require_POST
def saved_view_create(request: HttpRequest) -> HttpResponse:
    """Save the list's current filters under a name (the panel comes back for htmx)."""
    list_name = request.POST.get("list", "")
    query = request.POST.get("query", "")
    if list_name not in LIST_URLS:
        return error_page(request, status=400, title="Not saved", message="Unknown list.")
    try:
        saved_view_save(user=request.user, list_name=list_name,  # type: ignore[arg-type]
                        name=request.POST.get("name", ""), query=query)
    except ValidationError as exc:
        if request.htmx:  # type: ignore[attr-defined]
            return render(request, "portal/partials/error.html", {"message": " ".join(exc.messages)}, status=400)
        return error_page(request, status=400, title="Not saved", message=" ".join(exc.messages))
    if request.htmx:  # type: ignore[attr-defined]
        return _saved_views_panel(request, list_name, query)
    return HttpResponseRedirect(f"{reverse(LIST_URLS[list_name])}?{query}")


@login_required
@require_POST
def saved_view_remove(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        list_name = saved_view_delete(user=request.user, pk=pk)  # type: ignore[arg-type]
    except SavedView.DoesNotExist:
        raise Http404("No such saved view of yours.") from None
    if request.htmx:  # type: ignore[attr-defined]
        return _saved_views_panel(request, list_name, request.POST.get("query", ""))
    return HttpResponseRedirect(reverse(LIST_URLS[list_name]))
