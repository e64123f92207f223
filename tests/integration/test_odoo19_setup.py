"""`odoo_setup` against a stock Odoo 19 sandbox: the built-in feeds follow the server's version
(expenses approved one by one), JSON-2 with an API key is the road, and the portal says so when it is
not taken or the key is about to expire."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from apps.health.models import HealthSignal, SignalStatus
from apps.health.services import health_check_odoo
from apps.integration import conf
from apps.integration.selectors import api_key_findings, readiness_check
from apps.odoo_gateway import OdooConfig, OdooGateway, get_gateway, reset_gateway
from apps.odoo_sandbox.testing import running_sandbox
from apps.organisation.models import Store
from apps.sync.feeds import SERIES_19, SERIES_BEFORE_19, feeds_ensure
from apps.sync.models import Feed, MirrorRecord
from tests.integration.conftest import setup

pytestmark = pytest.mark.django_db
EXPENSES = "expense-reports"


@pytest.fixture(scope="module")
def stock_odoo19():  # type: ignore[no-untyped-def]
    with running_sandbox(version="19.0") as server:
        yield server


@pytest.fixture
def connect(stock_odoo19, settings):  # type: ignore[no-untyped-def]
    """`connect(api_key=True)`: the process gateway on the Odoo 19 sandbox, with or without a key."""
    def make(api_key: bool = True) -> OdooGateway:
        settings.ODOO_URL, settings.ODOO_DB = stock_odoo19.url, stock_odoo19.db
        settings.ODOO_LOGIN, settings.ODOO_PASSWORD = "admin", "admin"
        settings.ODOO_API_KEY = stock_odoo19.api_key_for("admin") if api_key else ""
        reset_gateway()
        return get_gateway()

    yield make
    reset_gateway()


def test_setup_switches_the_expense_feed_to_odoo_19_and_every_feed_syncs_over_json2(
        stock_odoo19: Any, connect: Any, demo_stores: list[Store], admin_user: Any) -> None:
    feeds_ensure()  # as migrate leaves them: the 16-18 definitions
    expenses = Feed.objects.get(slug=EXPENSES)
    assert (expenses.odoo_model, expenses.odoo_series) == ("hr.expense.sheet", SERIES_BEFORE_19)
    gateway = connect()

    code, output = setup("--check")  # reports the feed defined for another version, changes nothing
    assert code == 1
    assert f"Feed {EXPENSES} is defined for Odoo 16-18, the server runs Odoo 19" in output
    assert Feed.objects.get(slug=EXPENSES).odoo_model == "hr.expense.sheet"

    code, output = setup("--yes")
    assert code == 0, output
    assert f"feed {EXPENSES} now follows Odoo 19+" in output
    expenses.refresh_from_db()
    assert (expenses.odoo_model, expenses.odoo_series, expenses.domain) == (
        "hr.expense", SERIES_19, [["state", "=", "submitted"]])
    assert expenses.settings["refuse_wizard_field"] == "expense_ids"
    fields = stock_odoo19.execute("admin", "ir.model.fields", "search_read", [[["name", "=", conf.STORE_FIELD]]],
                                  {"fields": ["model"]})
    assert "hr.expense" in {row["model"] for row in fields}
    assert gateway.transport_name == "json2"
    assert conf.JSON_RPC_REMOVED not in output

    stock_odoo19.tag_stores(conf.STORE_FIELD)
    call_command("sync_odoo", "--full", stdout=io.StringIO())  # raises CommandError if a feed failed
    assert MirrorRecord.objects.filter(feed=expenses).open().exclude(store=None).count() == 24
    assert stock_odoo19.sandbox.deprecated_rpc_calls == 0  # not one /jsonrpc call: JSON-2 all the way

    client = Client()
    client.force_login(admin_user)
    page = client.get("/admin/sync/feed/").content.decode()
    assert page.count(f'<td class="field-odoo_series">{SERIES_19}</td>') == Feed.objects.count()
    page = client.get(f"/admin/sync/feed/{expenses.pk}/change/").content.decode()
    assert f'<div class="readonly">{SERIES_19}</div>' in page


def test_a_switch_closes_the_open_records_of_the_gone_model_and_starts_the_cursor_again(
        connect: Any, demo_stores: list[Store]) -> None:
    feeds_ensure()
    expenses = Feed.objects.get(slug=EXPENSES)
    MirrorRecord.objects.create(feed=expenses, odoo_id=7, values={"state": "submit"},
                                odoo_write_date=timezone.now())
    Feed.objects.filter(pk=expenses.pk).update(cursor_write_date=timezone.now(), cursor_id=7,
                                               tuned_fields=["domain", "batch_size"])
    report = feeds_ensure(major=19)
    assert report == [f"feed {EXPENSES} now follows Odoo 19+: name, odoo_model, domain, fields, settings changed; "
                      "1 open records of the old model closed",
                      "feed store-activities now follows Odoo 19+: base_domain changed"]
    expenses.refresh_from_db()
    assert (expenses.cursor_write_date, expenses.cursor_id, expenses.tuned_fields) == (None, 0, ["batch_size"])
    assert MirrorRecord.objects.get(feed=expenses, odoo_id=7).close_reason == "deleted"
    assert feeds_ensure(major=19) == []  # nothing left to change
    assert feeds_ensure() == []  # migrate keeps the series the server chose


def test_without_an_api_key_on_odoo_19_the_portal_says_json_rpc_is_going(connect: Any, network: Any) -> None:
    gateway = connect(api_key=False)
    feeds_ensure(major=19)
    report = readiness_check(gateway)
    assert gateway.transport_name == "jsonrpc"
    [finding] = [f for f in report.findings if str(f.text) == conf.JSON_RPC_REMOVED]
    assert finding.state == "warning"  # Odoo 19 still answers; Odoo 20 would not
    assert "ODOO_API_KEY" in str(finding.advice)
    health_check_odoo(gateway=gateway)
    api = HealthSignal.objects.get(key="odoo.api")
    assert api.status == SignalStatus.DEGRADED
    assert conf.JSON_RPC_REMOVED in api.detail

    health_check_odoo(gateway=connect(api_key=True))
    assert HealthSignal.objects.get(key="odoo.api").status == SignalStatus.OK


def test_readiness_warns_two_weeks_before_the_api_key_expires(stock_odoo19: Any, connect: Any, db: None,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    admin = connect()
    admin.search_count("res.partner", [])  # connected, as readiness_check is by then
    uid = stock_odoo19.uid_for("admin")
    today = dt.date(2026, 12, 6)
    [key] = stock_odoo19.execute("admin", "res.users.apikeys", "search", [[["user_id", "=", uid]]])

    def finding(gateway: OdooGateway, user: int) -> Any:
        [found] = api_key_findings(gateway, 19, user, today=today)
        return found

    assert finding(admin, uid).ok  # an admin's key is persistent: nothing to warn about
    for expires, state in (("2026-12-21 10:00:00", "ok"), ("2026-12-20 10:00:00", "warning"),
                           ("2026-12-05 10:00:00", "missing")):
        stock_odoo19.execute("admin", "res.users.apikeys", "write", [[key], {"expiration_date": expires}])
        assert finding(admin, uid).state == state, expires
    assert "Odoo (key 'admin sandbox key')" in str(finding(admin, uid).text)

    buyer = OdooGateway(OdooConfig(url=stock_odoo19.url, db=stock_odoo19.db, login="buyer",
                                   api_key=stock_odoo19.api_key_for("buyer")))
    buyer.search_count("res.partner", [])
    buyer_uid = stock_odoo19.uid_for("buyer")
    assert str(finding(buyer, buyer_uid).text).endswith("no expiry known")  # a non-admin cannot read its keys
    monkeypatch.setattr(conf, "API_KEY_EXPIRES", dt.date(2026, 12, 19))
    late = finding(buyer, buyer_uid)
    assert (late.state, str(late.text)) == ("warning", "The API key expires on 19 Dec 2026 (13 days), per "
                                                  "ODOO_API_KEY_EXPIRES")
    buyer.close()
