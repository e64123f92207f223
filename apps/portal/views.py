"""The shell: the home page, saved views of lists and the language switcher (error pages:
`apps.portal.errors`)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language

from apps.organisation.roles import Action
from apps.organisation.scope import stores_for
from apps.portal.errors import error_page
from apps.portal.jsi18n import catalog_languages, catalog_url
from apps.portal.models import SavedView
from apps.portal.navigation import store_only
from apps.portal.preferences import person_locale_forget, person_locale_save
from apps.portal.saved_views import saved_view_delete, saved_view_save, saved_views_for
from apps.portal.selectors import overview_for, store_today
from apps.portal.shell import SHELL_PAGES, SHELL_STATIC, SHELL_VERSION

LIST_URLS = {"approvals": "approvals:inbox", "incidents": "incidents:list"}


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
        return error_page(request, status=400, title=_("Not saved"), message=_("Unknown list."))
    try:
        saved_view_save(user=request.user, list_name=list_name,  # type: ignore[arg-type]
                        name=request.POST.get("name", ""), query=query)
    except ValidationError as exc:
        if request.htmx:  # type: ignore[attr-defined]
            return render(request, "portal/partials/error.html", {"message": " ".join(exc.messages)}, status=400)
        return error_page(request, status=400, title=_("Not saved"), message=" ".join(exc.messages))
    if request.htmx:  # type: ignore[attr-defined]
        return _saved_views_panel(request, list_name, query)
    return HttpResponseRedirect(f"{reverse(LIST_URLS[list_name])}?{query}")


@login_required
@require_POST
def saved_view_remove(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        list_name = saved_view_delete(user=request.user, pk=pk)  # type: ignore[arg-type]
    except SavedView.DoesNotExist:
        raise Http404(_("No such saved view of yours.")) from None
    if request.htmx:  # type: ignore[attr-defined]
        return _saved_views_panel(request, list_name, request.POST.get("query", ""))
    return HttpResponseRedirect(reverse(LIST_URLS[list_name]))


def _store_context(request: HttpRequest) -> dict[str, Any]:
    if not stores_for(request.user, Action.OPERATE).exists():
        raise PermissionDenied(_("The store app is for people who act for a store."))
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
    catalogs = [catalog_url(language) for language in catalog_languages()]  # offline in any language
    response = render(request, "portal/sw.js", {"version": SHELL_VERSION, "shell_static": SHELL_STATIC,
                                                "shell_pages": SHELL_PAGES, "catalogs": catalogs},
                      content_type="text/javascript")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """The language switcher: the browser keeps the choice (cookie, so the sign-in page follows it) and
    a signed-in person's preferences keep it for every device and e-mail. Back to `next` (same site)."""
    language = request.POST.get("language", "")
    if request.user.is_authenticated:
        try:
            person_locale_save(user=request.user, language=language)
        except ValidationError:
            return HttpResponseBadRequest(_("Choose one of the portal's languages."))
        person_locale_forget(request.session)
    return set_language(request)
