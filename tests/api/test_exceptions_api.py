"""Operational exceptions through the API: per role and store, acknowledge, snooze and resolve."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from apps.api.models import TokenAccess
from apps.audit.models import AuditEvent
from apps.operations.models import ExceptionStatus, OpsException, Severity
from tests.api.conftest import bearer, error_of, token_for
from tests.api.support import make_exception
from tests.factories import Network

pytestmark = pytest.mark.django_db


@pytest.fixture
def exceptions(network: Network) -> dict[str, OpsException]:
    return {"N01": make_exception(network.store_a, severity=Severity.HIGH), "S01": make_exception(network.store_c)}


def act(user: Any, exception: OpsException, verb: str, **body: Any) -> Any:
    return bearer(token_for(user)).post(f"/api/v1/exceptions/{exception.pk}/{verb}/", data=body,
                                        content_type="application/json")


@pytest.mark.parametrize(("who", "expected"), [
    ("manager_a", {"N01"}), ("manager_c", {"S01"}), ("regional_south", {"S01"}), ("hq", {"N01", "S01"}),
    ("nobody", set()),
])
def test_it_lists_each_role_the_exceptions_of_its_stores(network: Network, exceptions, who: str,  # type: ignore[no-untyped-def]
                                                         expected: set[str]) -> None:
    response = bearer(token_for(getattr(network, who))).get("/api/v1/exceptions/")
    assert response.status_code == 200
    assert {row["store"]["code"] for row in response.json()["results"]} == expected


def test_it_orders_worst_first_and_filters(network: Network, exceptions) -> None:  # type: ignore[no-untyped-def]
    client = bearer(token_for(network.hq))
    rows = client.get("/api/v1/exceptions/").json()["results"]
    assert [row["store"]["code"] for row in rows] == ["N01", "S01"]
    assert [r["id"] for r in client.get("/api/v1/exceptions/?severity_min=3").json()["results"]] == [
        exceptions["N01"].pk]
    assert client.get("/api/v1/exceptions/?severity_min=9").status_code == 400
    assert client.get("/api/v1/exceptions/?active=false").json()["results"] == []


def test_it_pins_the_exception_list_query_count(network: Network, exceptions,  # type: ignore[no-untyped-def]
                                                django_assert_max_num_queries) -> None:
    for _ in range(6):
        make_exception(network.store_b)
    client = bearer(token_for(network.hq))
    client.get("/api/v1/exceptions/")
    with django_assert_max_num_queries(6):
        assert len(client.get("/api/v1/exceptions/").json()["results"]) == 8


def test_it_refuses_anonymous_callers(network: Network, exceptions, client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/api/v1/exceptions/").status_code == 401
    assert client.post(f"/api/v1/exceptions/{exceptions['N01'].pk}/acknowledge/").status_code == 401


def test_it_acknowledges_for_the_store(network: Network, exceptions) -> None:  # type: ignore[no-untyped-def]
    response = act(network.manager_a, exceptions["N01"], "acknowledge")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "acknowledged"
    assert response.json()["owner"] == "manager_a"
    assert AuditEvent.objects.filter(action="exception.acknowledged").exists()
    again = act(network.manager_a, exceptions["N01"], "acknowledge")
    assert again.status_code == 409
    assert error_of(again)["code"] == "conflict"


def test_it_snoozes_with_a_reason_until_a_future_time(network: Network, exceptions) -> None:  # type: ignore[no-untyped-def]
    until = (timezone.now() + timedelta(days=2)).isoformat()
    response = act(network.regional_south, exceptions["S01"], "snooze", until=until, reason="Supplier strike")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "snoozed"
    assert response.json()["snooze_reason"] == "Supplier strike"


@pytest.mark.parametrize("body", [{"reason": "x"}, {"until": "tomorrow", "reason": "x"},
                                  {"until": "2001-01-01T00:00:00Z", "reason": "Long ago"},
                                  {"until": "2999-01-01T00:00:00Z", "reason": "Forever"}])
def test_it_refuses_bad_snoozes_and_changes_nothing(network: Network, exceptions, body: dict[str, Any]) -> None:  # type: ignore[no-untyped-def]
    response = act(network.manager_c, exceptions["S01"], "snooze", **body)
    assert response.status_code == 400
    error_of(response)
    assert OpsException.objects.get(pk=exceptions["S01"].pk).status == ExceptionStatus.OPEN


def test_it_resolves_with_a_note(network: Network, exceptions) -> None:  # type: ignore[no-untyped-def]
    response = act(network.hq, exceptions["N01"], "resolve", note="Receipt booked in by hand")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "resolved"
    assert act(network.hq, exceptions["N01"], "resolve", note="again").status_code == 409
    assert act(network.hq, exceptions["S01"], "resolve", note="").status_code == 400


def test_it_refuses_acting_outside_the_scope_or_role(network: Network, exceptions) -> None:  # type: ignore[no-untyped-def]
    assert act(network.manager_c, exceptions["N01"], "acknowledge").status_code == 404
    refused = act(network.ops, exceptions["N01"], "acknowledge")
    assert refused.status_code == 403
    assert "N01" in error_of(refused)["message"]
    read_only = bearer(token_for(network.manager_a, access=TokenAccess.READ)).post(
        f"/api/v1/exceptions/{exceptions['N01'].pk}/acknowledge/")
    assert read_only.status_code == 403
    assert error_of(read_only)["code"] == "read_only_token"
    limited = bearer(token_for(network.regional_north, stores=[network.store_b])).post(
        f"/api/v1/exceptions/{exceptions['N01'].pk}/acknowledge/")
    assert limited.status_code == 404
    assert OpsException.objects.get(pk=exceptions["N01"].pk).status == ExceptionStatus.OPEN
