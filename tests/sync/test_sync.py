"""The sync engine against the Odoo sandbox over real HTTP."""

from __future__ import annotations

import math

import pytest

from apps.organisation.demo_network import stores_with_warehouse_ids
from apps.organisation.models import Region, Store
from apps.sync.engine import feed_reconcile, feed_sync
from apps.sync.feeds import feeds_ensure
from apps.sync.models import Feed, MirrorRecord, RunKind, RunStatus
from tests.odoo_versions import EVERY_ODOO, major

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_stores(db: None) -> dict[int, Store]:
    region = Region.objects.create(code="ALL", name="All")
    return {wh: Store.objects.create(region=region, code=store.code, name=store.name, odoo_warehouse_id=wh)
            for _, store, wh in stores_with_warehouse_ids()}


def feed(slug: str, major: int = 18, **changes) -> Feed:  # type: ignore[no-untyped-def]
    feeds_ensure(major=major)  # as odoo_setup does for the server's version
    item = Feed.objects.get(slug=slug)
    for key, value in changes.items():
        setattr(item, key, value)
    item.save()
    return item


def odoo_ids(odoo, model: str, domain: list) -> set[int]:  # type: ignore[no-untyped-def]
    return set(odoo.search(model, domain))


def new_po_to_approve(server) -> int:  # type: ignore[no-untyped-def]
    """A buyer's order above the two-step limit, created and confirmed directly in Odoo."""
    company = server.execute("admin", "res.users", "read", [[2], ["company_id"]])[0]["company_id"][0]
    server.execute("admin", "res.company", "write", [[company], {"po_double_validation": "two_step",
                                                                 "po_double_validation_amount": 100}])
    vendor = server.execute("admin", "res.partner", "search", [[["supplier_rank", ">", 0]]], {"limit": 1})[0]
    product = server.execute("admin", "product.product", "search", [[["purchase_ok", "=", True]]], {"limit": 1})[0]
    picking_type = server.execute("admin", "stock.picking.type", "search",
                                  [[["code", "=", "incoming"], ["warehouse_id", "=", 2]]], {"limit": 1})[0]
    order = server.execute("buyer", "purchase.order", "create", [{
        "partner_id": vendor, "picking_type_id": picking_type,
        "order_line": [[0, 0, {"product_id": product, "product_qty": 50, "price_unit": 100}]]}])
    server.execute("buyer", "purchase.order", "button_confirm", [[order]])
    return order


def test_it_mirrors_every_open_record_with_its_store_on_the_first_sync(odoo, demo_stores) -> None:
    run = feed_sync(feed("purchase-orders"))
    assert run.status == RunStatus.OK, run.error
    assert run.kind == RunKind.FULL
    expected = odoo_ids(odoo, "purchase.order", [["state", "=", "to approve"]])
    mirrored = set(MirrorRecord.objects.open().filter(feed__slug="purchase-orders").values_list("odoo_id", flat=True))
    assert expected
    assert mirrored == expected
    assert run.created == len(expected)
    stores = MirrorRecord.objects.filter(feed__slug="purchase-orders").exclude(store=None)
    assert stores.count() > 0
    sample = stores.first()
    assert sample is not None
    picking_type = sample.values["picking_type_id"][0]
    warehouse = odoo.read("stock.picking.type", [picking_type], ["warehouse_id"])[0]["warehouse_id"][0]
    assert sample.store == demo_stores[warehouse]


def test_it_picks_up_new_and_closes_decided_records_incrementally_within_the_rpc_budget(
        odoo, odoo_server, demo_stores) -> None:
    purchase = feed("purchase-orders", batch_size=3)
    feed_sync(purchase)
    approved_elsewhere = sorted(odoo_ids(odoo, "purchase.order", [["state", "=", "to approve"]]))[0]
    odoo_server.execute("admin", "purchase.order", "button_approve", [[approved_elsewhere]])
    created = new_po_to_approve(odoo_server)
    run = feed_sync(purchase)
    assert run.status == RunStatus.OK, run.error
    assert run.kind == RunKind.INCREMENTAL
    closed = MirrorRecord.objects.get(feed=purchase, odoo_id=approved_elsewhere)
    assert closed.closed_at is not None
    assert closed.close_reason == "left_domain"
    assert closed.values["state"] == "purchase"
    assert MirrorRecord.objects.get(feed=purchase, odoo_id=created).closed_at is None
    assert run.rpc_calls <= math.ceil(run.fetched / purchase.batch_size) + 2
    again = feed_sync(purchase)
    assert again.created == again.updated == again.closed == 0


