"""403, 404 and 500 in the portal's layout in every mode; for htmx, an error fragment only."""

from __future__ import annotations

import logging
import sys

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from apps.portal.errors import ErrorPagesMiddleware, permission_denied, server_error
from tests.factories import Network

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def _signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("debug", [False, True])
def test_it_answers_an_unknown_address_with_the_portal_page(network: Network, settings, debug: bool) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = debug
    response = _signed_in(network.manager_a).get("/no/such/page/")
    body = response.content.decode()
    assert response.status_code == 404
    assert 'class="topbar"' in body
    assert "There is nothing here" in body
    assert "technical" not in body.lower()
    assert "URLconf" not in body
    fragment = _signed_in(network.manager_a).get("/no/such/page/", **HTMX)
    assert fragment.status_code == 404
    assert fragment.content.decode().strip().startswith('<p class="inline-error" role="alert" data-error-message>')


@pytest.mark.parametrize("debug", [False, True])
def test_it_answers_a_view_refusal_in_the_layout_with_one_log_line(network: Network, settings, caplog,
                                                                   debug: bool) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = debug
    with caplog.at_level(logging.INFO):
        response = _signed_in(network.manager_a).get(reverse("audit:events"))
    assert response.status_code == 403
    assert 'class="topbar"' in response.content.decode()
    assert not [record for record in caplog.records if record.exc_info]  # no traceback for a refusal
    fragment = _signed_in(network.manager_a).get(reverse("audit:events"), **HTMX)
    assert fragment.status_code == 403
    assert "<nav" not in fragment.content.decode()
    assert "data-error-message" in fragment.content.decode()


def test_it_replaces_the_debug_crash_page_and_serves_its_own_500(network: Network, rf, settings) -> None:  # type: ignore[no-untyped-def]
    from django.views.debug import technical_500_response

    settings.DEBUG = True
    request = rf.get("/somewhere/")
    request.user = network.manager_a

    def crash(request):  # type: ignore[no-untyped-def]
        try:
            raise RuntimeError("boom")
        except RuntimeError:
            return technical_500_response(request, *sys.exc_info())

    response = ErrorPagesMiddleware(crash)(request)
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
    assert "boom" not in response.content.decode()
    settings.DEBUG = False
    page = server_error(request)
    assert page.status_code == 500
    assert 'class="topbar"' in page.content.decode()


def test_it_names_the_missing_role_on_the_403_page(network: Network, rf) -> None:  # type: ignore[no-untyped-def]
    request = rf.get("/", **HTMX)
    request.user = network.manager_a
    response = permission_denied(request, PermissionDenied("Deciding needs the regional manager role."))
    assert response.status_code == 403
    assert response.content.decode().strip() == (
        '<p class="inline-error" role="alert" data-error-message>Deciding needs the regional manager role.</p>')
