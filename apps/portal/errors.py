"""Error pages in the portal's layout, in every mode.

403, 404 and 500 render the portal's own pages (with navigation) whether DEBUG is on or off; for an
htmx request they render only the error fragment, which static/js/feedback.js shows next to the
control that sent the request. `ErrorPagesMiddleware` makes DEBUG use them too (Django would
otherwise answer 404s with its technical page); one log line per refusal, no traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

logger = logging.getLogger("controltower.errors")

NOT_FOUND = gettext_lazy("There is nothing here, or it is outside what your roles let you see.")
FAILED = gettext_lazy("Something went wrong on our side; nothing was changed. Try again in a moment.")


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def error_page(request: HttpRequest, *, status: int, title: str, message: str) -> HttpResponse:
    if _is_htmx(request):
        return render(request, "portal/partials/error.html", {"message": message}, status=status)
    return render(request, "portal/error.html", {"title": title, "message": message, "status": status},
                  status=status)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A 403 that says what is missing: the message of the PermissionDenied raised by the check."""
    reason = str(exception) if isinstance(exception, PermissionDenied) and str(exception) else ""
    reason = reason or _("Your roles do not cover this page.")
    if _is_htmx(request):
        return render(request, "portal/partials/error.html", {"message": reason}, status=403)
    return render(request, "portal/403.html", {"reason": reason}, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, status=404, title=_("Not found"), message=str(NOT_FOUND))


def server_error(request: HttpRequest) -> HttpResponse:
    try:
        return error_page(request, status=500, title=_("Something went wrong"), message=str(FAILED))
    except Exception:  # the layout itself failed (database down): plain text, never a second traceback
        return HttpResponse(FAILED, status=500, content_type="text/plain; charset=utf-8")


# Django's technical 404/500 pages (DEBUG only) carry this tag; the portal's pages never do.
TECHNICAL_PAGE = b'<meta name="robots" content="NONE,NOARCHIVE">'


class ErrorPagesMiddleware:
    """Serves the portal's 403, 404 and 500 pages in DEBUG as well (outside DEBUG Django's handlers
    do): a view's refusal is rendered here without a traceback in the log, and a technical page
    (an unknown URL, a crash) is replaced by the portal's own; a crash's traceback is still logged
    by Django."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if settings.DEBUG and response.status_code in (404, 500) and not response.streaming \
                and TECHNICAL_PAGE in response.content:
            if response.status_code == 404:
                return page_not_found(request)
            return server_error(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, Http404):
            logger.info("Not found: %s", request.path)
            return page_not_found(request, exception)
        if isinstance(exception, PermissionDenied):
            logger.info("Refused (403): %s: %s", request.path, exception)
            return permission_denied(request, exception)
        return None
