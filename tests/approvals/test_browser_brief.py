"""The brief before approving in headless Chromium: the inbox row's preview loads it when opened, and
the request's page shows it above the decision."""

from __future__ import annotations

from apps.approvals.models import ApprovalRequest
from tests.approvals.support import approvals_sync
from tests.browser import BROWSER_MARKS, in_thread, launch, sign_in
from tests.factories import make_network

pytestmark = BROWSER_MARKS


def test_it_previews_the_brief_in_the_inbox_and_shows_it_on_the_request(live_server, odoo) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect, sync_playwright

    network = make_network()
    approvals_sync(odoo, ("purchase-orders",))
    first = in_thread(lambda: ApprovalRequest.objects.filter(status="open", kind="purchase-orders")
                      .order_by("deadline", "id").values_list("pk", flat=True).first())
    assert first is not None
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
            sign_in(page, live_server.url, network.hq.username, "/approvals/")
            row = page.locator(f"#request-{first}")
            expect(page.locator(f"#brief-{first}")).to_have_count(0)  # nothing fetched before it is opened
            row.locator("details.brief-preview summary").click()
            brief = row.locator(f"#brief-{first}")
            expect(brief).to_contain_text("Usual at")
            expect(brief.locator("[data-brief=exceptions]")).to_be_visible()
            row.locator("td a").first.click()
            expect(page.locator(f"#brief-{first}")).to_contain_text("Before you approve")
            expect(page.locator("#decision-panel")).to_be_visible()
        finally:
            browser.close()
