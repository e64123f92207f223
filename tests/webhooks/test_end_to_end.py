"""Done when: an operations admin creates a token on the API & webhooks page, reads the approval queue
with curl exactly as the README shows, subscribes a local receiver, and the receiver gets signed
events for a decision taken through the API (and for its write-back reaching Odoo).

Everything goes over real HTTP to the live server; the worker's part (sending deliveries, applying
the write-back) runs in this process, as a worker would.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from typing import Any

import pytest

from apps.webhooks.delivery import deliveries_dispatch
from apps.writeback.models import WriteBack
from apps.writeback.services import writeback_run
from tests.api.support import approval_for, new_po, sync_purchase_orders
from tests.factories import PASSWORD, make_network
from tests.webhooks.conftest import Receiver, verify

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")]


class Browser:
    """A cookie-keeping HTTP client that signs in and posts forms with their CSRF token."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path) as response:
            return bytes(response.read()).decode()

    def post(self, path: str, form: dict[str, Any], *, page: str | None = None) -> str:
        html = self.get(page or path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        assert token, "no CSRF token on the page"
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token.group(1), **form}, doseq=True).encode()
        request = urllib.request.Request(self.base + path, data=body, headers={"Referer": self.base + path})
        with self.opener.open(request) as response:
            return bytes(response.read()).decode()

    def sign_in(self, username: str) -> None:
        self.post("/login/", {"username": username, "password": PASSWORD})


def curl(*args: str) -> Any:
    done = subprocess.run(["curl", "-sS", "--fail-with-body", *args], capture_output=True, text=True, timeout=30,
                          check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout)


@pytest.fixture
def captured(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[int]]:
    """Tasks the live server sends after commit, captured instead of going to the broker."""
    from apps.webhooks.tasks import deliver_webhook
    from apps.writeback.tasks import apply_writeback

    sent: dict[str, list[int]] = {"webhooks": [], "writebacks": []}
    monkeypatch.setattr(deliver_webhook, "delay", sent["webhooks"].append)
    monkeypatch.setattr(apply_writeback, "delay", sent["writebacks"].append)
    return sent


def test_it_reads_the_queue_with_curl_and_delivers_signed_decision_events(
        live_server, odoo, odoo_server, receiver: Receiver, captured) -> None:  # type: ignore[no-untyped-def]
    network = make_network()
    order = new_po(odoo_server, warehouse_id=2)
    sync_purchase_orders(odoo)
    ops = Browser(live_server.url)
    ops.sign_in("ops")

    page = ops.post("/api/v1/tokens/ui/new/", {"kind": "personal", "personal-name": "curl", "personal-access": "read",
                                               "personal-days": "30"}, page="/api/v1/tokens/ui/")
    token = re.search(r'value="(ct_[^"]+)" data-token-secret', page)
    assert token, "the new token is shown on the page"
    queue = curl("-H", f"Authorization: Bearer {token.group(1)}", f"{live_server.url}/api/v1/approvals/?status=open")
    assert approval_for(order).reference in [row["reference"] for row in queue["results"]]

    page = ops.post("/webhooks/new/", {"name": "local receiver", "url": receiver.url,
                                       "events": ["approval.decided", "writeback.applied"], "active": "on"},
                    page="/webhooks/")
    secret = re.search(r'value="(whsec_[^"]+)"[^>]*data-webhook-secret', page)
    assert secret, "the signing secret is shown once"

    regional = Browser(live_server.url)
    regional.sign_in("regional_north")
    page = regional.post("/api/v1/tokens/ui/new/", {"kind": "personal", "personal-name": "n8n",
                                                    "personal-access": "read_write", "personal-days": "7"},
                         page="/api/v1/tokens/ui/")
    regional_token = re.search(r'value="(ct_[^"]+)" data-token-secret', page)
    assert regional_token
    decided = curl("-X", "POST", "-H", f"Authorization: Bearer {regional_token.group(1)}",
                   "-H", "Content-Type: application/json", "-d", '{"outcome": "approve", "comment": "Checked"}',
                   f"{live_server.url}/api/v1/approvals/{approval_for(order).pk}/decide/")
    assert decided["request"]["status"] == "approved"

    assert captured["webhooks"], "the delivery was started after the decision committed"
    assert deliveries_dispatch() == 1
    writeback_run(WriteBack.objects.get(pk=approval_for(order).writeback_id).pk, gateway=odoo)
    assert deliveries_dispatch() == 1

    events = [received.json for received in receiver.requests]
    assert [event["type"] for event in events] == ["approval.decided", "writeback.applied"]
    assert all(verify(secret.group(1), received) for received in receiver.requests)
    decision = events[0]["data"]
    assert decision["decision"]["actor"] == "regional_north"
    assert decision["decision"]["outcome"] == "approve"
    assert decision["request"]["odoo_id"] == order
    assert events[0]["store"]["code"] == network.store_a.code
    assert events[1]["data"]["writeback"]["status"] == "applied"
