"""`odoo_setup` against a stock sandbox over HTTP: what is missing is named, `--yes` fixes it once
(re-running changes nothing), and the feeds then sync green. Before setup the feeds fail cleanly."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command

from apps.health.models import HealthSignal, SignalStatus
from apps.integration.conf import STORE_FIELD
from apps.integration.selectors import readiness_check
from apps.integration.services import StoreMapError, stores_map, stores_read_csv, stores_template
from apps.odoo_sandbox.testing import running_sandbox
from apps.organisation.models import Store
from apps.sync.engine import feed_sync
from apps.sync.feeds import feeds_ensure
from apps.sync.models import Feed, RunStatus
from tests.integration.conftest import setup
from tests.odoo_ready import store_field_models

STORE_FIELD_MODELS = store_field_models(18)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def stock_odoo():  # type: ignore[no-untyped-def]
    """A fresh sandbox as a stock Odoo Community: no custom field until the portal adds one."""
    with running_sandbox() as server:
        yield server


@pytest.fixture
def gateway(stock_odoo, settings):  # type: ignore[no-untyped-def]
    from apps.odoo_gateway import get_gateway, reset_gateway

    settings.ODOO_URL, settings.ODOO_DB = stock_odoo.url, stock_odoo.db
    settings.ODOO_LOGIN, settings.ODOO_PASSWORD, settings.ODOO_API_KEY = "admin", "admin", ""
    reset_gateway()
    yield get_gateway()
    reset_gateway()


def count(server: Any, model: str, domain: list[Any]) -> int:
    return int(server.execute("admin", model, "search_count", [domain]))


def test_a_stock_odoo_is_reported_missing_the_store_field_and_its_feeds_fail_cleanly(
        stock_odoo, gateway, demo_stores) -> None:  # type: ignore[no-untyped-def]
    code, output = setup("--check")
    assert code == 1
    for model in STORE_FIELD_MODELS:
        assert f"{model} has no field {STORE_FIELD}" in output
    assert count(stock_odoo, "ir.model.fields", [["name", "=", STORE_FIELD]]) == 0  # --check changes nothing
    assert HealthSignal.objects.get(key="odoo.readiness").status == SignalStatus.FAILING

    feeds_ensure()
    run = feed_sync(Feed.objects.get(slug="customer-refunds"), gateway=gateway)
    assert run.status == RunStatus.FAILED
    assert "odoo_setup" in run.error
    assert STORE_FIELD in run.error
    assert "odoo_setup" in Feed.objects.get(slug="customer-refunds").last_error


def test_setup_yes_makes_it_ready_once_and_the_feeds_sync_green(
        stock_odoo, gateway, demo_stores) -> None:  # type: ignore[no-untyped-def]
    code, output = setup("--yes")
    assert code == 0, output
    assert count(stock_odoo, "ir.model.fields", [["name", "=", STORE_FIELD]]) == len(STORE_FIELD_MODELS) == 4
    views = [["name", "like", "Control Tower store field"]]
    assert count(stock_odoo, "ir.ui.view", views) == len(STORE_FIELD_MODELS)
    described = stock_odoo.execute("admin", "project.task", "fields_get", [[STORE_FIELD]], {"attributes": ["type"]})
    assert described == {STORE_FIELD: {"type": "many2one"}}
    assert HealthSignal.objects.get(key="odoo.readiness").status in (SignalStatus.OK, SignalStatus.DEGRADED)

    code, output = setup("--yes")  # idempotent: nothing created twice
    assert code == 0, output
    assert count(stock_odoo, "ir.model.fields", [["name", "=", STORE_FIELD]]) == 4
    assert count(stock_odoo, "ir.ui.view", views) == 4
    assert count(stock_odoo, "project.project", [["name", "=", "Store incidents"]]) == 1
    assert setup("--check")[0] == 0

    out = io.StringIO()
    call_command("sync_odoo", "--full", stdout=out)  # raises CommandError if a feed failed
    assert set(Feed.objects.filter(enabled=True).values_list("last_error", flat=True)) == {""}


def test_readiness_names_missing_rights_with_the_group_that_grants_them(stock_odoo, settings, db) -> None:  # type: ignore[no-untyped-def]
    from apps.odoo_gateway import OdooConfig, OdooGateway

    feeds_ensure()
    buyer = OdooGateway(OdooConfig(url=stock_odoo.url, db=stock_odoo.db, login="buyer", password="buyer-pw-123"))
    report = readiness_check(buyer)
    texts = [str(f.text) for f in report.missing]
    assert any("purchase.group_purchase_manager" in text for text in texts)
    assert any("base.group_system" in text for text in texts)
    assert not report.ready


def test_stores_are_mapped_from_odoo_warehouses_by_csv(stock_odoo, gateway) -> None:  # type: ignore[no-untyped-def]
    report = readiness_check(gateway)
    template = stores_template(report.warehouses)
    assert template.splitlines()[0] == "warehouse,store_code,store_name,region,timezone"
    assert len(template.splitlines()) == 1 + len(report.warehouses)
    code = report.warehouses[1]["code"]
    rows = stores_read_csv(f"warehouse,store_code,store_name,region,timezone\nWH,,,,\n{code},{code},High St,NW,"
                           "Europe/London\n")
    assert stores_map(rows, report.warehouses) == [f"{code} → warehouse {code} (new store)"]
    store = Store.objects.get(code=code)
    assert (store.odoo_warehouse_id, store.region.code) == (report.warehouses[1]["id"], "NW")
    with pytest.raises(StoreMapError, match="no warehouse 'NOPE'"):
        stores_map(stores_read_csv("warehouse,store_code,store_name,region\nNOPE,X1,X,NW\n"), report.warehouses)
    with pytest.raises(StoreMapError, match="columns"):
        stores_read_csv("code,name\nA,B\n")
