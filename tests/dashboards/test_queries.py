"""Query counts per dashboard are pinned and do not grow with the data (two sizes, same count)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.approvals.models import ApprovalRequest
from apps.audit.services import audit_record
from apps.dashboards.exports import STORE_TABLES
from apps.dashboards.views import HQ_PANELS, REGION_PANELS, STORE_PANELS
from apps.operations.models import OpsException
from apps.organisation.models import Store
from tests.dashboards import builders
from tests.dashboards.conftest import signed_in
from tests.factories import Network

pytestmark = pytest.mark.django_db

# Pinned per page and panel: session and user, the navigation (one query per entry the shell shows),
# the scope (once per request), then a fixed number of aggregation queries per panel (two per source
# for KPI figures: open work and the period's rows). The pins carry a margin of 3 for navigation
# entries other apps may add; the exact count is asserted equal at both data sizes.
# KPI figures: one query for the period's rollup cells (closed days), one for every kind's open work
# (index-only, UNION ALL), one per kind of work for today's rows, one for today's directives; the panels
# of one page share them (regions and the trend add none; the HQ reads the previous period once for all).
NAV_MARGIN = 3
PANEL_PINS = {
    "hq": {"tiles": 10, "regions": 11, "stores": 11, "breaches": 11, "health": 7, "trend": 10},
    "region": {"inbox": 10, "stores": 12, "trend": 12},
    "store": {"summary": 12, "incidents": 10, "exceptions": 10, "requests": 10, "activity": 9},
}
# Store exports (no navigation): session, user and permissions, the store, the scope, then the table's
# own queries: one for a list, every row of it with the people it names; the KPI figures for the tiles.
STORE_EXPORT_PINS = {"kpis": 11, "incidents": 7, "exceptions": 7, "requests": 7, "activity": 7}
PAGES = [
    ("hq", "/dashboards/hq/", 27),
    ("hq", "/dashboards/hq/export/stores.csv", 11),
    ("regional_north", "/dashboards/region/NORTH/", 17),
    ("regional_north", "/dashboards/region/NORTH/export/stores.csv", 12),
    ("manager_a", "/dashboards/store/N01/", 21),
    ("manager_a", "/", 20),
    ("regional_north", "/", 20),
    ("hq", "/", 15),
    *(("hq", f"/dashboards/hq/panels/{panel}/", PANEL_PINS["hq"][panel]) for panel in HQ_PANELS),
    *(("regional_north", f"/dashboards/region/NORTH/panels/{panel}/", PANEL_PINS["region"][panel])
      for panel in REGION_PANELS),
    *(("manager_a", f"/dashboards/store/N01/panels/{panel}/", PANEL_PINS["store"][panel]) for panel in STORE_PANELS),
    *(("manager_a", f"/dashboards/store/N01/export/{table}.csv", STORE_EXPORT_PINS[table]) for table in STORE_TABLES),
]


def worked_on(network: Network, stores: list[Store]) -> None:
    """Owners, assignees and region and HQ activity on every store: a row read per item would show."""
    OpsException.objects.update(owner=network.manager_a)
    ApprovalRequest.objects.update(assignee=network.regional_north)
    for store in stores:
        audit_record(action="approval.approved", target=store, actor=network.hq, store=store)


def count(get: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = get()
    assert response.status_code == 200  # type: ignore[attr-defined]
    return len(queries)


@pytest.mark.parametrize(("person", "url", "pinned"), PAGES)
def test_it_runs_a_fixed_number_of_queries_whatever_the_data_size(
        network: Network, person: str, url: str, pinned: int, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(getattr(network, person))
    stores = [network.store_a, network.store_b, network.store_c, network.store_d]
    builders.mixed(stores, 1)
    worked_on(network, stores)
    client.get(url)  # warm per-process caches (content types) so both measurements are like for like
    small = count(lambda: client.get(url))
    builders.mixed(stores, 4)
    worked_on(network, stores)
    with django_assert_max_num_queries(pinned + NAV_MARGIN):
        large = count(lambda: client.get(url))
    assert large == small
