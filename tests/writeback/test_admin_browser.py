"""End to end at 1366 x 900: a regional manager's approval that Odoo refused (the integration user had
lost its purchase rights) is replayed by operations from the Django admin once the right is back. The
page says in place that it is applied in Odoo; the sandbox saw exactly one approval."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from apps.approvals.models import ApprovalRequest
from apps.approvals.services.decisions import decisions_bulk_approve
from apps.writeback.models import WriteBack, WriteBackStatus
from apps.writeback.services import writeback_run
from tests.approvals.support import approvals_sync, calls_of, new_po
from tests.browser import BROWSER_MARKS, launch
from tests.dashboards.asgi_server import AsgiServer, shared_sqlite_connection
from tests.factories import make_network
from tests.portal.test_csp_browser import session_cookie

pytestmark = BROWSER_MARKS


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[AsgiServer]:
    """The portal over ASGI; the task a replay enqueues runs at once in the web process, as a worker
    would pick it up (the write-back's executor calls the sandbox over HTTP)."""
    from apps.writeback.tasks import apply_writeback

    monkeypatch.setattr(apply_writeback, "delay", writeback_run)
    with shared_sqlite_connection(monkeypatch):
        running = AsgiServer().start()
        yield running
        running.stop()


def refused_approval(odoo: Any, odoo_server: Any, network: Any, monkeypatch: pytest.MonkeyPatch) -> WriteBack:
    from apps.writeback.tasks import apply_writeback

    order = new_po(odoo_server, warehouse_id=2)
    approvals_sync(odoo, ("purchase-orders",))
    request = ApprovalRequest.objects.get(odoo_model="purchase.order", odoo_id=order)
    with monkeypatch.context() as patched:
        patched.setattr(apply_writeback, "delay", lambda pk: None)  # the first attempt is recorded below
        decisions_bulk_approve(requests=[request], actor=network.regional_north, comment="Checked with supplier")
    writeback = WriteBack.objects.get(source_type="approvals.decision")
    WriteBack.objects.filter(pk=writeback.pk).update(
        status=WriteBackStatus.FAILED, attempts=1,
        last_error="OdooAccessDenied: You are not allowed to approve purchase orders.")
    return writeback


def test_operations_replay_a_failed_write_back_and_see_it_applied(server: AsgiServer, odoo: Any, odoo_server: Any,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from playwright.sync_api import expect, sync_playwright

    network = make_network()
    writeback = refused_approval(odoo, odoo_server, network, monkeypatch)
    approvals_before = calls_of(odoo_server, "purchase.order", "button_approve")
    cookie = session_cookie(network.ops, server.url)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            context = browser.new_context(viewport={"width": 1366, "height": 900})
            context.add_cookies([cookie])
            page = context.new_page()
            page.goto(f"{server.url}/admin/writeback/writeback/?status__exact=failed")
            row = page.locator("#result_list tbody tr")
            expect(row).to_have_count(1)
            expect(row).to_contain_text("Failed")
            row.locator("input.action-select").check()
            page.select_option("select[name=action]", "replay")
            page.click("button[name=index]")
            success = page.locator(".messagelist .success")
            expect(success).to_have_text(f"Write-back {writeback.pk} (purchase.order {writeback.odoo_id}): "
                                         "applied in Odoo.", timeout=10_000)
            expect(page.locator(".messagelist .error")).to_have_count(0)
        finally:
            browser.close()
    assert calls_of(odoo_server, "purchase.order", "button_approve") == approvals_before + 1
    writeback.refresh_from_db()
    assert writeback.status == WriteBackStatus.APPLIED
    assert odoo_server.execute("admin", "purchase.order", "read", [[writeback.odoo_id], ["state"]])[0]["state"] \
        == "purchase"
