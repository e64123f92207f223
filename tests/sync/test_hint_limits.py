"""The hint endpoint under abuse: rate limits per address, refusals counted not logged, ids bounded,
identical hints at once (PostgreSQL, threads) collapsing onto one pending row without an error."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection, connections
from django.test import Client
from django.utils import timezone

from apps.health.checks_portal import hint_readings
from apps.health.models import SignalStatus
from apps.sync import conf
from apps.sync.feeds import feeds_ensure
from apps.sync.hints import MAX_ODOO_ID, hint_path
from apps.sync.models import PendingRefetch, WebhookRejection


@pytest.fixture(autouse=True)
def _feeds(db: None, settings) -> None:  # type: ignore[no-untyped-def]
    settings.CT_WEBHOOK_SECRET = ""
    settings.CT_HINT_COALESCE_SECONDS = 60  # the refetch task must not run inside these tests
    cache.clear()
    feeds_ensure()


def post(body: str, *, path: str | None = None, address: str = "203.0.113.7"):  # type: ignore[no-untyped-def]
    return Client(REMOTE_ADDR=address).post(path or hint_path(), data=body.encode(), content_type="application/json")


def hint(odoo_id: int = 7) -> str:
    return json.dumps({"_id": odoo_id, "_model": "purchase.order"})


def rejections() -> dict[str, int]:
    return dict(WebhookRejection.objects.values_list("reason", "count"))


@pytest.mark.django_db
def test_it_stops_a_flood_of_bad_tokens_with_429_and_counts_it_in_two_rows() -> None:
    # One minute's budget: the clock stands still so the flood never straddles two minutes.
    with time_machine.travel(timezone.now().replace(second=5), tick=False):
        statuses = [post(hint(), path="/hooks/odoo/guessed-token/").status_code for _ in range(300)]
        rejected = next(r for r in hint_readings(now=timezone.now()) if r.key == "hints.rejected")
    allowed = conf.HINT_REFUSALS_PER_MINUTE
    assert statuses == [404] * allowed + [429] * (300 - allowed)
    assert rejections() == {"bad_token": allowed, "rate_limited": 1}
    assert not PendingRefetch.objects.exists()
    assert rejected.status == SignalStatus.DEGRADED  # knocking on the door is no failure of the hints
    assert rejected.value == allowed + 1


@pytest.mark.django_db
def test_it_limits_each_address_on_its_own_and_says_when_to_retry(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(conf, "HINT_RATE_PER_MINUTE", 3)
    assert [post(hint(n)).status_code for n in range(1, 4)] == [202, 202, 202]
    limited = post(hint(4))
    assert limited.status_code == 429
    assert limited["Retry-After"] == "60"
    assert "retry" in limited.json()["error"]
    assert post(hint(5), address="198.51.100.1").status_code == 202
    assert set(PendingRefetch.objects.values_list("odoo_id", flat=True)) == {1, 2, 3, 5}
    with time_machine.travel(timezone.now() + timedelta(minutes=1)):
        assert post(hint(6)).status_code == 202  # a new minute, a new budget


@pytest.mark.django_db
def test_it_fails_the_signal_for_refusals_of_a_sender_with_the_right_token(settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(conf, "HINT_REFUSALS_PER_MINUTE", 100)
    with time_machine.travel(timezone.now().replace(second=5), tick=False):  # fifty refusals in one minute
        for _ in range(50):
            assert post('{"_model": "purchase.order"}').status_code == 400
        rejected = next(r for r in hint_readings(now=timezone.now()) if r.key == "hints.rejected")
    assert rejections() == {"malformed": 50}
    assert rejected.status == SignalStatus.FAILING


@pytest.mark.django_db
def test_it_counts_refusals_per_reason_and_minute() -> None:
    start = timezone.now().replace(second=5)
    with time_machine.travel(start, tick=False):
        post("not json")
        post("[1]")
        post(hint(), path="/hooks/odoo/nope/")
    with time_machine.travel(start + timedelta(minutes=1), tick=False):
        post("not json", address="198.51.100.2")
    rows = list(WebhookRejection.objects.order_by("received_at", "reason").values_list(
        "reason", "count", "source_ip", "received_at"))
    minute = start.replace(second=0, microsecond=0)
    assert rows == [("bad_token", 1, "203.0.113.7", minute), ("malformed", 2, "203.0.113.7", minute),
                    ("malformed", 1, "198.51.100.2", minute + timedelta(minutes=1))]


@pytest.mark.django_db
@pytest.mark.parametrize(("odoo_id", "status"), [(MAX_ODOO_ID, 202), (MAX_ODOO_ID + 1, 400), (2**63, 400),
                                                  (10**30, 400)])
def test_it_bounds_record_ids_to_what_odoo_and_the_mirror_hold(odoo_id: int, status: int) -> None:
    response = post(hint(odoo_id))
    assert response.status_code == status
    assert PendingRefetch.objects.filter(odoo_id=odoo_id).exists() is (status == 202)
    if status == 400:
        assert str(MAX_ODOO_ID) in response.json()["error"]


@pytest.mark.django_db(transaction=True)
def test_identical_hints_at_once_collapse_onto_one_row_without_an_error() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (CI sets DATABASE_URL)")
    senders, statuses, errors = 12, [], []
    barrier = threading.Barrier(senders)

    def send() -> None:
        try:
            barrier.wait(timeout=10)
            statuses.append(post(hint(42)).status_code)
        except Exception as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors
    assert statuses == [202] * senders
    assert PendingRefetch.objects.get(odoo_model="purchase.order", odoo_id=42).hints == senders


def test_a_counter_gone_between_its_creation_and_its_count_starts_over(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A flushed or evicted cache key must never turn a hint into a server error."""
    from django.core.cache import cache

    from apps.sync import hints

    monkeypatch.setattr(cache, "add", lambda *args, **kwargs: True)  # created, then gone at once
    cache.delete("sync:probe-counter")
    assert hints._counted("sync:probe-counter") == 1
    assert cache.get("sync:probe-counter") == 1
