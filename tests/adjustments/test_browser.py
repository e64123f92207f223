"""The count form on a 390x844 phone in Debian's Chromium, Odoo being the sandbox over HTTP: search the
store's stock, pick the product, count, reason, photo, send; the count then reaches Odoo once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from apps.adjustments.models import StockCountReport
from tests.adjustments.conftest import reasons_ensure, store_quant
from tests.approvals.support import calls_of, odoo_value, run_writebacks
from tests.browser import BROWSER_MARKS, in_thread, launch, sign_in
from tests.factories import make_network

pytestmark = BROWSER_MARKS
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


@pytest.fixture
def orm_in_test(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def test_a_store_manager_reports_a_count_from_the_phone(live_server: Any, odoo: Any, odoo_server: Any,
                                                         orm_in_test: None, tmp_path: Path) -> None:
    from PIL import Image
    from playwright.sync_api import expect, sync_playwright

    network = make_network()
    reasons_ensure()
    quant = store_quant(odoo_server, network.store_a.odoo_warehouse_id)
    picture = tmp_path / "shelf.jpg"
    Image.new("RGB", (1200, 900), (200, 120, 40)).save(picture, format="JPEG")
    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_context(**PHONE).new_page()
        sign_in(page, live_server.url, network.manager_a.username, "/store/")
        page.get_by_role("link", name="Report a stock count").click()
        expect(page.get_by_role("heading", name="Report a stock count")).to_be_visible()
        # The form's scripts have run (htmx listens to the search box) before anything is typed: on a busy
        # machine a fill can land before the deferred scripts and its one input event reach no listener.
        page.wait_for_load_state("load")

        page.get_by_label("Product name or barcode").fill(quant["name"][:6])
        choice = page.locator(f'#count-results input[value="{quant["id"]}"]')
        choice.wait_for()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing runs off the phone
        choice.check()
        page.get_by_label("Counted quantity").fill(str(quant["quantity"] - 2))
        page.get_by_label("Reason").select_option(label="Damaged or spoiled")
        page.get_by_label("Note (optional)").fill("Two crushed at the back")
        page.set_input_files("#id_photo", str(picture))
        send = page.get_by_role("button", name="Send the count")
        box = send.bounding_box()
        assert box is not None
        assert box["height"] >= 44
        assert box["x"] + box["width"] <= 390
        send.click()

        expect(page.get_by_role("heading", name=quant["name"])).to_be_visible()
        expect(page.get_by_text("Damaged or spoiled")).to_be_visible()
        expect(page.locator("img.count-photo")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        browser.close()

    report = in_thread(lambda: StockCountReport.objects.get())
    assert report.counted == quant["quantity"] - 2
    assert report.note == "Two crushed at the back"
    writes = calls_of(odoo_server, "stock.quant", "write")
    in_thread(lambda: run_writebacks(odoo))
    assert calls_of(odoo_server, "stock.quant", "write") == writes + 1
    assert odoo_value(odoo_server, "stock.quant", quant["id"], "inventory_quantity") == quant["quantity"] - 2
