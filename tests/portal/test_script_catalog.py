"""The scripts' words: one JavaScript catalog per language at its own address, public, cached and
revalidated; every page loads the reader's; the store app's service worker keeps them for offline use."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import Network
from tests.languages import speaks

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("compiled_catalogs")]


@pytest.mark.parametrize(("language", "words"), [("fr", '"Remove": "Retirer"'), ("es", '"Remove": "Quitar"'),
                                                 ("en-gb", "django.gettext")])
def test_it_serves_each_language_catalog_to_anyone(language: str, words: str) -> None:
    response = Client().get(f"/jsi18n/{language}/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert words in response.content.decode()
    assert "public" in response["Cache-Control"]
    assert "max-age=3600" in response["Cache-Control"]
    assert response["Content-Language"] == language


def test_it_answers_not_modified_to_a_browser_that_holds_the_catalog() -> None:
    first = Client().get("/jsi18n/fr/")
    again = Client().get("/jsi18n/fr/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again["ETag"] == first["ETag"]
    assert Client().get("/jsi18n/es/")["ETag"] != first["ETag"]


def test_it_knows_only_the_portal_languages() -> None:
    assert Client().get("/jsi18n/de/").status_code == 404
    assert Client().get("/jsi18n/../").status_code == 404


def test_it_serves_only_the_portal_words_not_the_admin_scripts() -> None:
    text = Client().get("/jsi18n/fr/").content.decode()
    assert '"Sending\\u2026": "Envoi\\u2026"' in text
    assert "Afficher" not in text  # django.contrib.admin's own script words ("Show") stay out


def test_every_page_loads_the_readers_catalog_before_its_scripts(network: Network) -> None:
    client = Client()
    client.force_login(speaks(network.manager_a, "es"))
    page = client.get("/incidents/").content.decode()
    assert '<script src="/jsi18n/es/" defer></script>' in page
    assert page.index("/jsi18n/es/") < page.index("js/live.js") < page.index("js/feedback.js")
    anonymous = Client(HTTP_ACCEPT_LANGUAGE="fr").get("/login/").content.decode()
    assert '<script src="/jsi18n/fr/" defer></script>' in anonymous


def test_the_content_security_policy_allows_the_catalog(network: Network) -> None:
    client = Client()
    client.force_login(network.manager_a)
    policy = client.get("/incidents/")["Content-Security-Policy"]
    script_src = next(part for part in policy.split(";") if part.strip().startswith("script-src"))
    assert "'self'" in script_src  # same origin: no inline script, no exception needed


def test_the_service_worker_keeps_every_catalog_for_the_offline_store_app() -> None:
    worker = Client().get("/sw.js").content.decode()
    assert 'var CATALOGS = ["/jsi18n/en-gb/", "/jsi18n/fr/", "/jsi18n/es/"];' in worker
    assert "SHELL_FILES.concat(CATALOGS)" in worker
    assert "CATALOGS.indexOf(url.pathname) !== -1" in worker
