"""The inbox in headless Chromium at 1366x900: search, page on, open a request, come back to the
same search and page."""

from __future__ import annotations

import dataclasses

from apps.approvals import selectors
from apps.approvals.models import ApprovalRequest
from tests.approvals.support import approvals_sync
from tests.browser import BROWSER_MARKS, in_thread, launch, sign_in
from tests.factories import make_network

pytestmark = BROWSER_MARKS


def test_it_searches_and_pages_the_inbox_and_restores_it_after_opening_a_request(
        live_server, odoo, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect, sync_playwright

    monkeypatch.setattr(selectors, "OPEN_LIST", dataclasses.replace(selectors.OPEN_LIST, page_size=2))
    network = make_network()
    approvals_sync(odoo, ("purchase-orders",))
    wanted = in_thread(lambda: list(ApprovalRequest.objects.filter(status="open", kind="purchase-orders")
                                    .order_by("deadline", "id").values_list("pk", flat=True)))
    assert len(wanted) > 2
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
            sign_in(page, live_server.url, network.hq.username, "/approvals/")
            page.locator("input[name=q]").fill("Purchase orders")
            page.locator("input[name=q]").press("Enter")
            page.wait_for_url("**q=Purchase+orders**")
            rows = page.locator("tr.request-row")
            expect(rows).to_have_count(2)
            assert [int(pk) for pk in rows.evaluate_all("rs => rs.map(r => r.dataset.request)")] == wanted[:2]
            page.locator("a[rel=next]").click()
            expect(page.locator(f"#request-{wanted[2]}")).to_be_visible()
            second_page = page.url
            page.locator(f"#request-{wanted[2]} td a").first.click()
            expect(page.locator("h1")).to_contain_text("Purchase orders")
            page.locator("text=← Inbox").click()
            expect(page.locator(f"#request-{wanted[2]}")).to_be_visible()
            assert page.url == second_page
            expect(page.locator("input[name=q]")).to_have_value("Purchase orders")
            page.locator("a[rel=prev]").click()
            expect(page.locator(f"#request-{wanted[0]}")).to_be_visible()
        finally:
            browser.close()
