"""In headless Chromium: an operations admin creates an API token and a webhook subscription on the
API & webhooks pages, the token reads the approval queue with curl, and the subscribed local
receiver gets a signed event when a regional manager decides through the API."""

from __future__ import annotations

import json
import shutil
import subprocess
from typing import Any

import pytest

from apps.webhooks.delivery import deliveries_dispatch
from apps.webhooks.models import WebhookSubscription
from tests.api.conftest import token_for
from tests.api.support import approval_for, new_po, sync_purchase_orders
from tests.browser import BROWSER_MARKS, in_thread, launch, sign_in
from tests.factories import make_network
from tests.webhooks.conftest import Receiver, verify
from tests.webhooks.conftest import receiver as receiver

pytestmark = BROWSER_MARKS


def curl(*args: str) -> Any:
    done = subprocess.run(["curl", "-sS", "--fail-with-body", *args], capture_output=True, text=True, timeout=30,
                          check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout)


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_it_creates_a_token_and_a_subscription_in_the_browser(live_server, odoo, odoo_server,  # type: ignore[no-untyped-def]
                                                               receiver: Receiver, monkeypatch) -> None:
    from playwright.sync_api import expect, sync_playwright

    from apps.webhooks.tasks import deliver_webhook
    from apps.writeback.tasks import apply_writeback

    monkeypatch.setattr(deliver_webhook, "delay", lambda pk: None)
    monkeypatch.setattr(apply_writeback, "delay", lambda pk: None)
    network = make_network()
    order = new_po(odoo_server, warehouse_id=2)
    sync_purchase_orders(odoo)
    reference = approval_for(order).reference
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page()
            sign_in(page, live_server.url, network.ops.username)
            page.get_by_role("link", name="API & webhooks").click()
            form = page.get_by_role("form", name="Create a personal token")
            form.get_by_label("Name").fill("curl from my laptop")
            form.get_by_label("Access").select_option("read")
            form.get_by_role("button", name="Create token").click()
            secret_box = page.locator("[data-token-secret]")
            expect(secret_box).to_be_visible()
            token = secret_box.input_value()
            assert token.startswith("ct_")
            page.reload()  # the address bar points at the page again: reloading does not create a second token
            expect(page.locator("[data-token-secret]")).to_have_count(0)
            expect(page.get_by_role("table", name="Your tokens")).to_contain_text("curl from my laptop")
            assert in_thread(lambda: network.ops.api_tokens.count()) == 1

            queue = curl("-H", f"Authorization: Bearer {token}", f"{live_server.url}/api/v1/approvals/?status=open")
            assert reference in [row["reference"] for row in queue["results"]]

            page.get_by_role("link", name="webhook subscriptions").click()
            form = page.get_by_role("form", name="New subscription")
            form.get_by_label("Name").fill("Local receiver")
            form.get_by_label("Receiver URL").fill(receiver.url)
            form.locator("input[value='approval.decided']").check()
            form.get_by_role("button", name="Create subscription").click()
            secret_box = page.locator("[data-webhook-secret]")
            expect(secret_box).to_be_visible()
            secret = secret_box.input_value()
            page.reload()
            expect(page.locator("[data-webhook-secret]")).to_have_count(0)
            expect(page.get_by_role("table", name="Subscriptions")).to_contain_text("Local receiver")
            assert in_thread(lambda: WebhookSubscription.objects.count()) == 1
        finally:
            browser.close()

    regional = in_thread(lambda: token_for(network.regional_north))
    request_id = in_thread(lambda: approval_for(order).pk)
    curl("-X", "POST", "-H", f"Authorization: Bearer {regional}", "-H", "Content-Type: application/json",
         "-d", '{"outcome": "approve"}', f"{live_server.url}/api/v1/approvals/{request_id}/decide/")
    assert in_thread(deliveries_dispatch) == 1
    [received] = receiver.requests
    assert verify(secret, received)
    assert received.json["type"] == "approval.decided"
    assert received.json["data"]["request"]["reference"] == reference
