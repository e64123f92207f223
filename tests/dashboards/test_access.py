"""Who may open which dashboard, panel and export: anonymous, no role, other store, own store, region,
network. Outside the scope is a 404, a missing role a 403 that says what is missing."""

from __future__ import annotations

import pytest
from django.test import Client

from apps.audit.services import audit_record
from apps.dashboards.exports import HQ_TABLES, REGION_TABLES, STORE_TABLES
from apps.dashboards.views import HQ_PANELS, REGION_PANELS, STORE_PANELS
from tests.dashboards.conftest import signed_in
from tests.factories import Network

pytestmark = pytest.mark.django_db


def store_urls(code: str) -> list[str]:
    return [f"/dashboards/store/{code}/", *(f"/dashboards/store/{code}/panels/{p}/" for p in STORE_PANELS),
            *store_exports(code)]


def store_exports(code: str) -> list[str]:
    return [f"/dashboards/store/{code}/export/{t}.csv" for t in STORE_TABLES]


def region_urls(code: str) -> list[str]:
    return [f"/dashboards/region/{code}/", *(f"/dashboards/region/{code}/panels/{p}/" for p in REGION_PANELS),
            *(f"/dashboards/region/{code}/export/{t}.csv" for t in REGION_TABLES)]


def hq_urls() -> list[str]:
    return ["/dashboards/hq/", *(f"/dashboards/hq/panels/{p}/" for p in HQ_PANELS),
            *(f"/dashboards/hq/export/{t}.csv" for t in HQ_TABLES)]


EVERY_URL = [*store_urls("N01"), *region_urls("NORTH"), *hq_urls(), "/dashboards/"]


@pytest.mark.parametrize("url", EVERY_URL)
def test_it_sends_anonymous_visitors_to_sign_in(network: Network, url: str) -> None:
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


@pytest.mark.parametrize("url", EVERY_URL)
def test_it_refuses_a_person_without_a_role_with_a_reason(network: Network, url: str) -> None:
    response = signed_in(network.nobody).get(url)
    assert response.status_code == 403
    assert b"needs" in response.content


@pytest.mark.parametrize(("person", "url", "status"), [
    *(("manager_a", url, 200) for url in store_urls("N01")),
    *(("manager_a", url, 404) for url in store_urls("N02") + store_urls("S01")),
    *(("manager_a", url, 403) for url in region_urls("NORTH") + hq_urls()),
    *(("regional_north", url, 200) for url in store_urls("N01") + store_urls("N02") + region_urls("NORTH")),
    *(("regional_north", url, 404) for url in store_urls("S01") + region_urls("SOUTH")),
    *(("regional_north", url, 403) for url in hq_urls()),
    *(("hq", url, 200) for url in store_urls("S02") + region_urls("SOUTH") + hq_urls()),
    *(("ops", url, 200) for url in store_urls("N02") + region_urls("NORTH") + hq_urls()),
    ("hq", "/dashboards/store/NOPE/", 404),
    ("hq", "/dashboards/region/NOPE/", 404),
])
def test_it_scopes_every_page_panel_and_export(network: Network, person: str, url: str, status: int) -> None:
    assert signed_in(getattr(network, person)).get(url).status_code == status


@pytest.mark.parametrize(("person", "target"), [
    ("manager_a", "/dashboards/store/N01/"), ("manager_c", "/dashboards/store/S01/"),
    ("regional_north", "/dashboards/region/NORTH/"), ("hq", "/dashboards/hq/"), ("ops", "/dashboards/hq/"),
])
def test_it_sends_each_role_to_its_own_dashboard(network: Network, person: str, target: str) -> None:
    response = signed_in(getattr(network, person)).get("/dashboards/")
    assert response.status_code == 302
    assert response["Location"] == target


def test_it_shows_store_a_manager_nothing_of_store_b_in_the_page_or_any_panel(busy: Network) -> None:
    client = signed_in(busy.manager_a)
    for url in store_urls("N01"):
        body = client.get(url).content.decode()
        for other in ("N02", "S01", "S02"):
            assert f"of {other}-" not in body, (url, other)
            assert f"-{other}-" not in body, (url, other)
    page = client.get("/dashboards/store/N01/").content.decode()
    assert "Incident of N01-0" in page
    assert "REQ-N01-0" in page
    assert "Exception of N01-0" in page


@pytest.mark.parametrize("url", store_exports("N01"))
def test_it_refuses_another_store_manager_every_store_export_without_a_row_of_it(busy: Network, url: str) -> None:
    audit_record(action="approval.approved", target=busy.store_a.approval_requests.first(), actor=busy.hq,
                 store=busy.store_a, message="Checked by HQ")
    response = signed_in(busy.manager_c).get(url)
    assert response.status_code == 404
    body = response.content.decode()
    for text in ("of N01-", "-N01-", "Checked by HQ", "approval.approved"):
        assert text not in body


def test_it_shows_a_regional_manager_only_the_stores_of_the_region(busy: Network) -> None:
    client = signed_in(busy.regional_north)
    for url in region_urls("NORTH"):
        body = client.get(url).content.decode()
        assert "S01" not in body, url
        assert "S02" not in body, url
    assert "N02" in client.get("/dashboards/region/NORTH/panels/stores/").content.decode()


def test_it_refuses_other_methods(network: Network) -> None:
    assert signed_in(network.hq).post("/dashboards/hq/").status_code == 405


@pytest.mark.parametrize("url", ["/dashboards/hq/panels/nope/", "/dashboards/hq/export/nope.csv",
                                 "/dashboards/store/N01/panels/nope/", "/dashboards/region/NORTH/export/x.csv",
                                 "/dashboards/store/N01/export/nope.csv", "/dashboards/store/N01/export/summary.csv"])
def test_it_answers_unknown_panels_and_tables_with_404(network: Network, url: str) -> None:
    assert signed_in(network.hq).get(url).status_code == 404
