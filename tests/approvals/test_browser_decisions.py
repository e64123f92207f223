"""Deciding in headless Chromium at 1366x900: Enter in the reason box rejects, Undo inside the window
leaves Odoo untouched and after it the decision applies once, a bulk approval's confirmation stays.

The `dispatched` fixture stands in for the broker; the test runs the outbox as the worker would
(`run_writebacks`) and counts effects in the sandbox's call log.
"""

from __future__ import annotations

from typing import Any

from apps.approvals.models import ApprovalRequest
from apps.writeback.models import WriteBack
from tests.approvals.support import approvals_sync, calls_of, new_po, odoo_value, request_for, run_writebacks
from tests.browser import BROWSER_MARKS, in_thread, launch, sign_in
from tests.factories import make_network

pytestmark = BROWSER_MARKS
VIEWPORT = {"width": 1366, "height": 900}


def _orders(odoo: Any, odoo_server: Any, count: int) -> list[ApprovalRequest]:
    orders = [new_po(odoo_server, warehouse_id=2) for _ in range(count)]
    approvals_sync(odoo, ("purchase-orders",))
    return [request_for("purchase.order", order) for order in orders]


def _inbox(playwright: Any, base: str, username: str) -> tuple[Any, Any]:
    browser = launch(playwright)
    page = browser.new_context(viewport=VIEWPORT).new_page()
    sign_in(page, base, username, "/approvals/?show=open")
    return browser, page


def test_it_rejects_when_enter_is_pressed_in_the_reason_box(live_server, odoo, odoo_server, dispatched,
                                                            monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect, sync_playwright

    from apps.approvals import conf

    monkeypatch.setattr(conf, "CONFIRM_ABOVE", 5000.0)  # the orders below are 50 x 100.00

    network = make_network()
    first, second = _orders(odoo, odoo_server, 2)
    with sync_playwright() as playwright:
        browser, page = _inbox(playwright, live_server.url, network.regional_north.username)
        try:
            row = page.locator(f"#request-{first.pk}")
            # Enter with an empty reason: the refusal appears beside the reason box, the page stays.
            row.locator("input[name=comment]").press("Enter")
            expect(row.locator(".inline-error")).to_have_text("A reason is required to reject.")
            expect(page.locator("h1")).to_have_text("Approvals")
            row.locator("input[name=comment]").fill("Wrong vendor")
            row.locator("input[name=comment]").press("Enter")
            expect(page.locator(f"#request-{first.pk}")).to_contain_text("Rejected")
            expect(page.locator("#toasts")).to_contain_text(f"Rejected {first.reference}.")
            # Decide and next: the cursor is on the next open request.
            expect(page.locator(f"#request-{second.pk}")).to_have_class("request-row focused")
            # Its amount is at the confirmation threshold: the single key `a` asks once, then approves.
            page.keyboard.press("a")
            expect(page.locator(f"#request-{second.pk} .confirm-prompt")).to_contain_text("Press a again")
            assert in_thread(lambda: request_for("purchase.order", second.odoo_id).status) == "open"
            page.keyboard.press("a")
            expect(page.locator("#toasts")).to_contain_text(f"Approved {second.reference}.")
        finally:
            browser.close()
    assert in_thread(lambda: request_for("purchase.order", first.odoo_id).status) == "rejected"
    assert in_thread(lambda: request_for("purchase.order", second.odoo_id).status) == "approved"


def test_it_undoes_inside_the_window_and_applies_once_after_it(live_server, odoo, odoo_server, dispatched,
                                                                settings) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect, sync_playwright

    settings.CT_APPROVAL_UNDO_SECONDS = 6
    network = make_network()
    undone, kept = _orders(odoo, odoo_server, 2)
    before = calls_of(odoo_server, "purchase.order", "button_approve")
    with sync_playwright() as playwright:
        browser, page = _inbox(playwright, live_server.url, network.regional_north.username)
        try:
            page.locator(f"#request-{undone.pk} button[value=approve]").click()
            toast = page.locator("#toasts .toast").first
            expect(toast).to_contain_text(f"Approved {undone.reference}. It goes to Odoo in 6 s unless you undo it.")
            in_thread(lambda: run_writebacks(odoo))  # a worker inside the window: nothing to take
            toast.locator("button.undo").click()
            expect(toast).to_contain_text(f"Undone: {undone.reference} is open again")
            expect(page.locator(f"#request-{undone.pk} button[value=approve]")).to_be_visible()
            assert in_thread(lambda: WriteBack.objects.count()) == 0

            page.locator(f"#request-{kept.pk} button[value=approve]").click()
            kept_toast = page.locator("#toasts .toast").nth(1)
            expect(kept_toast.locator("button.undo")).to_be_visible()
            expect(kept_toast.locator("button.undo")).to_have_count(0, timeout=10_000)  # the window closed
            expect(kept_toast).to_contain_text(f"Approved {kept.reference}.")  # still there until dismissed
            assert [row.status for row in in_thread(lambda: run_writebacks(odoo))] == ["applied"]
            assert in_thread(lambda: run_writebacks(odoo)) == []
            kept_toast.locator("[data-dismiss]").click()
            expect(page.locator("#toasts .toast")).to_have_count(1)
        finally:
            browser.close()
    assert calls_of(odoo_server, "purchase.order", "button_approve") == before + 1
    assert odoo_value(odoo_server, "purchase.order", kept.odoo_id) == "purchase"
    assert odoo_value(odoo_server, "purchase.order", undone.odoo_id) == "to approve"


def test_it_keeps_the_bulk_approval_confirmation_until_dismissed(live_server, odoo, odoo_server, dispatched,
                                                                 settings) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect, sync_playwright

    settings.CT_APPROVAL_UNDO_SECONDS = 10
    network = make_network()
    first, second = _orders(odoo, odoo_server, 2)
    with sync_playwright() as playwright:
        browser, page = _inbox(playwright, live_server.url, network.regional_north.username)
        try:
            page.locator("#bulk-approve").click()  # nothing selected: refused beside the button
            expect(page.locator("#bulk-form .inline-error")).to_contain_text("Select at least one request.")
            for item in (first, second):
                page.locator(f"#request-{item.pk} input[type=checkbox]").check()
            page.locator("#bulk-approve").click()
            toast = page.locator("#toasts .toast")
            expect(toast).to_contain_text("Approved 2 requests.")
            expect(page.locator(f"#request-{first.pk}")).to_have_count(0)  # the open tab holds open work only
            page.wait_for_timeout(2_000)  # a live refresh or two later, it is still there
            expect(toast).to_have_count(1)
            expect(toast).to_be_visible()
            expect(page.locator("#toasts")).to_have_attribute("aria-live", "polite")
            toast.locator("[data-dismiss]").click()
            expect(toast).to_have_count(0)
        finally:
            browser.close()
