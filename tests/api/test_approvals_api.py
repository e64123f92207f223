"""Approval requests through the API, against the Odoo sandbox: the queue per role and store, the
detail, and deciding (written back to Odoo by the outbox)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from apps.api.models import TokenAccess
from apps.api.services import token_issue, token_revoke
from apps.approvals.models import ApprovalRequest, ApprovalStatus
from apps.audit.models import AuditEvent
from apps.writeback.models import WriteBack
from apps.writeback.services import writeback_run
from tests.api.conftest import bearer, error_of, token_for
from tests.api.support import approval_for, new_po, odoo_state, sync_purchase_orders
from tests.factories import Network

pytestmark = pytest.mark.django_db


@pytest.fixture
def orders(network: Network, odoo, odoo_server) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """One fresh order waiting for approval in N01 (warehouse 2) and one in S01 (warehouse 10)."""
    made = {"N01": new_po(odoo_server, warehouse_id=2), "S01": new_po(odoo_server, warehouse_id=10)}
    sync_purchase_orders(odoo)
    return made


def store_codes(response) -> set[str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.content
    return {row["store"]["code"] for row in response.json()["results"]}


def decide(user, order: int, **body):  # type: ignore[no-untyped-def]
    return bearer(token_for(user)).post(f"/api/v1/approvals/{approval_for(order).pk}/decide/", data=body,
                                        content_type="application/json")


@pytest.mark.parametrize(("who", "expected"), [
    ("manager_a", {"N01"}), ("manager_c", {"S01"}), ("regional_north", {"N01", "N02"}),
    ("regional_south", {"S01", "S02"}), ("nobody", set()),
])
def test_it_lists_each_role_the_queue_of_its_own_stores(network: Network, orders, who: str,  # type: ignore[no-untyped-def]
                                                        expected: set[str]) -> None:
    response = bearer(token_for(getattr(network, who))).get("/api/v1/approvals/?status=open&page_size=200")
    assert store_codes(response) <= expected
    if expected:
        assert store_codes(response) & expected


def test_it_refuses_the_queue_to_anonymous_callers(network: Network, orders, client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/api/v1/approvals/").status_code == 401


def test_it_orders_the_queue_by_deadline_and_filters_it(network: Network, orders) -> None:  # type: ignore[no-untyped-def]
    client = bearer(token_for(network.hq))
    rows = client.get("/api/v1/approvals/?status=open&store=N01&page_size=200").json()["results"]
    assert {row["store"]["code"] for row in rows} == {"N01"}
    deadlines = [row["deadline"] for row in rows]
    assert deadlines == sorted(deadlines)
    assert orders["N01"] in [row["odoo_id"] for row in rows]
    assert client.get("/api/v1/approvals/?overdue=true&status=open").status_code == 200
    newest = client.get("/api/v1/approvals/?ordering=-requested_at&page_size=1").json()["results"]
    assert len(newest) == 1


def test_it_shows_a_request_in_scope_and_hides_others(network: Network, orders) -> None:  # type: ignore[no-untyped-def]
    own, other = approval_for(orders["N01"]), approval_for(orders["S01"])
    client = bearer(token_for(network.manager_a))
    detail = client.get(f"/api/v1/approvals/{own.pk}/")
    assert detail.status_code == 200
    assert detail.json()["reference"] == own.reference
    assert detail.json()["decisions"] == []
    assert client.get(f"/api/v1/approvals/{other.pk}/").status_code == 404


def test_it_pins_the_queue_query_count(network: Network, orders, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    client = bearer(token_for(network.hq))
    client.get("/api/v1/approvals/")
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/approvals/?page_size=200")
    assert len(response.json()["results"]) >= 2


def test_it_lets_the_regional_manager_approve_and_writes_it_back_to_odoo(
        network: Network, orders, odoo, odoo_server) -> None:  # type: ignore[no-untyped-def]
    response = decide(network.regional_north, orders["N01"], outcome="approve", comment="Fine")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["decision"]["outcome"] == "approve"
    assert body["decision"]["actor"] == "regional_north"
    assert body["request"]["status"] == "approved"
    assert body["request"]["writeback_status"] == "queued"
    assert AuditEvent.objects.filter(action="approval.approve", object_id=str(body["request"]["id"])).exists()
    writeback = WriteBack.objects.get(pk=approval_for(orders["N01"]).writeback_id)
    assert writeback_run(writeback.pk, gateway=odoo).status == "applied"
    assert odoo_state(odoo_server, "purchase.order", orders["N01"]) == "purchase"


def test_it_requires_a_reason_to_reject(network: Network, orders) -> None:  # type: ignore[no-untyped-def]
    response = decide(network.regional_north, orders["N01"], outcome="reject")
    assert response.status_code == 400
    assert "reason" in error_of(response)["message"]
    assert approval_for(orders["N01"]).status == ApprovalStatus.OPEN


@pytest.mark.parametrize("body", [{}, {"outcome": "maybe"}, {"outcome": "approve", "comment": "x" * 2001}])
def test_it_refuses_bad_decisions_and_changes_nothing(network: Network, orders, body) -> None:  # type: ignore[no-untyped-def]
    response = decide(network.regional_north, orders["N01"], **body)
    assert response.status_code == 400
    assert error_of(response)["fields"]
    assert approval_for(orders["N01"]).status == ApprovalStatus.OPEN


def test_it_answers_409_when_the_request_is_already_decided(network: Network, orders) -> None:  # type: ignore[no-untyped-def]
    assert decide(network.regional_north, orders["N01"], outcome="approve").status_code == 200
    response = decide(network.hq, orders["N01"], outcome="reject", comment="Too late")
    assert response.status_code == 409
    assert error_of(response)["code"] == "conflict"


def test_it_refuses_deciding_to_a_store_manager(network: Network, orders) -> None:  # type: ignore[no-untyped-def]
    response = decide(network.manager_a, orders["N01"], outcome="approve")
    assert response.status_code == 403
    assert "N01" in error_of(response)["message"]
    assert approval_for(orders["N01"]).status == ApprovalStatus.OPEN


def test_it_hides_another_region_s_request_from_a_regional_manager(network: Network, orders) -> None:  # type: ignore[no-untyped-def]
    assert decide(network.regional_south, orders["N01"], outcome="approve").status_code == 404


def test_it_refuses_a_read_only_token_writing(network: Network, orders) -> None:  # type: ignore[no-untyped-def]
    token = token_for(network.regional_north, access=TokenAccess.READ)
    response = bearer(token).post(f"/api/v1/approvals/{approval_for(orders['N01']).pk}/decide/",
                                  data={"outcome": "approve"}, content_type="application/json")
    assert response.status_code == 403
    assert error_of(response)["code"] == "read_only_token"
    assert approval_for(orders["N01"]).status == ApprovalStatus.OPEN


def test_it_keeps_a_limited_token_to_its_stores(network: Network, orders) -> None:  # type: ignore[no-untyped-def]
    other_store = token_for(network.regional_north, stores=[network.store_b])
    request = approval_for(orders["N01"])
    assert bearer(other_store).get(f"/api/v1/approvals/{request.pk}/").status_code == 404
    assert bearer(other_store).post(f"/api/v1/approvals/{request.pk}/decide/", data={"outcome": "approve"},
                                    content_type="application/json").status_code == 404
    own_store = token_for(network.regional_north, stores=[network.store_a])
    assert bearer(own_store).post(f"/api/v1/approvals/{request.pk}/decide/", data={"outcome": "approve"},
                                  content_type="application/json").status_code == 200


def test_it_refuses_expired_and_revoked_tokens_deciding(network: Network, orders) -> None:  # type: ignore[no-untyped-def]
    request = approval_for(orders["N01"])
    expiring = token_for(network.regional_north, days=1)
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        response = bearer(expiring).post(f"/api/v1/approvals/{request.pk}/decide/", data={"outcome": "approve"},
                                         content_type="application/json")
    assert response.status_code == 401
    issued = token_issue(creator=network.regional_north, user=network.regional_north, name="x",
                         access=TokenAccess.READ_WRITE)
    token_revoke(token=issued.token, actor=network.ops)
    response = bearer(issued.plaintext).post(f"/api/v1/approvals/{request.pk}/decide/", data={"outcome": "approve"},
                                             content_type="application/json")
    assert response.status_code == 401
    assert ApprovalRequest.objects.get(pk=request.pk).status == ApprovalStatus.OPEN
