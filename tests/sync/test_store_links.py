"""Store links as configuration: besides a warehouse many2one (direct or one hop away) and the store
field, a feed may find the store through a company that only one store has."""

from __future__ import annotations

from typing import Any

import pytest

from apps.organisation.models import Region, Store
from apps.sync.engine import feed_sync
from apps.sync.models import Feed, FeedKind, MirrorRecord

pytestmark = pytest.mark.django_db


def refunds_feed(**changes: Any) -> Feed:
    values: dict[str, Any] = {
        "slug": "refunds-by-company", "name": "Refunds by company", "kind": FeedKind.HEALTH,
        "odoo_model": "account.move", "base_domain": [["move_type", "=", "out_refund"]],
        "domain": [["state", "=", "draft"]], "fields": ["name", "state", "company_id", "invoice_user_id"],
        "store_field": "company_id", "settings": {"store_link": "company"}, **changes}
    return Feed.objects.create(**values)


def test_a_company_only_one_store_has_finds_that_store(odoo: Any) -> None:
    region = Region.objects.create(code="R", name="R")
    store = Store.objects.create(region=region, code="C1", name="Company store", odoo_company_id=1)
    feed = refunds_feed()
    run = feed_sync(feed, full=True, gateway=odoo)
    assert run.status == "ok", run.error
    assert run.fetched > 0
    assert set(MirrorRecord.objects.filter(feed=feed).values_list("store", flat=True)) == {store.pk}


def test_a_company_one_hop_away_and_a_shared_company_says_nothing(odoo: Any) -> None:
    region = Region.objects.create(code="R", name="R")
    Store.objects.create(region=region, code="C1", name="One", odoo_company_id=1)
    feed = refunds_feed(store_field="invoice_user_id", store_via_model="res.users", store_via_field="company_id")
    feed_sync(feed, full=True, gateway=odoo)
    stores = set(MirrorRecord.objects.filter(feed=feed).values_list("store", flat=True))
    assert stores == {Store.objects.get(code="C1").pk}  # salesperson → their company → the one store

    Store.objects.create(region=region, code="C2", name="Two", odoo_company_id=1)
    feed.cursor_write_date = None
    feed.save()
    feed_sync(feed, full=True, gateway=odoo)
    assert set(MirrorRecord.objects.filter(feed=feed).values_list("store", flat=True)) == {None}
