"""Every main page works under the Content-Security-Policy: loaded in headless Chromium over the real
ASGI stack as HQ, a regional manager, a store manager and operations, no page reports a violation (the
browser's `securitypolicyviolation` events and console), the live websocket connects, charts draw."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser import BROWSER_MARKS, launch, session_cookie
from tests.dashboards import builders
from tests.dashboards.asgi_server import AsgiServer, shared_sqlite_connection
from tests.factories import make_network

pytestmark = BROWSER_MARKS

WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[AsgiServer]:
    with shared_sqlite_connection(monkeypatch):
        running = AsgiServer().start()
        yield running
        running.stop()



def test_it_loads_every_main_page_without_a_csp_violation(server: AsgiServer) -> None:
    from playwright.sync_api import expect, sync_playwright

    network = make_network()
    for store in (network.store_a, network.store_b):
        builders.approval(store)
        builders.exception(store)
        builders.incident(store, resolved_after=builders.HOUR)
    incident = builders.incident(network.store_a, title="Freezer 3 warm")
    pages = {
        network.hq: ["/", "/approvals/", "/dashboards/hq/", "/incidents/", "/exceptions/", "/health/", "/audit/"],
        network.regional_north: ["/approvals/", "/dashboards/region/NORTH/", "/incidents/new/"],
        network.manager_a: ["/", "/dashboards/store/N01/", "/incidents/new/", f"/incidents/{incident.pk}/"],
        network.ops: ["/webhooks/", "/api/v1/tokens/ui/", "/api/v1/docs/", "/admin/",
                      "/admin/webhooks/webhookdelivery/"],
    }
    cookies = {user: session_cookie(user, server.url) for user in pages}
    violations: list[str] = []
    charted: list[str] = []
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            anonymous = browser.new_context()
            anonymous.add_init_script(WATCH)
            visit(anonymous.new_page(), f"{server.url}/login/", violations)
            for user, paths in pages.items():
                context = browser.new_context()
                context.add_init_script(WATCH)
                context.add_cookies([cookies[user]])
                page = context.new_page()
                for path in paths:
                    visit(page, f"{server.url}{path}", violations)
                    if page.locator("#live-status").count():
                        expect(page.locator("#live-status")).to_have_attribute("data-state", "live",
                                                                               timeout=10_000)
                    if page.locator("canvas").count():
                        drawn = page.evaluate("() => [...document.querySelectorAll('canvas')]"
                                              ".some((c) => window.Chart && window.Chart.getChart(c))")
                        assert drawn, f"no chart drawn on {path}"
                        charted.append(path)
                    if path == "/api/v1/docs/":
                        expect(page.locator(".swagger-ui .info")).to_be_visible(timeout=10_000)
                    violations.extend(f"{path}: {v}" for v in page.evaluate("window.__csp"))
                context.close()
        finally:
            browser.close()
    assert violations == []
    assert {"/dashboards/hq/", "/dashboards/region/NORTH/"} <= set(charted)


def visit(page: Any, url: str, violations: list[str]) -> None:
    messages: list[str] = []
    page.on("console", lambda message: messages.append(message.text))
    response = page.goto(url)
    assert response is not None
    assert response.status == 200, f"{url}: {response.status}"
    assert "Content-Security-Policy" in {name.title() for name in response.headers}
    page.wait_for_load_state("networkidle")
    violations.extend(f"{url}: {text}" for text in messages if "Content Security Policy" in text)
