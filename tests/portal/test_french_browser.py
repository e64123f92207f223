"""French is longer than English: every main page in French fits the window on a laptop (1366 by 900)
and on a phone (390 by 844), checked in headless Chromium with the layout check's overflow finder; the
language switcher in the footer changes the language before and after sign-in, the scripts' words
included."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from apps.notifications.models import NotificationSettings
from tests.browser import BROWSER_MARKS, launch, session_cookie, sign_in
from tests.dashboards.asgi_server import AsgiServer, shared_sqlite_connection
from tests.factories import make_network
from tests.portal.test_layout_browser import OVERFLOW, realistic

pytestmark = BROWSER_MARKS

LAPTOP, PHONE = {"width": 1366, "height": 900}, {"width": 390, "height": 844}


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[AsgiServer]:
    with shared_sqlite_connection(monkeypatch):
        running = AsgiServer().start()
        yield running
        running.stop()


def pages_of(network: Any) -> dict[Any, dict[str, list[str]]]:
    """Per person, the pages looked at on each screen (the phone: what people open on one)."""
    return {
        network.hq: {"laptop": ["/", "/dashboards/hq/", "/dashboards/region/NORTH/", "/dashboards/store/N01/",
                                "/audit/", "/notifications/", "/notifications/preferences/"],
                     "phone": ["/", "/notifications/preferences/"]},
        network.regional_north: {"laptop": ["/", "/approvals/"], "phone": ["/approvals/"]},
        network.manager_a: {"laptop": ["/", "/dashboards/store/N01/"],
                            "phone": ["/", "/dashboards/store/N01/", "/notifications/"]},
    }


@pytest.mark.parametrize("screen", ["laptop", "phone"])
def test_french_pages_fit_the_window(server: AsgiServer, screen: str, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    network = make_network()
    realistic(network)
    pages = pages_of(network)
    for person in pages:
        NotificationSettings.objects.update_or_create(user=person, defaults={"language": "fr"})
    cookies = {person: session_cookie(person, server.url) for person in pages}
    keep = os.environ.get("CT_LAYOUT_SHOTS")
    shots = Path(keep or tmp_path)
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            for person, paths in pages.items():
                context = browser.new_context(viewport=LAPTOP if screen == "laptop" else PHONE, locale="en-GB")
                context.add_cookies([cookies[person]])
                page = context.new_page()
                for path in paths[screen]:
                    response = page.goto(f"{server.url}{path}")
                    assert response is not None
                    assert response.status == 200, f"{path}: {response.status}"
                    page.wait_for_load_state("networkidle")
                    assert page.get_attribute("html", "lang") == "fr", path
                    page.screenshot(path=str(shots / f"fr-{screen}-{person.username}{path.replace('/', '_')}.png"),
                                    full_page=bool(keep))
                    found = page.evaluate(OVERFLOW)
                    if found["scroll"] > found["width"] or found["problems"]:
                        problems.append(f"{person.username} {path}: page {found['scroll']} px in {found['width']} px; "
                                        f"{found['problems']}")
                context.close()
        finally:
            browser.close()
    assert problems == [], "\n".join(problems)


def test_the_footer_switcher_changes_the_language_before_and_after_sign_in(server: AsgiServer) -> None:
    from playwright.sync_api import expect, sync_playwright

    network = make_network()
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            context = browser.new_context(viewport=PHONE, locale="en-GB")
            page = context.new_page()
            page.goto(f"{server.url}/login/")
            expect(page.locator("h1")).to_have_text("Sign in")
            page.select_option("#language-switch", "fr")
            page.click(".language-switch button")
            expect(page.locator("h1")).to_have_text("Se connecter")
            sign_in(page, server.url, network.regional_north.username, "/approvals/")
            expect(page.locator("h1")).to_have_text("Validations")
            page.select_option("#language-switch", "es")
            page.click(".language-switch button")
            expect(page.locator("h1")).to_have_text("Aprobaciones")
            assert page.url.endswith("/approvals/")
            # Words the scripts write come from the JavaScript catalog of the reader's language.
            expect(page.locator("#live-status")).to_have_attribute("title", "Actualizaciones en directo: conectado")
        finally:
            browser.close()
    assert NotificationSettings.objects.get(user=network.regional_north).language == "es"
