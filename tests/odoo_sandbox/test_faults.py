"""Fault injection: latency, transient errors, lost replies and outages, in-process and over HTTP."""

from __future__ import annotations

import http.client
import json
import time
import urllib.error
import urllib.request

import pytest

from apps.odoo_sandbox.server import SandboxServer

from .conftest import post

VERSION = {
    "jsonrpc": "2.0",
    "method": "call",
    "id": 1,
    "params": {"service": "common", "method": "version", "args": []},
}


def outcome(odoo: SandboxServer) -> str:
    """'ok', 'http <status>', 'dropped' or 'refused' for one JSON-RPC request."""
    request = urllib.request.Request(
        odoo.url + "/jsonrpc", data=json.dumps(VERSION).encode(), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=3) as response:
            return "ok" if response.status == 200 else f"http {response.status}"
    except urllib.error.HTTPError as exc:
        return f"http {exc.code}"
    except (http.client.RemoteDisconnected, ConnectionResetError):
        return "dropped"
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, ConnectionRefusedError):
            return "refused"
        if isinstance(exc.reason, (ConnectionResetError, http.client.RemoteDisconnected)):
            return "dropped"
        raise


def test_it_adds_latency(sandbox: SandboxServer) -> None:
    sandbox.faults.latency = 0.25
    started = time.monotonic()
    assert outcome(sandbox) == "ok"
    assert time.monotonic() - started >= 0.25


def test_it_fails_a_share_of_requests_with_503_or_dropped_connections(sandbox: SandboxServer) -> None:
    sandbox.faults.seed(7)
    sandbox.faults.error_rate = 0.5
    results = [outcome(sandbox) for _ in range(40)]
    assert {"ok", "http 503", "dropped"} <= set(results)
    assert 8 <= results.count("ok") <= 32
    sandbox.faults.error_rate = 0.0
    assert all(outcome(sandbox) == "ok" for _ in range(5))


def test_it_can_lose_the_reply_after_committing(sandbox: SandboxServer, rpc) -> None:
    draft = rpc("admin", "purchase.order", "search", [("state", "=", "draft")], limit=1)
    sandbox.faults.lost_reply_rate = 1.0
    params = {
        "service": "object",
        "method": "execute_kw",
        "args": [sandbox.db, sandbox.uid_for("admin"), "admin", "purchase.order", "button_cancel", [draft], {}],
    }
    with pytest.raises((http.client.RemoteDisconnected, ConnectionResetError, urllib.error.URLError)):
        post(sandbox.url + "/jsonrpc", {"jsonrpc": "2.0", "method": "call", "id": 2, "params": params})
    sandbox.faults.lost_reply_rate = 0.0
    assert rpc("admin", "purchase.order", "read", draft, ["state"])[0]["state"] == "cancel"


def test_it_answers_503_while_down_and_recovers(sandbox: SandboxServer) -> None:
    sandbox.faults.down = True
    assert outcome(sandbox) == "http 503"
    sandbox.faults.down = False
    assert outcome(sandbox) == "ok"


def test_it_refuses_connections_during_a_timed_outage(sandbox: SandboxServer) -> None:
    sandbox.faults.outage_for(0.6, mode="refuse")
    time.sleep(0.15)
    assert outcome(sandbox) == "refused"
    deadline = time.monotonic() + 5
    while outcome(sandbox) != "ok":
        assert time.monotonic() < deadline, "the sandbox did not come back after the outage"
        time.sleep(0.1)


def test_it_is_controlled_over_http_without_faulting_the_control_route(sandbox: SandboxServer) -> None:
    status, settings = post(sandbox.url + "/sandbox/faults", {"down": True, "latency": 0.05})
    assert status == 200
    assert settings["down"] is True
    assert settings["latency"] == 0.05
    assert outcome(sandbox) == "http 503"
    with urllib.request.urlopen(sandbox.url + "/sandbox/faults", timeout=3) as response:
        assert json.loads(response.read())["down"] is True
    assert post(sandbox.url + "/sandbox/faults", {"error_rate": 2})[0] == 400
    assert post(sandbox.url + "/sandbox/faults", {"down": True, "down_mode": "refuse"})[0] == 400
    assert post(sandbox.url + "/sandbox/faults", {"reset": True})[1]["down"] is False
    assert outcome(sandbox) == "ok"


def test_it_counts_handled_requests(sandbox: SandboxServer) -> None:
    before = sandbox.rpc_count
    for _ in range(3):
        outcome(sandbox)
    post(sandbox.url + "/sandbox/faults", {})
    assert sandbox.rpc_count == before + 3
