"""Outages, timeouts and flaky answers: reads are retried, writes never; all become OdooUnavailable."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from apps.odoo_gateway import OdooConfig, OdooGateway, OdooMalformedAnswer, OdooUnavailable

Factory = Callable[..., OdooGateway]


@pytest.fixture(params=["jsonrpc-18", "json2-19"])
def target(request: pytest.FixtureRequest, make_gateway: Any) -> tuple[Any, Factory]:
    """`(server, connect)` where `connect(**options)` gives an admin gateway over the transport under test."""
    if request.param == "jsonrpc-18":
        server = request.getfixturevalue("sandbox18")
        return server, lambda **kw: make_gateway(server, **kw)
    server = request.getfixturevalue("sandbox19")
    return server, lambda **kw: make_gateway(server, api_key=True, use_password=False, **kw)


def _warm(gateway: OdooGateway) -> int:
    """Connect (probe, login) so that later counts are about the calls under test only."""
    ids = gateway.search("purchase.order", [], limit=1)
    gateway.reset_rpc_count()
    return ids[0]


def test_it_retries_a_read_that_fails_transiently(target: tuple[Any, Factory]) -> None:
    server, connect = target
    sleeps: list[float] = []

    def heal(delay: float) -> None:
        sleeps.append(delay)
        server.faults.error_rate = 0

    gateway = connect(sleep=heal)
    _warm(gateway)
    server.faults.error_rate = 1.0

    count = gateway.search_count("purchase.order", [])

    assert count > 0
    assert gateway.rpc_count == 2
    assert len(sleeps) == 1


def test_it_gives_up_on_reads_after_the_configured_retries(target: tuple[Any, Factory]) -> None:
    server, connect = target
    gateway = connect(retries=2)
    _warm(gateway)
    server.faults.error_rate = 1.0

    with pytest.raises(OdooUnavailable) as caught:
        gateway.search_read("purchase.order", [], ["name"], limit=1)

    assert caught.value.transient
    assert gateway.rpc_count == 3


@pytest.mark.parametrize("operation", ["create", "write", "call", "message_post"])
def test_it_never_retries_a_write(target: tuple[Any, Factory], operation: str) -> None:
    server, connect = target
    sleeps: list[float] = []
    gateway = connect(retries=3, sleep=sleeps.append)
    po = _warm(gateway)
    server.faults.error_rate = 1.0

    writes: dict[str, Callable[[], object]] = {
        "create": lambda: gateway.create("res.partner", {"name": "Flaky Vendor"}),
        "write": lambda: gateway.write("purchase.order", po, {"notes": "x"}),
        "call": lambda: gateway.call("purchase.order", "button_cancel", po),
        "message_post": lambda: gateway.message_post("purchase.order", po, "x"),
    }

    with pytest.raises(OdooUnavailable):
        writes[operation]()

    assert gateway.rpc_count == 1
    assert sleeps == []


def test_it_does_not_resend_a_write_whose_reply_was_lost(target: tuple[Any, Factory]) -> None:
    """Odoo committed it, the answer never came: the gateway cannot know, so it must not resend."""
    server, connect = target
    gateway = connect(retries=3)
    _warm(gateway)
    name = f"Lost reply vendor {server.port}-{id(gateway)}"
    server.faults.lost_reply_rate = 1.0

    with pytest.raises(OdooUnavailable):
        gateway.create("res.partner", {"name": name})
    server.faults.lost_reply_rate = 0

    assert gateway.rpc_count == 1
    assert len(gateway.search("res.partner", [["name", "=", name]])) == 1  # applied exactly once


def test_it_reports_an_outage_and_recovers_after_it(target: tuple[Any, Factory]) -> None:
    server, connect = target
    gateway = connect(retries=0)
    _warm(gateway)

    server.faults.down = True
    with pytest.raises(OdooUnavailable):
        gateway.search_count("purchase.order", [])
    server.faults.down = False

    assert gateway.search_count("purchase.order", []) > 0


@pytest.mark.parametrize("mode", ["503", "refuse"])
def test_it_rides_out_a_short_outage_with_retries(target: tuple[Any, Factory], mode: str) -> None:
    server, connect = target
    gateway = connect(retries=5, sleep=lambda _: time.sleep(0.2))
    _warm(gateway)

    server.faults.outage_for(0.5, mode=mode)

    assert gateway.search_count("purchase.order", []) > 0
    assert gateway.rpc_count > 1


def test_it_connects_lazily_and_again_after_a_failed_first_connect(target: tuple[Any, Factory]) -> None:
    server, connect = target
    gateway = connect(retries=0)
    server.faults.down = True

    with pytest.raises(OdooUnavailable):
        gateway.search_count("purchase.order", [])
    server.faults.down = False

    assert gateway.search_count("purchase.order", []) > 0
    assert gateway.transport_name in ("jsonrpc", "json2")


def test_it_times_out_a_slow_answer(target: tuple[Any, Factory]) -> None:
    server, connect = target
    gateway = connect(timeout=0.3, retries=0)
    _warm(gateway)
    server.faults.latency = 1.5

    started = time.monotonic()
    with pytest.raises(OdooUnavailable, match=r"did not answer within 0\.3s"):
        gateway.search_count("purchase.order", [])

    assert time.monotonic() - started < 1.2
    assert gateway.rpc_count == 1


def test_it_reports_a_refused_connection_as_unavailable(closed_port: int) -> None:
    config = OdooConfig(url=f"http://127.0.0.1:{closed_port}", db="retail", login="admin", password="admin")
    gateway = OdooGateway(config, backoff=0)

    with pytest.raises(OdooUnavailable, match="refused the connection"):
        gateway.search_count("purchase.order", [])

    assert gateway.rpc_count == 3  # the version probe, tried 1 + 2 retries times
    assert gateway.transport_name is None


def test_it_does_not_send_a_write_when_it_cannot_connect(closed_port: int) -> None:
    config = OdooConfig(url=f"http://127.0.0.1:{closed_port}", db="retail", login="admin", password="admin")
    gateway = OdooGateway(config, backoff=0)

    with pytest.raises(OdooUnavailable):
        gateway.write("purchase.order", [1], {"notes": "x"})

    assert gateway.rpc_count == 3  # connecting is retried (it changes nothing); the write never left


class _LoginPage(BaseHTTPRequestHandler):
    """A misrouted proxy or a captive portal: HTTP 200 with an HTML page (but a real version probe)."""

    def do_POST(self) -> None:
        if self.path == "/web/webclient/version_info" and getattr(self.server, "knows_version", False):
            body = b'{"jsonrpc": "2.0", "id": 1, "result": {"server_version": "18.0", "server_version_info": [18, 0]}}'
            kind = "application/json"
        else:
            body, kind = b"<html><body>Log in</body></html>", "text/html"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(params=[True, False], ids=["version-ok", "version-html"])
def html_server(request: pytest.FixtureRequest) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _LoginPage)
    server.knows_version = request.param  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("transport", ["auto", "jsonrpc", "json2"])
def test_it_reports_an_answer_that_is_not_odoos_as_malformed(html_server: str, transport: str) -> None:
    """Covers the version probe, odoorpc's JSON-RPC (login fails to parse) and JSON-2."""
    config = OdooConfig(
        url=html_server, db="retail", login="admin", password="pw", api_key="k", transport=transport, retries=0
    )
    gateway = OdooGateway(config, backoff=0)

    with pytest.raises(OdooMalformedAnswer) as caught:
        gateway.search_count("purchase.order", [])

    gateway.close()
    assert caught.value.transient
    assert "pw" not in str(caught.value)
