"""End to end at 1366 x 900 in headless Chromium over the real ASGI stack: HQ has the portal open; an
approval escalates to HQ (the deadline check, in another thread as the worker would); the bell shows
it within seconds without a reload; the centre lists it, opening it goes to the request and the bell
clears."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from tests.browser import BROWSER_MARKS, in_thread, launch
from tests.dashboards import builders
from tests.dashboards.asgi_server import AsgiServer, shared_sqlite_connection
from tests.factories import make_network
from tests.layers import redis_layer
from tests.portal.test_csp_browser import session_cookie

pytestmark = BROWSER_MARKS


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch, settings: Any) -> Iterator[AsgiServer]:
    if os.environ.get("REDIS_URL"):
        settings.CHANNEL_LAYERS = redis_layer("bell")
    with shared_sqlite_connection(monkeypatch):
        running = AsgiServer().start()
        yield running
        running.stop()


def escalate(request: Any) -> None:
    from apps.approvals.services.overrides import request_escalate

    request_escalate(request=request, actor=None, reason="Tier 1 deadline passed without a decision.")


def test_an_escalation_rings_the_bell_live(server: AsgiServer) -> None:
    from playwright.sync_api import expect, sync_playwright

    network = make_network()
    request = builders.approval(network.store_a, reference="PO-BELL", requested_ago=timedelta(hours=30))
    cookie = session_cookie(network.hq, server.url)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            context = browser.new_context(viewport={"width": 1366, "height": 900})
            context.add_cookies([cookie])
            page = context.new_page()
            page.goto(f"{server.url}/")
            expect(page.locator("#live-status")).to_have_attribute("data-state", "live", timeout=10_000)
            count = page.locator("#notification-count")
            expect(count).to_have_attribute("data-unread", "0", timeout=5_000)
            expect(count).to_be_hidden()
            page.evaluate("window.notReloaded = true")
            in_thread(lambda: escalate(request))
            expect(count).to_have_attribute("data-unread", "1", timeout=3_000)
            expect(count).to_be_visible()
            expect(count).to_contain_text("1")
            assert page.evaluate("window.notReloaded") is True
            page.click("#notification-bell")
            expect(page.locator(".notification.unread")).to_contain_text("Escalated to you")
            expect(page.locator(".notification.unread")).to_contain_text("PO-BELL")
            page.click(".notification.unread > a")
            page.wait_for_url(f"{server.url}/approvals/{request.pk}/")
            expect(page.locator("#notification-count")).to_have_attribute("data-unread", "0", timeout=5_000)
        finally:
            browser.close()


def test_the_bell_opens_a_dropdown_that_follows_live_and_marks_read_in_place(server: AsgiServer) -> None:
    from playwright.sync_api import expect, sync_playwright

    network = make_network()
    first = builders.approval(network.store_a, reference="PO-FIRST", requested_ago=timedelta(hours=30))
    second = builders.approval(network.store_b, reference="PO-SECOND", requested_ago=timedelta(hours=30))
    cookie = session_cookie(network.hq, server.url)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            context = browser.new_context(viewport={"width": 1366, "height": 900})
            context.add_cookies([cookie])
            page = context.new_page()
            page.goto(f"{server.url}/")
            expect(page.locator("#live-status")).to_have_attribute("data-state", "live", timeout=10_000)
            bell, count, dropdown = (page.locator("#notification-bell"), page.locator("#notification-count"),
                                     page.locator("#bell-dropdown"))
            expect(count).to_have_attribute("data-unread", "0", timeout=5_000)
            in_thread(lambda: escalate(first))
            expect(count).to_have_attribute("data-unread", "1", timeout=3_000)

            bell.focus()  # keyboard: Enter opens it and focus moves into it
            page.keyboard.press("Enter")
            expect(bell).to_have_attribute("aria-expanded", "true")
            expect(dropdown.locator(".notification.unread")).to_contain_text("PO-FIRST")
            expect(dropdown.get_by_role("link", name="All notifications")).to_have_attribute("href", "/notifications/")
            expect(page.locator("#bell-panel")).to_be_focused()
            assert page.url == f"{server.url}/"  # a dropdown, not the centre's page
            page.keyboard.press("Escape")
            expect(dropdown).to_be_hidden()
            expect(bell).to_have_attribute("aria-expanded", "false")
            expect(bell).to_be_focused()

            page.keyboard.press(" ")  # Space opens it too; while open it follows live, newest first
            expect(dropdown.locator(".notification")).to_have_count(1)
            in_thread(lambda: escalate(second))
            expect(count).to_have_attribute("data-unread", "2", timeout=3_000)
            expect(dropdown.locator(".notification")).to_have_count(2, timeout=3_000)
            expect(dropdown.locator(".notification").first).to_contain_text("PO-SECOND")
            if shots := os.environ.get("CT_SCREENSHOTS"):
                page.screenshot(path=f"{shots}/bell-dropdown.png")

            dropdown.locator(".notification").first.get_by_role("button", name="Mark read").click()
            expect(count).to_have_attribute("data-unread", "1", timeout=3_000)
            expect(dropdown.locator(".notification.unread")).to_have_count(1)
            expect(dropdown.locator(".notification.unread")).to_contain_text("PO-FIRST")
            expect(dropdown).to_be_visible()  # in place: still open
            expect(page.locator("#bell-panel")).to_be_focused()  # the pressed button went; focus did not

            dropdown.get_by_role("button", name="Mark all read").click()
            expect(count).to_have_attribute("data-unread", "0", timeout=3_000)
            expect(count).to_be_hidden()
            expect(dropdown.locator(".notification.unread")).to_have_count(0)
            page.locator("main").click()  # a click elsewhere closes it
            expect(dropdown).to_be_hidden()
        finally:
            browser.close()
