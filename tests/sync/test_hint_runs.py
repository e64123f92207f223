"""Hint refetches are recorded as runs of kind `hint`, and health judges feeds by their polls."""

from __future__ import annotations

import pytest

from apps.health.checks_portal import feed_readings, sync_errors_reading
from apps.odoo_gateway import OdooError
from apps.sync.engine import feed_sync
from apps.sync.models import MirrorRecord, PendingRefetch, RunKind, RunStatus, SyncRun
from apps.sync.services import hinted_refetch
from tests.sync.test_sync import demo_stores, feed

__all__ = ["demo_stores"]
pytestmark = pytest.mark.django_db


def test_it_records_each_feeds_hint_refetch_as_a_run_with_counts_and_round_trips(
        odoo, odoo_server, demo_stores) -> None:
    purchase = feed("purchase-orders")
    poll = feed_sync(purchase, gateway=odoo)
    assert poll.status == RunStatus.OK, poll.error
    order = MirrorRecord.objects.filter(feed=purchase).open().order_by("odoo_id").first()
    assert order is not None
    odoo_server.execute("admin", "purchase.order", "button_approve", [[order.odoo_id]])
    PendingRefetch.objects.create(odoo_model="purchase.order", odoo_id=order.odoo_id, hints=2)

    assert hinted_refetch(gateway=odoo) == 1
    run = SyncRun.objects.get(feed=purchase, kind=RunKind.HINT)
    assert run.status == RunStatus.OK
    assert (run.fetched, run.created, run.updated, run.closed) == (1, 0, 0, 1)
    assert run.rpc_calls >= 1
    assert run.total_expected == 1
    assert run.finished_at is not None
    assert not PendingRefetch.objects.exists()
    order.refresh_from_db()
    assert order.close_reason == "left_domain"
    # A hint run is no poll: the feed's health still reads the poll's lag, and no success is claimed.
    purchase.refresh_from_db()
    assert purchase.last_success_at is not None
    assert purchase.last_success_at < run.started_at
    reading = next(r for r in feed_readings(now=run.finished_at) if r.key == "sync.feed.purchase-orders")
    assert reading.data["change_lag_seconds"] == poll.lag_seconds


def test_it_records_a_failed_hint_run_keeps_the_hints_and_counts_it_as_a_sync_error(
        odoo, odoo_server, demo_stores) -> None:
    purchase = feed("purchase-orders")
    assert feed_sync(purchase, gateway=odoo).status == RunStatus.OK
    PendingRefetch.objects.create(odoo_model="purchase.order", odoo_id=1)
    odoo_server.faults.down = True
    with pytest.raises(OdooError):
        hinted_refetch(gateway=odoo)
    odoo_server.faults.down = False
    run = SyncRun.objects.get(feed=purchase, kind=RunKind.HINT)
    assert run.status == RunStatus.FAILED
    assert run.error.startswith("OdooUnavailable")
    assert PendingRefetch.objects.filter(odoo_id=1).exists()  # the task's retry or the next pass refetches it
    errors = sync_errors_reading(now=run.finished_at)
    assert errors.status == "degraded"
    assert "purchase-orders (Webhook hints)" in str(errors.detail)
    feed_reading = next(r for r in feed_readings(now=run.finished_at) if r.key == "sync.feed.purchase-orders")
    assert feed_reading.status == "ok"  # the poll succeeded a moment ago; the hint failure is in sync.errors
