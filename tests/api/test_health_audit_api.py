"""Network-wide reads: workflow health (HQ and operations) and the audit trail."""

from __future__ import annotations

import pytest

from apps.audit.services import audit_record
from apps.health.models import HealthSignal
from tests.api.conftest import bearer, error_of, token_for
from tests.factories import Network

pytestmark = pytest.mark.django_db


@pytest.fixture
def signals(db: None) -> None:
    HealthSignal.objects.create(key="odoo.connection", label="Odoo connection", category="odoo_connection",
                                status="ok", rule="answers within 2 s")
    HealthSignal.objects.create(key="outbox", label="Write-backs", category="outbox", status="failing",
                                rule="no dead letters")


@pytest.mark.parametrize("who", ["hq", "ops"])
def test_it_shows_health_to_the_network_roles(network: Network, signals, who: str) -> None:  # type: ignore[no-untyped-def]
    body = bearer(token_for(getattr(network, who))).get("/api/v1/health/").json()
    assert body["overall"] == "failing"
    assert {s["key"] for s in body["signals"]} == {"odoo.connection", "outbox"}


@pytest.mark.parametrize("who", ["manager_a", "regional_north", "nobody"])
def test_it_refuses_health_to_store_and_region_roles(network: Network, signals, who: str) -> None:  # type: ignore[no-untyped-def]
    response = bearer(token_for(getattr(network, who))).get("/api/v1/health/")
    assert response.status_code == 403
    error_of(response)


def test_it_refuses_health_to_a_token_limited_to_stores(network: Network, signals, client) -> None:  # type: ignore[no-untyped-def]
    response = bearer(token_for(network.hq, stores=[network.store_a])).get("/api/v1/health/")
    assert response.status_code == 403
    assert "limited" in error_of(response)["message"]
    assert client.get("/api/v1/health/").status_code == 401


@pytest.fixture
def trail(network: Network) -> None:
    audit_record(action="approval.approve", target=network.store_a, actor=network.regional_north,
                 store=network.store_a, message="north")
    audit_record(action="approval.reject", target=network.store_c, actor=network.regional_south,
                 store=network.store_c, message="south")


@pytest.mark.parametrize("who", ["hq", "ops"])
def test_it_shows_the_audit_trail_to_hq_and_operations(network: Network, trail, who: str) -> None:  # type: ignore[no-untyped-def]
    client = bearer(token_for(getattr(network, who)))
    rows = client.get("/api/v1/audit/?action=approval.").json()["results"]
    assert [row["message"] for row in rows] == ["south", "north"]
    assert [r["store"] for r in client.get("/api/v1/audit/?store=N01&action=approval.").json()["results"]] == ["N01"]
    assert client.get("/api/v1/audit/?since=not-a-date").status_code == 400


@pytest.mark.parametrize("who", ["manager_a", "regional_north", "nobody"])
def test_it_refuses_the_audit_trail_to_other_roles(network: Network, trail, who: str) -> None:  # type: ignore[no-untyped-def]
    assert bearer(token_for(getattr(network, who))).get("/api/v1/audit/").status_code == 403


def test_it_narrows_the_audit_trail_to_a_limited_token(network: Network, trail) -> None:  # type: ignore[no-untyped-def]
    rows = bearer(token_for(network.hq, regions=[network.north])).get("/api/v1/audit/").json()["results"]
    assert {row["store"] for row in rows} == {"N01"}


def test_it_pins_the_audit_query_count(network: Network, trail, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    for number in range(10):
        audit_record(action="approval.approve", target=network.store_b, store=network.store_b, message=str(number))
    client = bearer(token_for(network.hq))
    client.get("/api/v1/audit/")
    with django_assert_max_num_queries(7):
        client.get("/api/v1/audit/")
