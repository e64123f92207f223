"""The scripts' words: Django's JavaScript catalog (djangojs) for one language, at an address of its own.

The language is in the path, not taken from the request, so that one address always holds the same
text: browsers, the server cache and the store app's service worker may keep it, and a person who
changes language simply asks for another address. The catalog holds no data of anyone (the sign-in
page uses it too), so it needs no sign-in; only the portal's own catalogs (locale/) are served.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django.views.decorators.cache import cache_page
from django.views.decorators.http import require_GET
from django.views.i18n import JavaScriptCatalog

from apps.portal.shell import SHELL_VERSION

# Browsers keep a catalog an hour, then revalidate it with its ETag (a deploy's new words arrive within the hour).
CATALOG_MAX_AGE = 3600
# Only LOCALE_PATHS (locale/) are read: this package has no catalog of its own, and naming it keeps
# the admin's and other libraries' script catalogs out.
_catalog = JavaScriptCatalog.as_view(domain="djangojs", packages=["apps.portal"])


def catalog_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def catalog_url(language: str | None = None) -> str:
    """The catalog's address for `language` (the active language by default)."""
    code = language or translation.get_language() or settings.LANGUAGE_CODE
    if code not in catalog_languages():
        try:
            code = translation.get_supported_language_variant(code)
        except LookupError:
            code = settings.LANGUAGE_CODE
    return reverse("javascript_catalog", kwargs={"language": code})


@cache_page(CATALOG_MAX_AGE, key_prefix=f"jsi18n-{SHELL_VERSION}")  # a deploy with new words: new keys
def _rendered(request: HttpRequest, language: str) -> HttpResponse:
    with translation.override(language):
        response = _catalog(request)
    assert isinstance(response, HttpResponse)
    response["ETag"] = f'"{hashlib.sha256(response.content).hexdigest()[:20]}"'
    return response


@require_GET
def javascript_catalog(request: HttpRequest, language: str) -> HttpResponse:
    if language not in catalog_languages():
        raise Http404(gettext("No such language."))
    response = _rendered(request, language)
    if request.headers.get("If-None-Match") == response["ETag"]:
        not_modified = HttpResponseNotModified()
        not_modified["ETag"] = response["ETag"]
        return not_modified
    response["Cache-Control"] = f"public, max-age={CATALOG_MAX_AGE}"
    response["Content-Language"] = language
    return response
