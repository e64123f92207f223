"""End to end on a phone-sized screen: a store manager reports an incident with a photo, sees the
triage suggestion, and the incident appears in the Odoo sandbox with the photo attached."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from apps.incidents.models import IncidentStatus, StoreIncident
from tests.factories import PASSWORD, make_network
from tests.incidents.conftest import photo_bytes

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists() and not os.environ.get("CT_REQUIRE_BROWSER"),
                       reason="Chromium is not installed at /usr/bin/chromium"),
]


@pytest.fixture
def phone(live_server: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread; the test's own ORM calls are
    # still plain synchronous code.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2,
                                      is_mobile=True, has_touch=True)
        page = context.new_page()
        page.set_default_timeout(20_000)
        yield page
        context.close()
        browser.close()


@pytest.mark.django_db(transaction=True)
def test_it_lets_a_store_manager_report_an_incident_with_a_photo_from_a_phone(
        live_server: Any, phone: Any, odoo: Any, odoo_server: Any, eager_outbox: None, tmp_path: Path) -> None:
    network = make_network()
    picture = tmp_path / "freezer.jpg"
    picture.write_bytes(photo_bytes(size=(800, 600), gps=True))

    phone.goto(f"{live_server.url}/login/")
    phone.fill("input[name=username]", network.manager_a.username)
    phone.fill("input[name=password]", PASSWORD)
    phone.click("button[type=submit]")
    phone.wait_for_url(re.compile(r"/$"))

    phone.goto(f"{live_server.url}/incidents/new/")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    phone.fill("#id_title", "Freezer aisle 4 warm, ice cream going soft")
    phone.wait_for_selector("#triage-suggestion[data-category]")
    suggestion = phone.inner_text("#triage-suggestion")
    assert "Suggested:" in suggestion
    assert "because of" in suggestion
    assert phone.input_value("#id_category") == "refrigeration"  # applied as an editable default
    phone.select_option("#id_urgency", "critical")
    phone.set_input_files("#id_photos", str(picture))
    phone.locator("#photo-list li", has_text="freezer.jpg").wait_for()  # downscaled on the phone first
    phone.screenshot(path=str(tmp_path / "form.png"), full_page=True)
    phone.click("[data-submit]")
    phone.wait_for_url(re.compile(r"/incidents/\d+/$"))
    page = phone.inner_text("main")
    incident = StoreIncident.objects.get()
    assert f"Incident {incident.reference} is saved and queued for Odoo" in page
    phone.screenshot(path=str(tmp_path / "detail.png"), full_page=True)

    assert incident.store == network.store_a
    assert incident.status == IncidentStatus.IN_ODOO
    [record] = odoo_server.execute("admin", "maintenance.request", "search_read",
                                   [[["name", "like", f"[{incident.reference}]"]]],
                                   {"fields": ["x_store_warehouse_id", "priority"]})
    assert record["x_store_warehouse_id"][0] == 2
    assert record["priority"] == "3"
    attachments = odoo_server.execute("admin", "ir.attachment", "search_read",
                                      [[["res_model", "=", "maintenance.request"], ["res_id", "=", record["id"]]]],
                                      {"fields": ["name", "mimetype", "file_size"]})
    assert len(attachments) == 1
    assert attachments[0]["mimetype"] == "image/jpeg"
    assert attachments[0]["file_size"] > 0
    phone.reload()
    assert "With the maintenance team" in phone.inner_text("main")  # the store's words, not Odoo's record name
    assert "maintenance.request" not in phone.inner_text("main")
    assert phone.locator(".photo-grid img").count() == 1
    loaded = phone.evaluate("document.querySelector('.photo-grid img').naturalWidth")
    assert loaded > 0
