"""Every endpoint against the same doors: no credentials, an expired token, a revoked token (401); a
read-only token writing (403); another store's record (404); and the token of the store's own
manager (allowed where the role allows it)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from apps.api.models import TokenAccess
from apps.api.services import token_issue, token_revoke
from apps.incidents.services import IncidentReport, incident_submit
from tests.api.conftest import bearer, error_of, token_for
from tests.api.support import make_approval, make_exception
from tests.factories import Network

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(network: Network) -> dict[str, dict[str, int]]:
    """One record of each kind in store A (N01) and in store C (S01)."""
    made: dict[str, dict[str, int]] = {}
    for code, store, manager, odoo_id in (("A", network.store_a, network.manager_a, 7001),
                                          ("C", network.store_c, network.manager_c, 7002)):
        incident = incident_submit(user=manager, report=IncidentReport(
            store=store, title="Freezer aisle 4 warm", category="refrigeration", urgency="high"))
        made[code] = {"approval": make_approval(store, odoo_id).pk, "incident": incident.pk,
                      "exception": make_exception(store).pk, "store": store.pk}
    return made


READS = ["/api/v1/me/", "/api/v1/stores/", "/api/v1/stores/{store}/", "/api/v1/regions/", "/api/v1/approvals/",
         "/api/v1/approvals/{approval}/", "/api/v1/incidents/", "/api/v1/incidents/{incident}/",
         "/api/v1/exceptions/", "/api/v1/exceptions/{exception}/", "/api/v1/health/", "/api/v1/audit/"]
WRITES = [("/api/v1/approvals/{approval}/decide/", {"outcome": "approve"}),
          ("/api/v1/incidents/", {"store": "{store}", "title": "Till 2 frozen", "category": "pos_it",
                                  "urgency": "high"}),
          ("/api/v1/incidents/{incident}/comments/", {"body": "Engineer on the way"}),
          ("/api/v1/exceptions/{exception}/acknowledge/", {}),
          ("/api/v1/exceptions/{exception}/snooze/", {"until": "{tomorrow}", "reason": "Supplier strike"}),
          ("/api/v1/exceptions/{exception}/resolve/", {"note": "Booked in by hand"})]


def fill(template: str, ids: dict[str, int]) -> str:
    tomorrow = (timezone.now() + timedelta(days=1)).isoformat()
    return template.format(tomorrow=tomorrow, **ids)


def call(client: Client, path: str, body: dict[str, Any] | None, ids: dict[str, int]) -> Any:
    if body is None:
        return client.get(fill(path, ids))
    data = {key: fill(value, ids) if isinstance(value, str) else value for key, value in body.items()}
    if data.get("store"):
        data["store"] = int(data["store"])
    return client.post(fill(path, ids), data=data, content_type="application/json")


EVERY_CALL = [(path, None) for path in READS] + WRITES


@pytest.mark.parametrize(("path", "body"), EVERY_CALL)
def test_it_refuses_calls_without_a_usable_token(network: Network, records, client, path: str,  # type: ignore[no-untyped-def]
                                                 body: dict[str, Any] | None) -> None:
    ids = records["A"]
    assert call(client, path, body, ids).status_code == 401
    assert call(Client(HTTP_AUTHORIZATION="Bearer ct_aaaaaaaaaa_" + "b" * 43), path, body, ids).status_code == 401
    expiring = token_for(network.manager_a, days=1)
    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
        expired = call(bearer(expiring), path, body, ids)
    assert expired.status_code == 401
    assert error_of(expired)["code"] == "token_expired"
    issued = token_issue(creator=network.hq, user=network.hq, name="revoked", access=TokenAccess.READ_WRITE)
    token_revoke(token=issued.token, actor=network.hq)
    revoked = call(bearer(issued.plaintext), path, body, ids)
    assert revoked.status_code == 401
    assert error_of(revoked)["code"] == "token_revoked"


@pytest.mark.parametrize(("path", "body"), WRITES)
def test_it_refuses_every_write_with_a_read_only_token(network: Network, records, path: str,  # type: ignore[no-untyped-def]
                                                       body: dict[str, Any]) -> None:
    for user in (network.manager_a, network.regional_north, network.hq):
        response = call(bearer(token_for(user, access=TokenAccess.READ)), path, body, records["A"])
        assert response.status_code == 403
        assert error_of(response)["code"] == "read_only_token"


DETAILS = [path for path in READS if "{" in path and "{store}" not in path] + [
    path for path, _ in WRITES if "{" in path]


@pytest.mark.parametrize("path", DETAILS)
def test_it_hides_another_store_s_records_behind_404(network: Network, records, path: str) -> None:  # type: ignore[no-untyped-def]
    body = dict(WRITES).get(path)
    response = call(bearer(token_for(network.manager_a)), path, body, records["C"])
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


@pytest.mark.parametrize(("path", "body", "expected"), [
    ("/api/v1/incidents/{incident}/", None, 200),
    ("/api/v1/approvals/{approval}/", None, 200),
    ("/api/v1/exceptions/{exception}/", None, 200),
    ("/api/v1/approvals/{approval}/decide/", {"outcome": "approve"}, 403),  # a store manager does not decide
    ("/api/v1/incidents/", dict(WRITES)["/api/v1/incidents/"], 201),
    ("/api/v1/incidents/{incident}/comments/", {"body": "Engineer on the way"}, 201),
    ("/api/v1/exceptions/{exception}/acknowledge/", {}, 200),
    ("/api/v1/health/", None, 403),
    ("/api/v1/audit/", None, 403),
])
def test_it_lets_the_store_s_own_manager_do_what_the_role_allows(network: Network, records, path: str,  # type: ignore[no-untyped-def]
                                                                 body: dict[str, Any] | None, expected: int) -> None:
    response = call(bearer(token_for(network.manager_a)), path, body, records["A"])
    assert response.status_code == expected, response.content
    if expected >= 400:
        error_of(response)
