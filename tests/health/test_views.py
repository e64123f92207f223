"""The health page, signal history, JSON endpoint, Prometheus metrics and replay, per role."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.health.models import HealthSignal, SignalCategory, SignalStatus
from apps.health.services import heartbeat_record
from apps.writeback.models import WriteBack, WriteBackStatus
from tests.factories import Network

pytestmark = pytest.mark.django_db
TOKEN = "metrics-token-0123456789abcdef"


def signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def dead(network: Network) -> WriteBack:
    return WriteBack.objects.create(idempotency_key="dead-1", kind="test.kind", odoo_model="purchase.order",
                                    odoo_id=5, store=network.store_a, status=WriteBackStatus.DEAD,
                                    last_error="Odoo unavailable: 503")


def test_it_sends_anonymous_visitors_to_sign_in(network, dead) -> None:
    client = Client()
    assert client.get(reverse("health:page"))["Location"].startswith(reverse("login"))
    assert client.post(reverse("health:replay", args=[dead.pk]))["Location"].startswith(reverse("login"))
    response = client.get(reverse("health:json"))
    assert response.status_code == 401
    assert response.json() == {"detail": "Sign in to read workflow health."}


@pytest.mark.parametrize("who", ["nobody", "manager_a", "regional_north"])
def test_it_refuses_health_to_store_and_regional_roles_with_a_reason(network, who) -> None:
    client = signed_in(getattr(network, who))
    page = client.get(reverse("health:page"))
    assert page.status_code == 403
    assert b"Workflow health is for HQ and operations" in page.content
    assert client.get(reverse("health:json")).status_code == 403
    signal = HealthSignal.objects.create(key="x", label="x", category=SignalCategory.LIVE, status=SignalStatus.OK,
                                         rule="r")
    assert client.get(reverse("health:signal", args=[signal.pk])).status_code == 403


@pytest.mark.parametrize("who", ["hq", "ops"])
def test_it_shows_every_signal_with_its_rule_to_hq_and_operations(network, dead, who) -> None:
    response = signed_in(getattr(network, who)).get(reverse("health:page"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Celery worker heartbeat" in content
    assert "no heartbeat in the last 90 s on a queue → failing" in content
    assert "Dead-lettered and refused write-backs" in content
    assert "Odoo unavailable: 503" in content
    assert ("Replay</button>" in content) == (who == "ops")


def test_it_serves_the_panel_as_a_fragment_and_pins_queries(network, django_assert_max_num_queries) -> None:
    client = signed_in(network.hq)
    client.get(reverse("health:page"))
    with django_assert_max_num_queries(35) as first:  # about a third are the shell (session, navigation)
        response = client.get(reverse("health:page"), headers={"HX-Request": "true"})
    baseline = len(first)
    assert b"<html" not in response.content
    assert b'id="health-panel"' in response.content
    for n in range(30):
        heartbeat_record(worker=f"celery@w{n}")
        WriteBack.objects.create(idempotency_key=f"dead-{n}", kind="k", odoo_model="m", odoo_id=n,
                                 store=network.store_b, status=WriteBackStatus.DEAD)
    client.get(reverse("health:page"))
    with django_assert_max_num_queries(baseline):
        client.get(reverse("health:page"), headers={"HX-Request": "true"})


def test_it_shows_one_signals_history(network) -> None:
    client = signed_in(network.hq)
    client.get(reverse("health:page"))
    heartbeat_record(worker="celery@one")
    client.get(reverse("health:page"))
    signal = HealthSignal.objects.get(key="worker.heartbeat")
    page = client.get(reverse("health:signal", args=[signal.pk]))
    assert page.status_code == 200
    assert b"new \xe2\x86\x92 failing" in page.content
    assert b"failing \xe2\x86\x92 ok" in page.content
    assert client.get(reverse("health:signal", args=[99999])).status_code == 404


def test_it_answers_json_with_every_signal(network, dead) -> None:
    response = signed_in(network.hq).get(reverse("health:json"))
    assert response.status_code == 200
    body = response.json()
    keys = {s["key"] for s in body["signals"]}
    assert {"worker.heartbeat", "worker.queue", "live.channel-layer", "outbox.dead", "outbox.depth",
            "outbox.retrying", "hints.pending", "hints.rejected", "sync.errors", "sync.feed.purchase-orders",
            "sync.feed.stock-discrepancies", "worker.odoo-checks"} <= keys
    assert body["status"] == SignalStatus.FAILING
    dead_signal = next(s for s in body["signals"] if s["key"] == "outbox.dead")
    assert dead_signal["status"] == "failing"
    assert dead_signal["rule"].startswith("dead-lettered → failing")
    assert dead_signal["action_url"] == "/admin/writeback/writeback/?status__exact=dead"


def test_it_hides_metrics_without_a_token_and_demands_the_bearer_token(network, monkeypatch) -> None:
    client = signed_in(network.hq)  # a session is not a token
    assert client.get(reverse("health:metrics")).status_code == 404
    monkeypatch.setattr("apps.health.conf.METRICS_TOKEN", TOKEN)
    refused = client.get(reverse("health:metrics"))
    assert refused.status_code == 401
    assert refused["WWW-Authenticate"] == 'Bearer realm="metrics"'
    assert Client().get(reverse("health:metrics"), headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert Client().get(reverse("health:metrics"), headers={"Authorization": f"Basic {TOKEN}"}).status_code == 401


def test_it_exports_prometheus_metrics_with_the_token(network, dead, monkeypatch) -> None:
    monkeypatch.setattr("apps.health.conf.METRICS_TOKEN", TOKEN)
    response = Client().get(reverse("health:metrics"), headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
    text = response.content.decode()
    assert "# TYPE controltower_health_signal_status gauge" in text
    assert 'controltower_health_signal_status{signal="worker.heartbeat",category="worker"} 2' in text
    assert 'controltower_writebacks{status="dead"} 1' in text
    assert "controltower_health_status 2" in text
    assert 'controltower_health_signal_value{signal="live.channel-layer",category="live"} 1' in text


def test_it_lets_only_operations_replay_a_dead_write_back(network, dead, monkeypatch) -> None:
    from apps.writeback import conf

    monkeypatch.setattr(conf, "REPLAY_WAIT_SECONDS", 0)  # no worker here: the row stays queued
    for who in ("hq", "manager_a", "regional_north"):
        response = signed_in(getattr(network, who)).post(reverse("health:replay", args=[dead.pk]))
        assert response.status_code == 403
    dead.refresh_from_db()
    assert dead.status == WriteBackStatus.DEAD
    response = signed_in(network.ops).post(reverse("health:replay", args=[dead.pk]), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert f"Write-back {dead.pk} (purchase.order {dead.odoo_id}): queued; the worker has not sent it yet".encode() \
        in response.content
    dead.refresh_from_db()
    assert dead.status == WriteBackStatus.QUEUED
    assert AuditEvent.objects.filter(action="writeback.replayed", actor=network.ops).exists()
    again = signed_in(network.ops).post(reverse("health:replay", args=[dead.pk]), headers={"HX-Request": "true"})
    assert again.status_code == 409
    assert b"Only failed, conflicted or dead-lettered write-backs can be replayed." in again.content
    assert signed_in(network.ops).post(reverse("health:replay", args=[424242])).status_code == 404
