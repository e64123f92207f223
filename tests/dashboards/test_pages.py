"""What each dashboard shows: lists, comparison tables worst first and sortable, periods, exports,
accessible charts, and panels that are the same fragment on the page, on refresh and on live push."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime

import pytest
from django.http import HttpResponse

from apps.approvals.models import ApprovalRequest
from apps.audit.services import audit_record
from apps.dashboards import conf
from apps.dashboards.views import HQ_LAZY_PANELS
from tests.dashboards import builders
from tests.dashboards.builders import HOUR
from tests.dashboards.conftest import signed_in
from tests.factories import Network

pytestmark = pytest.mark.django_db


def section(body: str, panel_id: str) -> str:
    match = re.search(rf'<section[^>]*id="{panel_id}".*?</section>', body, re.S)
    assert match, panel_id
    return match.group(0)


def test_it_lists_the_store_open_work_with_status_and_deadline(busy: Network) -> None:
    body = signed_in(busy.manager_a).get("/dashboards/store/N01/").content.decode()
    incidents = section(body, "store-incidents")
    assert "Overdue incident of N01-0" in incidents
    assert "Fixed incident of N01-0" not in incidents  # resolved: not open work
    assert "overdue" in incidents
    requests = section(body, "store-requests")
    assert "REQ-N01-0" in requests
    assert "LATE-N01-0" in requests
    assert "DONE-N01-0" not in requests
    assert "Exception of N01-0" in section(body, "store-exceptions")


def others_acted_for_store_a(busy: Network) -> ApprovalRequest:
    """The region approves a request of store A; A's own manager comments, ops grants a role there and HQ
    rejects at store B: only the first is what the region and HQ did for store A."""
    request = busy.store_a.approval_requests.first()
    assert request is not None
    audit_record(action="approval.approved", target=request, actor=busy.regional_north, store=busy.store_a,
                 message="Vendor price checked")
    audit_record(action="incident.commented", target=request, actor=busy.manager_a, store=busy.store_a)
    audit_record(action="role.granted", target=request, actor=busy.ops, store=busy.store_a)
    audit_record(action="approval.rejected", target=request, actor=busy.hq, store=busy.store_b)
    return request


def test_it_shows_the_store_what_the_region_and_hq_did_but_not_its_own_actions(busy: Network) -> None:
    others_acted_for_store_a(busy)
    activity = section(signed_in(busy.manager_a).get("/dashboards/store/N01/").content.decode(), "store-activity")
    assert "approval.approved" in activity
    assert "Vendor price checked" in activity
    assert "incident.commented" not in activity
    assert "role.granted" not in activity
    assert "approval.rejected" not in activity


def test_it_ranks_the_region_stores_worst_first_and_links_each_to_its_dashboard(network: Network) -> None:
    builders.incident(network.store_b, created_ago=30 * HOUR)  # overdue at N02
    builders.incident(network.store_a, created_ago=HOUR)
    body = signed_in(network.regional_north).get("/dashboards/region/NORTH/").content.decode()
    table = section(body, "region-stores")
    assert table.index('data-code="N02"') < table.index('data-code="N01"')
    assert 'href="/dashboards/store/N02/?period=7d"' in table


@pytest.mark.parametrize(("query", "first"), [("sort=open&dir=desc", "N01"), ("sort=open&dir=asc", "N02"),
                                              ("sort=overdue", "N02")])
def test_it_sorts_the_comparison_table_by_any_column(network: Network, query: str, first: str) -> None:
    for _ in range(3):
        builders.incident(network.store_a, created_ago=HOUR)
    builders.incident(network.store_b, created_ago=30 * HOUR)
    body = signed_in(network.regional_north).get(f"/dashboards/region/NORTH/panels/stores/?{query}").content.decode()
    codes = re.findall(r'data-code="(\w+)"', body)
    assert codes[0] == first
    assert 'aria-sort="' in body


@pytest.mark.parametrize("query", ["period=365d", "period=abc", "sort=nope", "sort=open&dir=sideways"])
def test_it_refuses_a_period_or_sort_it_does_not_offer_with_a_400(network: Network, query: str) -> None:
    for url in ("/dashboards/hq/", "/dashboards/hq/panels/regions/", "/dashboards/hq/export/regions.csv"):
        response = signed_in(network.hq).get(f"{url}?{query}")
        assert response.status_code == 400, url
        assert b"choose one of" in response.content or b"sort" in response.content


def test_it_reports_the_chosen_period_and_keeps_it_in_panel_urls(busy: Network) -> None:
    body = signed_in(busy.hq).get("/dashboards/hq/?period=30d").content.decode()
    assert '<option value="30d" selected>' in body
    assert 'hx-get="/dashboards/hq/panels/tiles/?period=30d"' in body
    assert "the last 30 days, against the 30 days before" in body


def test_it_shows_hq_tiles_rankings_breaches_health_and_drill_downs(busy: Network) -> None:
    body = signed_in(busy.hq).get("/dashboards/hq/").content.decode()
    tiles = section(body, "hq-tiles")
    for label in ("Approval cycle time", "Incident resolution time", "Exception closure rate", "SLA attainment",
                  "On-time directive completion"):
        assert label in tiles
    assert "than the 7 days before" in tiles or "no figure for" in tiles
    breaches = section(body, "hq-breaches")
    assert "LATE-S02-0" in breaches
    assert 'href="/dashboards/store/S02/"' in breaches
    assert "Workflow health" in section(body, "hq-health")
    # the regions and stores panels load after the page (tests/dashboards/test_lazy_panels.py)
    for panel in HQ_LAZY_PANELS:
        assert f'hx-get="/dashboards/hq/panels/{panel}/?period=7d"' in section(body, f"hq-{panel}")


def test_it_draws_the_trend_from_vendored_chartjs_with_a_text_alternative_and_a_table(busy: Network) -> None:
    body = signed_in(busy.hq).get("/dashboards/hq/").content.decode()
    assert "/static/vendor/chartjs/chart.umd.js" in body
    assert "https://" not in body
    trend = section(body, "hq-trend")
    label = re.search(r'<canvas role="img" aria-label="([^"]+)"', trend)
    assert label
    assert "items opened" in label.group(1)
    data = json.loads(re.search(r'<script id="trend-data-7d" type="application/json">(.*?)</script>', trend,
                                re.S).group(1))  # type: ignore[union-attr]
    assert [d["pattern"] for d in data["datasets"]] == ["solid", "dashed"]  # told apart without colour
    assert "<details class=\"chart-table\">" in trend
    assert "<th scope=\"row\">" in trend


def test_it_exports_every_hq_table_as_csv_with_the_page_figures(busy: Network) -> None:
    client = signed_in(busy.hq)
    for table, header in (("kpis", "kpi"), ("regions", "code"), ("stores", "code"), ("breaches", "source"),
                          ("trend", "period_start")):
        response = client.get(f"/dashboards/hq/export/{table}.csv?period=30d")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        assert f"network-{table}-30d" in response["Content-Disposition"]
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert rows[0][0] == header
    stores = list(csv.DictReader(io.StringIO(client.get("/dashboards/hq/export/stores.csv").content.decode())))
    assert {row["code"] for row in stores} == {"N01", "N02", "S01", "S02"}
    assert all(row["open"] == "5" and row["overdue"] == "2" for row in stores)
    assert {row["code"]: (row["region_code"], row["region"]) for row in stores} == {
        "N01": ("NORTH", "North"), "N02": ("NORTH", "North"), "S01": ("SOUTH", "South"), "S02": ("SOUTH", "South")}
    kpis = {row["kpi"]: row for row in csv.DictReader(io.StringIO(
        client.get("/dashboards/hq/export/kpis.csv").content.decode()))}
    assert {row["unit"] for row in kpis.values()} == {"hours", "percent", "count"}
    for row in kpis.values():  # raw numbers a spreadsheet computes with, never "3.4 h" or "50 %"
        if row["value"]:
            float(row["value"])
    assert kpis["opened"]["unit"] == "count"
    assert float(kpis["opened"]["value"]).is_integer()


def csv_rows(response: HttpResponse) -> list[dict[str, str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_it_links_every_store_panel_to_its_csv_export_in_the_chosen_period(busy: Network) -> None:
    body = signed_in(busy.manager_a).get("/dashboards/store/N01/?period=30d").content.decode()
    for panel, table in (("summary", "kpis"), ("incidents", "incidents"), ("exceptions", "exceptions"),
                         ("requests", "requests"), ("activity", "activity")):
        link = f'<a href="/dashboards/store/N01/export/{table}.csv?period=30d" download>Export CSV</a>'
        assert link in section(body, f"store-{panel}")


@pytest.mark.parametrize(("table", "header"), [
    ("kpis", ["kpi", "label", "value", "unit", "previous_period_value", "detail", "definition"]),
    ("incidents", ["reference", "title", "category", "urgency", "status", "odoo_stage", "deadline", "overdue"]),
    ("exceptions", ["title", "kind", "severity", "status", "owner", "deadline", "overdue"]),
    ("requests", ["reference", "kind", "partner", "amount", "currency", "status", "tier", "assignee", "deadline",
                  "overdue"]),
    ("activity", ["occurred_at", "actor", "action", "object", "message"]),
])
def test_it_exports_every_store_table_as_a_named_csv(busy: Network, table: str, header: list[str]) -> None:
    response = signed_in(busy.manager_a).get(f"/dashboards/store/N01/export/{table}.csv?period=30d")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f'controltower-store-N01-{table}-30d-' in response["Content-Disposition"]
    assert next(csv.reader(io.StringIO(response.content.decode()))) == header


def test_it_exports_the_store_tiles_of_the_page(busy: Network) -> None:
    client = signed_in(busy.manager_a)
    tiles = section(client.get("/dashboards/store/N01/").content.decode(), "store-summary")
    rows = csv_rows(client.get("/dashboards/store/N01/export/kpis.csv"))
    assert rows
    for row in rows:
        assert row["label"] in tiles
        assert row["definition"]
    units = {row["kpi"]: (row["value"], row["unit"]) for row in rows}
    assert units["open"] == ("5", "count")
    assert units["sla"][1] == "percent"
    assert units["resolution"][1] == "hours"


@pytest.mark.parametrize("person", ["manager_a", "regional_north", "hq"])
def test_it_exports_every_open_row_of_the_store_past_the_panel_limit_and_only_that_store(
        busy: Network, person: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(conf, "LIST_LIMIT", 2)
    for i in range(3):
        builders.incident(busy.store_a, title=f"Extra incident {i} of N01")
        builders.exception(busy.store_a, title=f"Extra exception {i} of N01")
        builders.approval(busy.store_a, reference=f"EXTRA-N01-{i}")
    client = signed_in(getattr(busy, person))
    incidents = csv_rows(client.get("/dashboards/store/N01/export/incidents.csv"))
    exceptions = csv_rows(client.get("/dashboards/store/N01/export/exceptions.csv"))
    requests = csv_rows(client.get("/dashboards/store/N01/export/requests.csv"))
    assert len(incidents) == 5  # two open of `busy` and three extra; "Fixed incident" is resolved
    assert len(exceptions) == 4
    assert len(requests) == 5  # REQ and LATE of `busy`, three extra; DONE and OLD are decided
    assert all("N01" in row["title"] for row in incidents + exceptions)
    assert all("N01" in row["reference"] for row in requests)
    panel = section(client.get("/dashboards/store/N01/").content.decode(), "store-incidents")
    assert "Showing 2 of 5" in panel
    shown = [row["title"] for row in incidents[:2]]
    assert all(title in panel for title in shown)
    assert panel.index(shown[0]) < panel.index(shown[1])  # the panel's order


def test_it_exports_deadlines_overdue_flags_people_and_amounts_of_open_work(network: Network) -> None:
    builders.incident(network.store_a, title="Late one", created_ago=30 * HOUR)
    builders.incident(network.store_a, title="On time one")
    builders.exception(network.store_a, title="Owned one", owner=network.manager_a)
    request = builders.approval(network.store_a, reference="PO-1", amount="1234.50")
    request.assignee, request.currency = network.regional_north, "EUR"
    request.save()
    client = signed_in(network.manager_a)
    incidents = {row["title"]: row for row in csv_rows(client.get("/dashboards/store/N01/export/incidents.csv"))}
    assert incidents["Late one"]["overdue"] == "yes"
    assert incidents["On time one"]["overdue"] == "no"
    assert incidents["Late one"]["category"] == "Facilities"
    assert datetime.fromisoformat(incidents["Late one"]["deadline"]).tzinfo is not None
    (exception,) = csv_rows(client.get("/dashboards/store/N01/export/exceptions.csv"))
    assert exception["owner"] == network.manager_a.get_username()
    assert exception["overdue"] == "no"
    (row,) = csv_rows(client.get("/dashboards/store/N01/export/requests.csv"))
    assert (row["reference"], row["amount"], row["currency"]) == ("PO-1", "1234.50", "EUR")
    assert row["assignee"] == network.regional_north.get_username()


def test_it_exports_what_the_region_and_hq_did_for_the_store(busy: Network) -> None:
    request = others_acted_for_store_a(busy)
    rows = csv_rows(signed_in(busy.manager_a).get("/dashboards/store/N01/export/activity.csv"))
    assert [row["action"] for row in rows] == ["approval.approved"]
    assert rows[0]["actor"] == busy.regional_north.get_username()
    assert rows[0]["message"] == "Vendor price checked"
    assert rows[0]["object"] == str(request)
    assert datetime.fromisoformat(rows[0]["occurred_at"]).tzinfo is not None


def test_it_exports_all_the_activity_of_the_window_past_the_panel_limit(busy: Network,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(conf, "LIST_LIMIT", 2)
    request = busy.store_a.approval_requests.first()
    for n in range(5):
        audit_record(action="approval.approved", target=request, actor=busy.regional_north, store=busy.store_a,
                     message=f"Check {n}")
    page = section(signed_in(busy.manager_a).get("/dashboards/store/N01/").content.decode(), "store-activity")
    assert page.count("approval.approved") == 2
    rows = csv_rows(signed_in(busy.manager_a).get("/dashboards/store/N01/export/activity.csv"))
    assert sorted(row["message"] for row in rows) == [f"Check {n}" for n in range(5)]


@pytest.mark.parametrize("table", ["kpis", "incidents", "exceptions", "requests", "activity"])
def test_it_refuses_a_store_export_for_a_period_it_does_not_offer(network: Network, table: str) -> None:
    response = signed_in(network.manager_a).get(f"/dashboards/store/N01/export/{table}.csv?period=365d")
    assert response.status_code == 400
    assert b"choose one of" in response.content


@pytest.mark.parametrize(("person", "url"), [
    ("hq", "/dashboards/hq/export/breaches.csv"),
    *(("manager_a", f"/dashboards/store/N01/export/{table}.csv") for table in ("incidents", "exceptions", "requests")),
])
def test_it_neutralises_spreadsheet_formulas_in_exported_text(network: Network, person: str, url: str) -> None:
    formula = '=HYPERLINK("http://evil")'
    builders.approval(network.store_a, reference=formula, requested_ago=30 * HOUR)
    builders.incident(network.store_a, title=formula)
    builders.exception(network.store_a, title=formula)
    text = signed_in(getattr(network, person)).get(url).content.decode()
    assert "'=HYPERLINK" in text
    assert "\n=HYPERLINK" not in text
    assert ",=HYPERLINK" not in text


def test_it_escapes_user_text_on_every_panel(network: Network) -> None:
    builders.incident(network.store_a, title="<script>alert(1)</script>", created_ago=30 * HOUR)
    for url in ("/dashboards/store/N01/", "/dashboards/hq/"):
        body = signed_in(network.hq).get(url).content.decode()
        assert "<script>alert(1)</script>" not in body
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


@pytest.mark.parametrize(("person", "page", "panels"), [
    ("hq", "/dashboards/hq/", ["tiles", "regions", "stores", "breaches", "health", "trend"]),
    ("regional_north", "/dashboards/region/NORTH/", ["inbox", "stores", "trend"]),
    ("manager_a", "/dashboards/store/N01/", ["summary", "incidents", "exceptions", "requests", "activity"]),
])
def test_it_serves_each_panel_as_the_same_fragment_the_page_renders(busy: Network, person: str, page: str,
                                                                     panels: list[str]) -> None:
    client = signed_in(getattr(busy, person))
    body = client.get(page).content.decode()
    for panel in panels:
        url = f"{page}panels/{panel}/?period=7d"
        fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode().strip()
        assert f'hx-get="{url}"' in fragment
        assert 'hx-trigger="live-refresh"' in fragment
        assert "data-live-topics=" in fragment
        panel_id = re.search(r'id="([\w-]+)"', fragment).group(1)  # type: ignore[union-attr]
        if page == "/dashboards/hq/" and panel in HQ_LAZY_PANELS:  # the page holds its loader
            assert f'hx-get="{url}" hx-trigger="load"' in " ".join(section(body, panel_id).split())
            continue
        assert _without_times(section(body, panel_id)) == _without_times(section(fragment, panel_id))


def _without_times(html: str) -> str:
    """Deadlines render "late by" durations relative to now: compare the structure, not the clock."""
    return re.sub(r"\d+(\.\d+)? (min|h|d)\b", "#", html)


def test_it_listens_to_the_topics_each_app_announces(busy: Network) -> None:
    body = signed_in(busy.manager_a).get("/dashboards/store/N01/").content.decode()
    assert 'data-live-topics="incidents incident writebacks"' in section(body, "store-incidents")
    assert 'data-live-topics="exceptions exception writebacks"' in section(body, "store-exceptions")
    assert 'data-live-topics="approvals approval writebacks"' in section(body, "store-requests")


@pytest.mark.parametrize(("person", "panel", "link"), [
    ("regional_north", "region-stores", "/dashboards/region/NORTH/"),
    ("hq", "hq-tiles", "/dashboards/hq/"),
])
def test_it_opens_home_on_each_role_dashboard(busy: Network, person: str, panel: str, link: str) -> None:
    body = signed_in(getattr(busy, person)).get("/").content.decode()
    assert f'id="{panel}"' in body
    assert f'href="{link}"' in body
    assert "Your roles" in body


def test_it_opens_home_on_the_store_app_for_a_store_manager(busy: Network) -> None:
    body = signed_in(busy.manager_a).get("/").content.decode()
    assert 'id="store-today"' in body
    assert 'href="/incidents/new/"' in body
    assert 'href="/dashboards/"' in body


def test_it_keeps_home_plain_for_a_person_without_a_role(network: Network) -> None:
    body = signed_in(network.nobody).get("/").content.decode()
    assert "no role in the portal yet" in body
    assert "dash-panel" not in body


def tile(body: str, key: str) -> str:
    match = re.search(rf'<li class="tile[^"]*" data-kpi="{key}">.*?</li>', body, re.S)
    assert match, key
    return match.group(0)


def test_it_says_in_words_what_is_wrong_with_a_tile(network: Network) -> None:
    """Below the SLA target and overdue work are flagged in words, each on its own tile only."""
    builders.approval(network.store_a, requested_ago=40 * HOUR, decided_after=30 * HOUR)  # due, decided late
    builders.approval(network.store_a, requested_ago=30 * HOUR)  # open and overdue
    hq = signed_in(network.hq).get("/dashboards/hq/").content.decode()
    assert "Below target" in tile(hq, "sla")
    assert "1 overdue" in tile(hq, "opened")
    assert "Below target" not in tile(hq, "opened")
    assert "tile-flag" not in tile(hq, "cycle")
    store = signed_in(network.manager_a).get("/dashboards/store/N01/").content.decode()
    assert "Below target" in tile(store, "sla")
    assert "Act now" in tile(store, "overdue")
    assert "Below target" not in tile(store, "overdue")
