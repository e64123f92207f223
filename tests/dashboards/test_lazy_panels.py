"""The HQ page's regions and stores panels load themselves after the page: the page computes no
store's figures, each placeholder fetches its panel's fragment (the one its refresh and live push
render), and the fragment goes through the same access check as every HQ panel."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.dashboards.views import HQ_LAZY_PANELS
from tests.dashboards.conftest import signed_in
from tests.dashboards.test_pages import section
from tests.factories import Network

pytestmark = pytest.mark.django_db
PANEL_IDS = {"regions": "hq-regions", "stores": "hq-stores"}


@pytest.mark.parametrize("query", ["period=30d", "period=7d&sort=open&dir=desc"])
def test_it_leaves_a_placeholder_that_fetches_the_panel_with_the_page_query(busy: Network, query: str) -> None:
    body = signed_in(busy.hq).get(f"/dashboards/hq/?{query}").content.decode()
    for panel in HQ_LAZY_PANELS:
        placeholder = section(body, PANEL_IDS[panel])
        assert f'hx-get="/dashboards/hq/panels/{panel}/?{query.replace("&", "&amp;")}"' in placeholder
        assert 'hx-trigger="load"' in placeholder
        assert 'hx-swap="outerHTML"' in placeholder
        assert "data-code=" not in placeholder  # no store or region row in the page itself


def test_it_computes_no_store_figures_for_the_page(busy: Network) -> None:
    """The page reads the network's figures as totals: no query groups by store."""
    client = signed_in(busy.hq)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/dashboards/hq/").status_code == 200
    grouped = [q["sql"] for q in queries.captured_queries if re.search(r"GROUP BY [^()]*store_id", q["sql"])]
    assert grouped == []


@pytest.mark.parametrize("panel", HQ_LAZY_PANELS)
def test_it_serves_the_lazy_panels_to_network_roles_only(busy: Network, panel: str) -> None:
    url = f"/dashboards/hq/panels/{panel}/?period=7d"
    anonymous = Client().get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/login/")
    for person in ("manager_a", "manager_c", "regional_north"):  # another store's manager, a region's
        response = signed_in(getattr(busy, person)).get(url, HTTP_HX_REQUEST="true")
        assert response.status_code == 403, person
        assert b"data-code=" not in response.content
    for person in ("hq", "ops"):
        fragment = signed_in(getattr(busy, person)).get(url, HTTP_HX_REQUEST="true").content.decode()
        assert f'id="{PANEL_IDS[panel]}"' in fragment
        assert 'hx-trigger="live-refresh"' in fragment
        assert 'href="/dashboards/store/' in fragment or 'href="/dashboards/region/' in fragment


def test_it_ranks_regions_and_stores_in_their_panels(busy: Network) -> None:
    client = signed_in(busy.hq)
    regions = client.get("/dashboards/hq/panels/regions/").content.decode()
    assert 'href="/dashboards/region/NORTH/?period=7d"' in regions
    assert 'href="/dashboards/region/SOUTH/?period=7d"' in regions
    assert 'href="/dashboards/store/' in client.get("/dashboards/hq/panels/stores/").content.decode()
