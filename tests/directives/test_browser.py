"""The whole journey in headless Chromium over the real ASGI stack (HTTP + websocket): HQ publishes a
directive → the store completes it on a 390x844 phone with a photo → the region returns one item →
the store sees it returned live and redoes it → the region approves → HQ's readiness panel shows
100 % live, without a reload."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from tests.browser import BROWSER_MARKS, launch, session_cookie
from tests.dashboards.asgi_server import AsgiServer, shared_sqlite_connection
from tests.factories import make_network
from tests.incidents.conftest import photo_bytes
from tests.layers import redis_layer

pytestmark = BROWSER_MARKS


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch, settings: Any) -> Iterator[AsgiServer]:
    """The portal over ASGI; the outbox's tasks are captured (Odoo is covered by test_odoo.py)."""
    from apps.writeback.tasks import apply_writeback

    if os.environ.get("REDIS_URL"):
        settings.CHANNEL_LAYERS = redis_layer("browser")
    monkeypatch.setattr(apply_writeback, "delay", lambda pk: None)
    with shared_sqlite_connection(monkeypatch):
        running = AsgiServer().start()
        yield running
        running.stop()



def test_hq_to_store_to_region_and_back_live(server: AsgiServer, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    network = make_network()
    picture = tmp_path / "endcap.jpg"
    picture.write_bytes(photo_bytes(size=(640, 480)))
    cookies = {name: session_cookie(getattr(network, name), server.url)
               for name in ("hq", "manager_a", "regional_north")}
    store_label = str(network.store_a)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            hq = browser.new_context()
            hq.add_cookies([cookies["hq"]])
            author = hq.new_page()
            author.goto(f"{server.url}/directives/new/")
            author.fill("#id_title", "Spring promotion readiness")
            author.fill("#id_due_on", timezone.localdate().isoformat())
            author.fill("#id_due_time", "23:59")
            author.check("input[name=target_mode][value=stores]")
            author.select_option("#id_stores", label=store_label)
            author.locator("input[name=item_label]").nth(0).fill("End-cap built")
            author.locator("input[name=item_label]").nth(1).fill("End-cap photo")
            author.locator("select[name=item_kind]").nth(1).select_option("photo")
            author.click("form.card button[type=submit]")
            author.click("text=Publish to the stores")
            expect(author.locator(".messages")).to_contain_text("Published")

            dashboard = hq.new_page()
            dashboard.goto(f"{server.url}/dashboards/hq/")
            expect(dashboard.locator("#live-status")).to_have_attribute("data-state", "live", timeout=10_000)
            panel = dashboard.locator("#directives-readiness")
            expect(panel).to_contain_text("Directives: readiness for Spring promotion readiness")
            expect(panel.locator(".readiness-percent")).to_have_text("0 %")
            dashboard.evaluate("window.notReloaded = true")

            store = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2,
                                        is_mobile=True, has_touch=True)
            store.add_cookies([cookies["manager_a"]])
            phone = store.new_page()
            phone.goto(f"{server.url}/directives/")
            phone.click("#directives-due-today a")
            phone.wait_for_url(re.compile(r"/directives/copies/\d+/$"))
            copy_url = phone.url
            expect(phone.locator("#live-status")).to_have_attribute("data-state", "live", timeout=10_000)
            assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            yes = phone.locator("button.tap", has_text="Yes")
            assert yes.bounding_box()["height"] >= 44  # a thumb-sized target
            yes.click()
            expect(phone.locator("#progress-text")).to_have_text("1 of 2")
            phone.set_input_files("input[name=photo]", str(picture))
            # A live refresh arriving now must not throw away the chosen photo.
            phone.evaluate("window.ControlTowerLive.refreshAll()")
            phone.wait_for_timeout(700)
            assert phone.evaluate("document.querySelector('input[name=photo]').files.length") == 1
            phone.click("text=Save photo")
            expect(phone.locator("#progress-text")).to_have_text("2 of 2")
            phone.click("text=Submit for review")
            expect(phone.locator("#copy-status")).to_have_text("In review")
            phone.evaluate("window.notReloaded = true")

            region = browser.new_context()
            region.add_cookies([cookies["regional_north"]])
            reviewer = region.new_page()
            reviewer.goto(copy_url)
            photo_card = reviewer.locator("li.check-item", has_text="End-cap photo")
            expect(photo_card.locator("img")).to_be_visible()
            photo_card.locator("input[name=comment]").fill("Label wrong, redo")
            photo_card.locator("button", has_text="Return").click()
            expect(reviewer.locator("#copy-status")).to_have_text("Returned for rework")

            expect(phone.locator(".returned-note")).to_contain_text("Label wrong, redo", timeout=8_000)
            assert phone.evaluate("window.notReloaded") is True
            phone.set_input_files("input[name=photo]", str(picture))
            phone.click("text=Replace photo")
            phone.click("text=Submit for review")
            expect(phone.locator("#copy-status")).to_have_text("In review")

            reviewer.reload()
            reviewer.click("text=Approve every waiting item")
            expect(reviewer.locator("#copy-status")).to_have_text("Done")
            expect(panel.locator(".readiness-percent")).to_have_text("100 %", timeout=8_000)
            assert dashboard.evaluate("window.notReloaded") is True
        finally:
            browser.close()
