"""End to end in headless Chromium: a store manager works a late receipt raised from the sandbox, and
HQ reads workflow health."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from apps.operations.models import ExceptionKind, ExceptionStatus, OpsException
from tests.browser import BROWSER_MARKS, in_thread, launch, sign_in
from tests.factories import make_network
from tests.operations.builders import exceptions_of, feeds_ready, sync

pytestmark = BROWSER_MARKS


def test_it_lets_a_store_manager_work_an_exception_and_hq_read_health(live_server, odoo) -> None:
    from playwright.sync_api import expect, sync_playwright

    network = make_network()
    feeds_ready()
    sync("late-receipts", odoo)
    exception = next(e for e in exceptions_of(ExceptionKind.LATE_RECEIPT).values() if e.store == network.store_a)
    other = next(e for e in exceptions_of(ExceptionKind.LATE_RECEIPT).values() if e.store == network.store_c)
    until = (timezone.localtime() + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    past = (timezone.localtime() - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page()
            sign_in(page, live_server.url, network.manager_a.username, "/exceptions/")
            panel = page.locator("#exception-panel")
            expect(panel).to_contain_text(exception.title)
            expect(panel).not_to_contain_text(other.title)
            panel.get_by_role("link", name=exception.title).click()
            card = page.locator("#exception-card")
            expect(card).to_contain_text("Open")
            card.get_by_role("button", name="Acknowledge").click()
            expect(card).to_contain_text("Acknowledged.")
            card.locator("input[name=until]").fill(past)  # refused by the server (409/400 swapped in by operations.js)
            card.locator("input[name=reason]").fill("Driver stuck on the A1")
            card.get_by_role("button", name="Snooze").click()
            expect(card.locator("[role=alert]")).to_contain_text("Snooze until a time in the future.")
            card.locator("input[name=until]").fill(until)
            card.locator("input[name=reason]").fill("Driver stuck on the A1")
            card.get_by_role("button", name="Snooze").click()
            expect(card).to_contain_text("Snoozed.")
            expect(card).to_contain_text("Driver stuck on the A1")

            hq = browser.new_page()
            sign_in(hq, live_server.url, network.hq.username, "/health/")
            health = hq.locator("#health-panel")
            expect(health).to_contain_text("Celery worker heartbeat")
            expect(health).to_contain_text("no heartbeat in the last 90 s on a queue → failing")
            expect(hq.get_by_role("link", name="Health")).to_be_visible()
        finally:
            browser.close()
    saved = in_thread(lambda: OpsException.objects.get(pk=exception.pk))
    assert saved.status == ExceptionStatus.SNOOZED
    assert saved.owner_id == network.manager_a.pk
