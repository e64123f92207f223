"""https receivers: the sender connects to the checked address yet presents the receiver's name for
TLS (SNI) and checks the certificate against that name, against a real local TLS server."""

from __future__ import annotations

import datetime
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from apps.webhooks import conf, sender
from apps.webhooks.sender import post

x509 = pytest.importorskip("cryptography.x509")
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402
from cryptography.x509.oid import NameOID  # noqa: E402

NAME = "hooks.tls.example"


def _certificate(subject: str, key: Any, issuer: Any, issuer_key: Any, *, ca: bool) -> Any:
    now = datetime.datetime.now(datetime.UTC)
    builder = (x509.CertificateBuilder()
               .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
               .issuer_name(issuer).public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if not ca:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(subject)]), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


@pytest.fixture
def tls_receiver(tmp_path: Path, resolver: dict[str, list[str]],
                 monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test authority")])
    ca = _certificate("Test authority", ca_key, ca_name, ca_key, ca=True)
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    leaf = _certificate(NAME, leaf_key, ca_name, ca_key, ca=False)
    (tmp_path / "leaf.pem").write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "key.pem").write_bytes(leaf_key.private_bytes(serialization.Encoding.PEM,
                                                              serialization.PrivateFormat.PKCS8,
                                                              serialization.NoEncryption()))
    seen: dict[str, Any] = {"sni": [], "hosts": []}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            seen["hosts"].append(self.headers["Host"])
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            return

    server_tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_tls.load_cert_chain(tmp_path / "leaf.pem", tmp_path / "key.pem")
    server_tls.sni_callback = lambda sock, name, context: seen["sni"].append(name)  # type: ignore[assignment,misc,func-returns-value]
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.socket = server_tls.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    client_tls = ssl.create_default_context(cadata=ca.public_bytes(serialization.Encoding.PEM).decode())
    monkeypatch.setattr(sender, "tls_context", lambda: client_tls)
    monkeypatch.setattr(conf, "ALLOWED_HOSTS", ["127.0.0.1/32"])
    resolver[NAME] = ["127.0.0.1"]
    resolver["other.tls.example"] = ["127.0.0.1"]
    seen["port"] = server.server_address[1]
    try:
        yield seen
    finally:
        server.shutdown()
        server.server_close()


def test_it_presents_the_receivers_name_over_tls_to_the_checked_address(tls_receiver: dict[str, Any]) -> None:
    port = tls_receiver["port"]
    result = post(f"https://{NAME}:{port}/hook", b"{}", {}, timeout=5, excerpt_limit=200)
    assert result.status_code == 204, result.error
    assert tls_receiver["sni"] == [NAME]
    assert tls_receiver["hosts"] == [f"{NAME}:{port}"]


def test_it_refuses_a_certificate_for_another_name(tls_receiver: dict[str, Any]) -> None:
    result = post(f"https://other.tls.example:{tls_receiver['port']}/hook", b"{}", {}, timeout=5, excerpt_limit=200)
    assert result.status_code is None
    assert "Connection failed" in result.error
    assert tls_receiver["hosts"] == []
