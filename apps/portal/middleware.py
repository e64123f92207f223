"""The portal's own middleware: liveness before everything, the person's language and time zone, and
`Vary: HX-Request` (responses differ for htmx requests: a fragment instead of a page)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers

from apps.organisation.scope import scope_remembered
from apps.portal.preferences import person_locale


class VaryOnHtmxMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith("text/html"):
            patch_vary_headers(response, ("HX-Request",))
        return response


class LivenessMiddleware:
    """Answers `/healthz` before host validation and HTTPS redirects, for load balancers and the
    container health check: no authentication, no details, no database."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == "/healthz":
            return HttpResponse("ok\n", content_type="text/plain")
        return self.get_response(request)


class ScopeMemoMiddleware:
    """Each person's scope is read once per request (`apps.organisation.scope.scope_remembered`): a
    page asks it for every query, its navigation and its permission checks."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with scope_remembered():
            return self.get_response(request)


class PersonLocaleMiddleware:
    """Speaks to a signed-in person in their own language and shows times in their own zone
    (`apps.portal.preferences`); before sign-in the browser's language (LocaleMiddleware) and the
    portal's zone. Placed after AuthenticationMiddleware: it needs to know who is asking."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        chosen = person_locale(user, request.session)
        if chosen.language:
            translation.activate(chosen.language)
            request.LANGUAGE_CODE = chosen.language
        timezone.activate(chosen.zone())
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
