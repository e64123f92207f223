"""Exception pages, fragments and actions per role and store: anonymous, other store, own store, role."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.operations.models import ExceptionKind, ExceptionStatus, OpsException, Severity
from apps.writeback.models import WriteBack
from tests.factories import Network
from tests.operations.builders import make_exception

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def cases(network: Network) -> dict[str, OpsException]:
    return {code: make_exception(store, title=f"Late receipt at {code}")
            for code, store in (("N01", network.store_a), ("N02", network.store_b), ("S01", network.store_c))}


def listed(client: Client, query: str = "") -> set[str]:
    response = client.get(reverse("operations:list") + query)
    assert response.status_code == 200
    return {e.store.code for e in response.context["listing"].rows}


def test_it_sends_anonymous_visitors_to_sign_in_for_every_page_and_action(cases) -> None:
    client, pk = Client(), cases["N01"].pk
    for name in ("operations:list",):
        assert client.get(reverse(name))["Location"].startswith(reverse("login"))
    assert client.get(reverse("operations:detail", args=[pk]))["Location"].startswith(reverse("login"))
    for action in ("acknowledge", "assign", "snooze", "resolve"):
        response = client.post(reverse(f"operations:{action}", args=[pk]), {"note": "x", "reason": "x"})
        assert response.status_code == 302
    assert OpsException.objects.get(pk=pk).status == ExceptionStatus.OPEN


@pytest.mark.parametrize(("who", "stores"), [
    ("manager_a", {"N01"}), ("manager_c", {"S01"}), ("regional_north", {"N01", "N02"}),
    ("regional_south", {"S01"}), ("hq", {"N01", "N02", "S01"}), ("ops", {"N01", "N02", "S01"}),
])
def test_it_lists_only_the_exceptions_of_stores_in_scope(network, cases, who, stores) -> None:
    assert listed(signed_in(getattr(network, who))) == stores


def test_it_refuses_the_list_to_someone_without_a_role(network, cases) -> None:
    response = signed_in(network.nobody).get(reverse("operations:list"))
    assert response.status_code == 403
    assert b"you hold none" in response.content


def test_it_hides_other_stores_exceptions_as_not_found(network, cases) -> None:
    client = signed_in(network.manager_a)
    assert client.get(reverse("operations:detail", args=[cases["N01"].pk])).status_code == 200
    assert client.get(reverse("operations:detail", args=[cases["S01"].pk])).status_code == 404
    response = client.post(reverse("operations:acknowledge", args=[cases["N02"].pk]))
    assert response.status_code == 404
    assert OpsException.objects.get(pk=cases["N02"].pk).status == ExceptionStatus.OPEN


def test_it_filters_and_answers_bad_filters_with_400(network, cases) -> None:
    make_exception(network.store_a, kind=ExceptionKind.NEGATIVE_STOCK, severity=Severity.CRITICAL,
                   odoo_model="stock.quant")
    client = signed_in(network.hq)
    assert listed(client, "?kind=negative_stock") == {"N01"}
    assert listed(client, "?store=S01") == {"S01"}
    assert listed(client, "?severity=4") == {"N01"}
    for query in ("?status=nonsense", "?kind=<script>", "?severity=9", "?severity=x"):
        response = client.get(reverse("operations:list") + query)
        assert response.status_code == 400
        assert b"<script>" not in response.content


def test_it_serves_the_list_panel_as_a_fragment_to_htmx(network, cases) -> None:
    response = signed_in(network.hq).get(reverse("operations:list"), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b'id="exception-panel"' in response.content
    assert b'data-live-topics="exception writebacks"' in response.content


def test_it_keeps_the_list_query_count_flat_as_exceptions_grow(network, django_assert_max_num_queries) -> None:
    client = signed_in(network.regional_north)
    make_exception(network.store_a)
    with django_assert_max_num_queries(25) as few:  # about half are the shell (session, navigation)
        client.get(reverse("operations:list"))
    baseline = len(few)
    for _ in range(40):
        make_exception(network.store_b, owner=network.manager_a)
    with django_assert_max_num_queries(baseline):
        response = client.get(reverse("operations:list"))
    assert len(response.context["listing"].rows) == 41


def test_it_lets_a_store_manager_acknowledge_own_store_exceptions_once(network, cases) -> None:
    client, pk = signed_in(network.manager_a), cases["N01"].pk
    response = client.post(reverse("operations:acknowledge", args=[pk]))
    assert response.status_code == 302
    exception = OpsException.objects.get(pk=pk)
    assert exception.status == ExceptionStatus.ACKNOWLEDGED
    assert exception.owner == network.manager_a
    assert AuditEvent.objects.filter(action="exception.acknowledged", object_id=str(pk),
                                     actor=network.manager_a).exists()
    again = client.post(reverse("operations:acknowledge", args=[pk]), headers={"HX-Request": "true"})
    assert again.status_code == 409
    assert b"Only an open exception can be acknowledged" in again.content


def test_it_answers_htmx_actions_with_the_card_fragment(network, cases) -> None:
    response = signed_in(network.regional_north).post(reverse("operations:acknowledge", args=[cases["N02"].pk]),
                                                      headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b'id="exception-card"' in response.content
    assert b"Acknowledged." in response.content


def test_it_lets_operations_view_but_not_act(network, cases) -> None:
    client = signed_in(network.ops)
    page = client.get(reverse("operations:detail", args=[cases["S01"].pk]))
    assert page.status_code == 200
    assert b"acting on it needs a role" in page.content
    response = client.post(reverse("operations:resolve", args=[cases["S01"].pk]), {"note": "done"})
    assert response.status_code == 403
    assert b"right to act for store S01" in response.content
    assert OpsException.objects.get(pk=cases["S01"].pk).status == ExceptionStatus.OPEN


def test_it_assigns_only_to_people_who_can_act_for_the_store(network, cases) -> None:
    client, pk = signed_in(network.regional_north), cases["N01"].pk
    refused = client.post(reverse("operations:assign", args=[pk]), {"owner": network.manager_c.pk})
    assert refused.status_code == 400
    assert b"Choose someone who can act for this store" in refused.content
    assert OpsException.objects.get(pk=pk).owner is None
    assert client.post(reverse("operations:assign", args=[pk]), {"owner": network.manager_a.pk}).status_code == 302
    assert OpsException.objects.get(pk=pk).owner == network.manager_a


def test_it_snoozes_with_a_reason_until_a_future_time(network, cases) -> None:
    client, pk = signed_in(network.manager_a), cases["N01"].pk
    url = reverse("operations:snooze", args=[pk])
    later = (timezone.localtime() + timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M")
    earlier = (timezone.localtime() - timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M")
    assert client.post(url, {"until": later, "reason": ""}).status_code == 400
    assert client.post(url, {"until": "tomorrow", "reason": "Vendor late"}).status_code == 400
    assert client.post(url, {"until": earlier, "reason": "Vendor late"}).status_code == 400
    too_far = (timezone.localtime() + timedelta(days=90)).strftime("%Y-%m-%dT%H:%M")
    assert client.post(url, {"until": too_far, "reason": "Vendor late"}).status_code == 400
    assert OpsException.objects.get(pk=pk).status == ExceptionStatus.OPEN
    assert client.post(url, {"until": later, "reason": "Vendor late"}).status_code == 302
    exception = OpsException.objects.get(pk=pk)
    assert exception.status == ExceptionStatus.SNOOZED
    assert exception.snooze_reason == "Vendor late"
    assert not WriteBack.objects.exists()  # receipts have no snooze in Odoo


def test_it_queues_the_orderpoint_snooze_for_a_replenishment_risk(network) -> None:
    exception = make_exception(network.store_c, kind=ExceptionKind.REPLENISHMENT_RISK,
                               odoo_model="stock.warehouse.orderpoint", odoo_id=20)
    later = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = signed_in(network.manager_c).post(reverse("operations:snooze", args=[exception.pk]),
                                                 {"until": later, "reason": "Promo stock inbound"})
    assert response.status_code == 302
    writeback = WriteBack.objects.get()
    assert (writeback.odoo_model, writeback.odoo_id, writeback.store) == ("stock.warehouse.orderpoint", 20,
                                                                          network.store_c)


def test_it_resolves_with_a_note_and_escapes_it(network, cases) -> None:
    client, pk = signed_in(network.manager_c), cases["S01"].pk
    url = reverse("operations:resolve", args=[pk])
    assert client.post(url, {"note": "   "}).status_code == 400
    assert client.post(url, {"note": "x" * 2001}).status_code == 400
    assert client.post(url, {"note": "<script>alert(1)</script> delivered"}).status_code == 302
    page = client.get(reverse("operations:detail", args=[pk]))
    assert b"<script>alert(1)</script>" not in page.content
    assert b"&lt;script&gt;alert(1)&lt;/script&gt; delivered" in page.content
    closed = client.post(url, {"note": "again"})
    assert closed.status_code == 409


def test_it_refuses_get_on_actions(network, cases) -> None:
    response = signed_in(network.manager_a).get(reverse("operations:acknowledge", args=[cases["N01"].pk]))
    assert response.status_code == 405


def test_it_reports_kpis_from_the_kept_history(network, cases) -> None:
    client, pk = signed_in(network.manager_a), cases["N01"].pk
    client.post(reverse("operations:acknowledge", args=[pk]))
    client.post(reverse("operations:resolve", args=[pk]), {"note": "Received at the back door"})
    response = client.get(reverse("operations:list") + "?status=all")
    kpis = response.context["kpis"]
    assert (kpis["opened"], kpis["resolved"], kpis["auto_closed"], kpis["reopened"]) == (1, 1, 0, 0)
    assert b"time to acknowledge 3 h" in response.content
    actions = list(OpsException.objects.get(pk=pk).events.order_by("pk").values_list("action", flat=True))
    assert actions == ["acknowledged", "resolved"]


def test_it_lets_operations_tune_the_severity_rules_in_the_admin(network) -> None:
    from apps.operations.models import ExceptionRule
    from apps.operations.rules import rules_ensure

    rule = rules_ensure()[ExceptionKind.LATE_RECEIPT]
    url = reverse("admin:operations_exceptionrule_change", args=[rule.pk])
    assert signed_in(network.hq).get(url).status_code in (302, 403)  # HQ is not staff: no admin
    client = signed_in(network.ops)
    assert client.get(reverse("admin:operations_exceptionrule_changelist")).status_code == 200
    form = {"kind": rule.kind, "enabled": "on", "base_severity": 3, "escalate_every_hours": 12, "value_high": "0",
            "value_critical": "0", "min_quantity": "0", "min_value": "0", "grace_hours": 4, "deadline_hours": 6,
            "price_tolerance_percent": "0", "price_tolerance_amount": "0", "bill_wait_days": 7}
    assert client.post(url, form).status_code == 302
    rule = ExceptionRule.objects.get(pk=rule.pk)
    assert (rule.base_severity, rule.escalate_every_hours, rule.grace_hours) == (3, 12, 4)
