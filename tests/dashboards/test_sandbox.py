"""Against the Odoo sandbox: what the sync engine and the domain projectors build from Odoo shows on
the dashboards, each store's in its own place only, and a new Odoo document appears once synced."""

from __future__ import annotations

import re
from typing import Any

import pytest

from apps.approvals.models import ApprovalRequest, ApprovalStatus
from apps.incidents.models import OPEN_STATUSES, StoreIncident
from apps.operations.models import ACTIVE_STATUSES, OpsException
from tests.approvals.support import new_po
from tests.dashboards.conftest import signed_in
from tests.factories import Network
from tests.operations.builders import feeds_ready, sync

pytestmark = pytest.mark.django_db
FEEDS = ("purchase-orders", "stock-counts", "maintenance-requests", "incident-tasks", "late-receipts",
         "stock-discrepancies")


@pytest.fixture
def mirrored(network: Network, odoo: Any) -> Network:
    feeds_ready()
    for slug in FEEDS:
        sync(slug, odoo)
    return network


def open_work(store: Any) -> int:
    return (ApprovalRequest.objects.filter(store=store, status=ApprovalStatus.OPEN).count()
            + StoreIncident.objects.filter(store=store, status__in=OPEN_STATUSES).count()
            + OpsException.objects.filter(store=store, status__in=ACTIVE_STATUSES).count())


def test_it_shows_each_store_its_mirrored_work_and_nothing_of_the_others(mirrored: Network) -> None:
    own = ApprovalRequest.objects.filter(store=mirrored.store_a, status=ApprovalStatus.OPEN)
    others = ApprovalRequest.objects.exclude(store=mirrored.store_a).filter(status=ApprovalStatus.OPEN)
    assert own.exists()
    assert others.exists()
    body = signed_in(mirrored.manager_a).get("/dashboards/store/N01/").content.decode()
    for request in own[:10]:
        assert request.reference in body
    for request in others:
        assert f">{request.reference}<" not in body


def test_it_counts_the_same_open_work_in_the_region_table_as_the_records_hold(mirrored: Network) -> None:
    body = signed_in(mirrored.regional_north).get("/dashboards/region/NORTH/panels/stores/").content.decode()
    for store in (mirrored.store_a, mirrored.store_b):
        row = re.search(rf'data-code="{store.code}".*?<td class="num">(\d+)</td>', body, re.S)
        assert row, store.code
        assert int(row.group(1)) == open_work(store)


def test_it_shows_a_new_odoo_purchase_order_once_it_is_synced(mirrored: Network, odoo: Any, odoo_server: Any) -> None:
    client = signed_in(mirrored.manager_a)
    order = new_po(odoo_server, warehouse_id=2)
    name = odoo_server.execute("admin", "purchase.order", "read", [[order], ["name"]])[0]["name"]
    panel = "/dashboards/store/N01/panels/requests/"
    assert f">{name}<" not in client.get(panel).content.decode()
    sync("purchase-orders", odoo)
    assert f">{name}<" in client.get(panel).content.decode()
    other = signed_in(mirrored.manager_c).get("/dashboards/store/S01/panels/requests/")
    assert f">{name}<" not in other.content.decode()
