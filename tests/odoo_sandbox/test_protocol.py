"""JSON-RPC and /web routes answer with Odoo's shapes (beyond what replay.py checks)."""

from __future__ import annotations

import json
import urllib.request

import pytest

from apps.odoo_sandbox.server import SandboxServer

from .conftest import Rpc, post


def test_it_omits_result_for_methods_returning_none(sandbox: SandboxServer, rpc: Rpc) -> None:
    order = rpc("admin", "purchase.order", "search", [("state", "=", "draft")], limit=1)
    answer = rpc.answer("admin", "purchase.order", "button_cancel", [order])
    assert set(answer) == {"jsonrpc", "id"}


def test_it_reports_errors_with_odoo_shape(sandbox: SandboxServer, rpc: Rpc) -> None:
    answer = rpc.answer("admin", "res.partner", "search_count", [[]], password="wrong")
    assert answer["error"]["code"] == 200
    assert answer["error"]["message"] == "Odoo Server Error"
    data = answer["error"]["data"]
    assert data["name"] == "odoo.exceptions.AccessDenied"
    assert set(data) == {"name", "message", "arguments", "debug", "context"}
    assert data["debug"].rstrip().endswith("odoo.exceptions.AccessDenied: Access Denied")
    denied = rpc.answer("basic", "purchase.order", "search_read", [[]], {"fields": ["name"]})
    assert "Purchase/User" in denied["error"]["data"]["message"]


def test_it_authenticates_a_web_session_like_odoorpc_expects(sandbox: SandboxServer) -> None:
    body = {
        "jsonrpc": "2.0",
        "method": "call",
        "id": 1,
        "params": {"db": sandbox.db, "login": "buyer", "password": "buyer-pw-123"},
    }
    request = urllib.request.Request(
        sandbox.url + "/web/session/authenticate",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        cookie = response.headers["Set-Cookie"].split(";")[0]
        info = json.loads(response.read())["result"]
    assert info["uid"] == sandbox.uid_for("buyer")
    assert info["db"] == "retail"
    assert info["server_version_info"][0] == 18
    assert set(info["user_context"]) >= {"lang", "tz", "uid"}
    call = {
        "jsonrpc": "2.0",
        "method": "call",
        "id": 2,
        "params": {"model": "purchase.order", "method": "search_count", "args": [[]], "kwargs": {}},
    }
    status, answer = post(sandbox.url + "/web/dataset/call_kw", call, {"Cookie": cookie})
    assert status == 200
    assert isinstance(answer["result"], int)
    status, expired = post(sandbox.url + "/web/dataset/call_kw", call)
    assert expired["error"]["code"] == 100
    wrong = {**body, "params": {**body["params"], "password": "nope"}}
    assert (
        post(sandbox.url + "/web/session/authenticate", wrong)[1]["error"]["data"]["name"]
        == "odoo.exceptions.AccessDenied"
    )


def test_it_serves_version_routes(sandbox: SandboxServer) -> None:
    with urllib.request.urlopen(sandbox.url + "/web/version", timeout=5) as response:
        assert json.loads(response.read()) == {"version_info": [18, 0, 0, "final", 0, ""], "version": "18.0"}
    _status, answer = post(
        sandbox.url + "/jsonrpc",
        {"jsonrpc": "2.0", "method": "call", "id": 3, "params": {"service": "db", "method": "list", "args": []}},
    )
    assert answer["result"][0] == "retail"


def test_it_works_with_odoorpc(sandbox: SandboxServer) -> None:
    odoorpc = pytest.importorskip("odoorpc")
    client = odoorpc.ODOO("127.0.0.1", port=sandbox.port)
    client.login(sandbox.db, "buyer", "buyer-pw-123")
    orders = client.env["purchase.order"]
    waiting = orders.search([("state", "=", "to approve"), ("picking_type_id.warehouse_id.code", "=", "S01")])
    order = orders.browse(waiting[0])
    assert order.picking_type_id.warehouse_id.code == "S01"
    assert client.execute_kw("purchase.order", "button_approve", [[order.id]]) == {}
    assert orders.read([order.id], ["state"])[0]["state"] == "to approve"
    assert client.env.ref("mail.mt_note").id > 0


def test_it_executes_out_of_band_without_counting_http(sandbox: SandboxServer) -> None:
    before = sandbox.rpc_count
    order = sandbox.execute("admin", "purchase.order", "search", [[("state", "=", "to approve")]], {"limit": 1})
    sandbox.execute("admin", "purchase.order", "button_approve", [order])
    assert sandbox.execute("buyer", "purchase.order", "read", [order, ["state"]])[0]["state"] == "purchase"
    assert sandbox.rpc_count == before