def test_it_reconciles_records_deleted_in_odoo(odoo, odoo_server, demo_stores) -> None:
    refunds = feed("customer-refunds")
    feed_sync(refunds)
    victim = sorted(odoo_ids(odoo, "account.move", [["move_type", "=", "out_refund"], ["state", "=", "draft"]]))[0]
    odoo_server.execute("admin", "account.move", "unlink", [[victim]])
    assert MirrorRecord.objects.get(feed=refunds, odoo_id=victim).closed_at is None
    run = feed_reconcile(refunds)
    assert run.status == RunStatus.OK, run.error
    record = MirrorRecord.objects.get(feed=refunds, odoo_id=victim)
    assert record.close_reason == "deleted"
    assert run.closed == 1


def test_it_keeps_the_cursor_behind_unapplied_data_when_odoo_fails_mid_run(odoo, odoo_server, demo_stores) -> None:
    purchase = feed("purchase-orders", batch_size=2)
    total = len(odoo_ids(odoo, "purchase.order", [["state", "=", "to approve"]]))
    assert total > 4

    def fail_after_first_batch(run) -> None:  # type: ignore[no-untyped-def]
        odoo_server.faults.down = True

    failed = feed_sync(purchase, progress=fail_after_first_batch)
    assert failed.status == RunStatus.FAILED
    assert "OdooUnavailable" in failed.error
    # The next page may already have been fetched when Odoo went down; whatever was applied is whole.
    applied = MirrorRecord.objects.filter(feed=purchase).count()
    assert applied in (2, 4)
    assert applied < total
    purchase.refresh_from_db()
    assert purchase.last_error
    # The cursor stands on the last second read to its end: every applied record but the last page's
    # final second (one record here) is at or before it, and nothing past the applied data.
    applied_keys = sorted(MirrorRecord.objects.filter(feed=purchase).values_list("odoo_write_date", "odoo_id"))
    assert (purchase.cursor_write_date, purchase.cursor_id) == applied_keys[-2]
    odoo_server.faults.down = False
    recovered = feed_sync(purchase)
    assert recovered.status == RunStatus.OK, recovered.error
    assert MirrorRecord.objects.filter(feed=purchase).open().count() == total


def test_it_records_a_clear_error_and_loses_nothing_when_odoo_is_down(odoo, odoo_server, demo_stores) -> None:
    purchase = feed("purchase-orders")
    feed_sync(purchase)
    before = MirrorRecord.objects.filter(feed=purchase).open().count()
    odoo_server.faults.down = True
    run = feed_sync(purchase)
    assert run.status == RunStatus.FAILED
    assert run.error.startswith("OdooUnavailable")
    assert MirrorRecord.objects.filter(feed=purchase).open().count() == before


def test_it_never_runs_a_feed_twice_at_once(odoo, demo_stores) -> None:
    from datetime import timedelta

    from django.utils import timezone

    purchase = feed("purchase-orders")
    Feed.objects.filter(pk=purchase.pk).update(running_since=timezone.now(),
                                                lease_expires_at=timezone.now() + timedelta(seconds=30))
    assert feed_sync(purchase).status == RunStatus.SKIPPED
    assert not MirrorRecord.objects.filter(feed=purchase).exists()


@EVERY_ODOO
@pytest.mark.parametrize("slug", ["purchase-orders", "stock-counts", "customer-refunds", "expense-reports",
                                  "maintenance-requests", "incident-tasks", "stock-discrepancies", "negative-stock",
                                  "replenishment-risks", "late-receipts", "store-activities"])
def test_it_syncs_every_builtin_feed_from_the_seeded_network(odoo, odoo_server, demo_stores, slug: str) -> None:
    synced = feed(slug, major(odoo_server))
    run = feed_sync(synced)
    assert run.status == RunStatus.OK, run.error
    assert run.created > 0
    if synced.store_field:  # activities find their store through the document they are on
        assert MirrorRecord.objects.filter(feed__slug=slug).exclude(store=None).exists()
