"""End to end in headless Chromium over the real ASGI stack (HTTP + websocket, uvicorn).

1. The regional manager's region dashboard is open in one browser context; the store manager reports
   an incident in another; the regional page shows it within 2 seconds, without a reload.
2. The server goes away and comes back: the status dot says so, the page reconnects by itself and
   refreshes its panels (a change made while it was away shows), again without a reload.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from apps.incidents import conf as incident_conf
from apps.incidents.triage import classifier
from tests.browser import BROWSER_MARKS, in_thread, launch, session_cookie
from tests.dashboards import builders
from tests.dashboards.asgi_server import AsgiServer, shared_sqlite_connection
from tests.factories import make_network
from tests.layers import redis_layer

pytestmark = BROWSER_MARKS


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, settings: Any) -> Iterator[AsgiServer]:
    """The portal over ASGI. No worker runs here: the outbox task an incident sends after commit is
    captured instead of going to the (file-system) broker, as in the other browser tests.

    On Redis (CI) the channel layer is the shipped one under a prefix of its own.
    """
    from apps.writeback.tasks import apply_writeback

    if os.environ.get("REDIS_URL"):
        settings.CHANNEL_LAYERS = redis_layer("browser")

    monkeypatch.setattr(apply_writeback, "delay", lambda pk: None)
    monkeypatch.setattr(incident_conf, "TRIAGE_MODEL_DIR", tmp_path / "triage")  # never the developer's var/
    classifier.model_forget()
    classifier.model_get()  # trained before the clock starts
    with shared_sqlite_connection(monkeypatch):
        running = AsgiServer().start()
        yield running
        running.stop()
    classifier.model_forget()



def report_while_away(store: Any) -> None:
    """A change committed and announced while the page is disconnected: its notice is lost."""
    from apps.live.broadcast import panels_changed

    builders.incident(store, title="Missed while away")
    panels_changed(store_id=store.pk, topics=["incidents"])


def open_cell(page: Any, code: str) -> Any:
    return page.locator(f'#region-stores tr[data-code="{code}"] td').first


def test_it_shows_a_reported_incident_on_the_region_dashboard_within_two_seconds(server: AsgiServer) -> None:
    from playwright.sync_api import expect, sync_playwright

    network = make_network()
    builders.incident(network.store_a, title="Door sticks")
    cookies = [session_cookie(network.regional_north, server.url), session_cookie(network.manager_a, server.url)]
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            regional = browser.new_context()
            regional.add_cookies([cookies[0]])
            region_page = regional.new_page()
            region_page.goto(f"{server.url}/dashboards/region/NORTH/")
            expect(region_page.locator("#live-status")).to_have_attribute("data-state", "live", timeout=10_000)
            expect(open_cell(region_page, "N01")).to_have_text("1")
            region_page.evaluate("window.notReloaded = true")

            store = browser.new_context()
            store.add_cookies([cookies[1]])
            store_page = store.new_page()
            store_page.goto(f"{server.url}/incidents/new/")
            store_page.fill("input[name=title]", "Freezer aisle 4 warm, ice cream soft")
            store_page.select_option("select[name=category]", "refrigeration")
            store_page.select_option("select[name=urgency]", "critical")
            started = time.monotonic()
            store_page.click("button[data-submit]")
            expect(open_cell(region_page, "N01")).to_have_text("2", timeout=2_000)
            elapsed = time.monotonic() - started
            assert elapsed <= 2.0, elapsed
            assert region_page.evaluate("window.notReloaded") is True
            expect(store_page.locator(".messages")).to_contain_text("queued for Odoo")
        finally:
            browser.close()


def test_it_reconnects_after_the_server_comes_back_and_catches_up(server: AsgiServer) -> None:
    from playwright.sync_api import expect, sync_playwright

    network = make_network()
    cookie = session_cookie(network.regional_north, server.url)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            context = browser.new_context()
            context.add_cookies([cookie])
            page = context.new_page()
            page.goto(f"{server.url}/dashboards/region/NORTH/")
            dot = page.locator("#live-status")
            expect(dot).to_have_attribute("data-state", "live", timeout=10_000)
            expect(open_cell(page, "N02")).to_have_text("0")
            page.evaluate("window.notReloaded = true")
            server.stop()
            expect(dot).to_have_attribute("data-state", "reconnecting", timeout=10_000)
            expect(dot).to_have_attribute("aria-label", "Live updates: reconnecting")
            in_thread(lambda: report_while_away(network.store_b))
            server.start()
            expect(dot).to_have_attribute("data-state", "live", timeout=15_000)
            expect(open_cell(page, "N02")).to_have_text("1", timeout=5_000)
            assert page.evaluate("window.notReloaded") is True
        finally:
            browser.close()
