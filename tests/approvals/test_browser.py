"""End to end in headless Chromium: a regional manager approves a purchase order in the inbox.

How the write-back runs: the live server's decision enqueues the row and, after commit, sends the
task; the test captures that task (the `dispatched` fixture stands in for the broker) and runs it
with `writeback_run` in the test process, as a worker would. The row polls its status and shows
"Applied in Odoo" once the worker has finished.
"""

from __future__ import annotations

import time

from apps.writeback.models import WriteBack
from apps.writeback.services import writeback_run
from tests.approvals.support import approvals_sync, new_po, odoo_value, request_for
from tests.browser import BROWSER_MARKS, in_thread, launch
from tests.factories import PASSWORD, make_network

pytestmark = BROWSER_MARKS



def test_it_approves_a_purchase_order_in_the_inbox_and_shows_it_applied_in_odoo(
        live_server, odoo, odoo_server, dispatched) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect, sync_playwright

    network = make_network()
    order = new_po(odoo_server, warehouse_id=2)
    approvals_sync(odoo, ("purchase-orders",))
    request = request_for("purchase.order", order)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page()
            page.goto(f"{live_server.url}/login/?next=/approvals/")
            page.fill("input[name=username]", network.regional_north.username)
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            row = page.locator(f"#request-{request.pk}")
            expect(row).to_contain_text(request.reference)
            row.locator("input[name=comment]").fill("Vendor price checked")
            row.locator("button[value=approve]").click()
            expect(page.locator(f"#request-{request.pk}")).to_contain_text("Queued", timeout=10_000)
            deadline = time.monotonic() + 10
            while not dispatched and time.monotonic() < deadline:
                page.wait_for_timeout(100)
            assert dispatched == [in_thread(lambda: WriteBack.objects.get().pk)]
            assert in_thread(lambda: writeback_run(dispatched[0], gateway=odoo).status) == "applied"  # type: ignore[union-attr]
            expect(page.locator(f"#request-{request.pk}")).to_contain_text("Applied in Odoo", timeout=10_000)
        finally:
            browser.close()
    assert odoo_value(odoo_server, "purchase.order", order) == "purchase"
