"""Receivers inside the network are refused (SSRF): every address class, IPv4 and IPv6, literal or
behind a name (through a local resolver stub), when saving and again when sending; the allow-list
lets an operator's own receivers through; the sender connects to the very address it checked."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError

from apps.webhooks import conf
from apps.webhooks.delivery import delivery_run
from apps.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from apps.webhooks.services import event_publish, url_check
from tests.factories import Network
from tests.webhooks.conftest import PUBLIC_ADDRESS, Receiver, subscribe

pytestmark = pytest.mark.django_db

INSIDE = [
    ("127.0.0.1", "loopback"), ("127.8.9.10", "loopback"), ("::1", "loopback"),
    ("169.254.169.254", "link-local"), ("fe80::1", "link-local"),
    ("10.1.2.3", "private"), ("172.16.5.4", "private"), ("192.168.0.10", "private"), ("fd12:3456::1", "private"),
    ("224.0.0.251", "multicast"), ("ff02::1", "multicast"),
    ("240.0.0.1", "reserved"), ("0.0.0.0", "unspecified"), ("::", "unspecified"),
    ("::ffff:127.0.0.1", "loopback"), ("::ffff:169.254.169.254", "link-local"), ("::ffff:10.0.0.1", "private"),
    ("2002:7f00:1::", "loopback"), ("64:ff9b::a00:1", "private"), ("100.64.0.1", "non-public"),
]


def bracket(address: str) -> str:
    return f"[{address}]" if ":" in address else address


@pytest.mark.parametrize(("address", "kind"), INSIDE)
def test_it_refuses_an_address_inside_the_network_typed_as_is(address: str, kind: str) -> None:
    with pytest.raises(ValidationError) as refused:
        url_check(f"http://{bracket(address)}:6381/hook")
    assert f"is a {kind} address" in str(refused.value)


@pytest.mark.parametrize(("address", "kind"), INSIDE)
def test_it_refuses_a_name_that_resolves_inside_the_network(address: str, kind: str,
                                                             resolver: dict[str, list[str]]) -> None:
    resolver["n8n.attacker.example"] = [address]
    with pytest.raises(ValidationError) as refused:
        url_check("https://n8n.attacker.example/webhook")
    assert f"n8n.attacker.example resolves to a {kind} address" in str(refused.value)


def test_it_refuses_a_name_when_any_of_its_addresses_is_inside(resolver: dict[str, list[str]]) -> None:
    resolver["mixed.example"] = [PUBLIC_ADDRESS, "2001:4860:4860::8888", "10.0.0.7"]
    with pytest.raises(ValidationError, match="private"):
        url_check("https://mixed.example/hook")


def test_it_accepts_public_receivers(resolver: dict[str, list[str]]) -> None:
    resolver["v6.example"] = ["2001:4860:4860::8888"]
    assert url_check(" https://hooks.example.com/webhook/abc?x=1 ") == "https://hooks.example.com/webhook/abc?x=1"
    assert url_check("https://v6.example/") == "https://v6.example/"
    assert url_check(f"https://{PUBLIC_ADDRESS}:8443/") == f"https://{PUBLIC_ADDRESS}:8443/"


def test_it_refuses_a_name_that_does_not_resolve() -> None:
    with pytest.raises(ValidationError, match="cannot be found"):
        url_check("https://nowhere.invalid/hook")


@pytest.mark.parametrize("entry", ["10.0.0.0/8", "10.1.2.3", "n8n.internal"])
def test_it_lets_listed_hosts_and_ranges_through(entry: str, resolver: dict[str, list[str]],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    resolver["n8n.internal"] = ["10.1.2.3"]
    with pytest.raises(ValidationError):
        url_check("https://n8n.internal/hook")
    monkeypatch.setattr(conf, "ALLOWED_HOSTS", [entry])
    assert url_check("https://n8n.internal/hook") == "https://n8n.internal/hook"
    with pytest.raises(ValidationError):  # the list opens what it names, nothing more
        url_check("http://127.0.0.1:5432/")


def test_it_refuses_a_bad_allow_list_at_start() -> None:
    assert conf.allowed_hosts_parse(["n8n.internal", "10.0.0.0/8", "::1", "[fd00::1]"])[0] == {"n8n.internal"}
    for bad in (["10.0.0.0/33"], ["not a host"], ["http://x/"]):
        with pytest.raises(ImproperlyConfigured, match="CT_OUTBOUND_WEBHOOK_ALLOWED_HOSTS"):
            conf.allowed_hosts_parse(bad)


def test_it_refuses_inside_addresses_on_the_page(network: Network) -> None:
    from django.test import Client

    client = Client()
    client.force_login(network.ops)
    for url in ("http://127.0.0.1:5432/", "http://169.254.169.254/latest/meta-data/", "http://[::1]:6381/"):
        response = client.post("/webhooks/new/", {"name": "x", "url": url, "events": ["*"], "active": "on"})
        assert response.status_code == 400
        assert "public receivers only" in response.content.decode()
    assert not WebhookSubscription.objects.exists()


def publish(network: Network) -> WebhookDelivery:
    event_publish("incident.created", {"incident": {"reference": "CT-SSRF"}}, network.store_a)
    return WebhookDelivery.objects.order_by("-pk").first()  # type: ignore[return-value]


def test_it_connects_to_the_address_it_checked_with_the_receivers_name(
        network: Network, receiver: Receiver, resolver: dict[str, list[str]], monkeypatch: pytest.MonkeyPatch) -> None:
    """The name resolves once per attempt; the request goes to that address with the URL's Host."""
    port = receiver.url.split(":")[2].split("/")[0]
    # a rebinding name: a listed address when saved and for the first attempt, then a private one
    answers = [["127.0.0.1"], ["127.0.0.1"], ["10.9.9.9"]]
    calls: list[str] = []

    def rebinding(host: str, port: int) -> list[str]:
        calls.append(host)
        return answers[min(len(calls), len(answers)) - 1]

    from apps.webhooks import destinations

    monkeypatch.setattr(destinations, "resolve", rebinding)
    sub, _ = subscribe(network.ops, f"http://hooks.rebind.example:{port}/hooks/ct")
    delivered = delivery_run(publish(network).pk)
    assert delivered.status == DeliveryStatus.DELIVERED
    assert calls == ["hooks.rebind.example"] * 2  # saved, then checked and connected with one answer
    [received] = receiver.requests
    assert received.headers["Host"] == f"hooks.rebind.example:{port}"
    assert received.path == "/hooks/ct"
    # the next attempt gets the private answer: refused before any connection, and final
    failed = delivery_run(publish(network).pk)
    assert failed.status == DeliveryStatus.DEAD
    assert "resolves to a private address" in failed.last_error
    assert len(receiver.requests) == 1
    assert failed.attempt_log.get().response_excerpt == ""
    assert sub.pk == failed.subscription_id


def test_it_checks_the_allow_list_again_when_sending(network: Network, receiver: Receiver,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    subscribe(network.ops, receiver.url)
    monkeypatch.setattr(conf, "ALLOWED_HOSTS", [])  # the operator removed it from the list
    result = delivery_run(publish(network).pk)
    assert result.status == DeliveryStatus.DEAD
    assert "loopback" in result.last_error
    assert receiver.requests == []


def test_it_enforces_the_https_rule_when_sending(network: Network, receiver: Receiver,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    subscribe(network.ops, receiver.url)  # saved while plain http was allowed
    monkeypatch.setattr(conf, "ALLOW_HTTP", False)
    result = delivery_run(publish(network).pk)
    assert result.status == DeliveryStatus.DEAD
    assert "https" in result.last_error
    assert receiver.requests == []


def test_it_keeps_only_a_short_excerpt_of_the_answer(network: Network, receiver: Receiver) -> None:
    receiver.body = b"x" * 5000
    subscribe(network.ops, receiver.url)
    delivered = delivery_run(publish(network).pk)
    assert delivered.status == DeliveryStatus.DELIVERED
    assert len(delivered.attempt_log.get().response_excerpt) == conf.RESPONSE_EXCERPT == 200
