"""The audit trail view and CSV export: HQ and operations only, filterable, streamed."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from apps.audit.services import audit_record
from tests.factories import Network


def signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def trail(network: Network) -> Network:
    audit_record(action="approval.approve", target=network.store_a, actor=network.regional_north,
                 store=network.store_a, message="ok for N01")
    audit_record(action="approval.reject", target=network.store_c, actor=network.regional_south,
                 store=network.store_c, message="=HYPERLINK(\"http://evil\")")
    audit_record(action="approval_policy.changed", actor=network.ops, message="<b>bold</b>")
    return network


def test_it_sends_anonymous_visitors_to_sign_in(trail: Network) -> None:
    for name in ("audit:events", "audit:export"):
        response = Client().get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("person", ["manager_a", "manager_c", "regional_north", "nobody"])
def test_it_refuses_everyone_but_hq_and_operations_with_a_reason(trail: Network, person: str) -> None:
    client = signed_in(getattr(trail, person))
    for name in ("audit:events", "audit:export"):
        response = client.get(reverse(name))
        assert response.status_code == 403
        assert "HQ executives and operations admins only" in response.content.decode()


@pytest.mark.parametrize("person", ["hq", "ops"])
def test_it_lists_and_filters_events_for_hq_and_operations(trail: Network, person: str,
                                                          django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(getattr(trail, person))
    with django_assert_max_num_queries(12):
        body = client.get(reverse("audit:events")).content.decode()
    assert "ok for N01" in body
    assert "&lt;b&gt;bold&lt;/b&gt;" in body
    body = client.get(reverse("audit:events"), {"store": "S01"}).content.decode()
    assert "approval.reject" in body
    assert "ok for N01" not in body
    body = client.get(reverse("audit:events"), {"actor": "regional_north", "action": "approval."}).content.decode()
    assert "ok for N01" in body
    assert "HYPERLINK" not in body
    response = client.get(reverse("audit:events"), {"since": "2000-01-01", "until": "2000-01-02"})
    assert response.context["listing"].rows == []
    response = client.get(reverse("audit:events"), {"since": "soon"})
    assert response.status_code == 200
    assert "From must be a date" in response.content.decode()
    fragment = client.get(reverse("audit:events"), HTTP_HX_REQUEST="true").content.decode()
    assert fragment.strip().startswith('<section class="card" id="events-panel"')


def test_it_streams_a_filtered_csv_with_formulas_defused(trail: Network) -> None:
    response = signed_in(trail.hq).get(reverse("audit:export"), {"action": "approval."})
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))  # type: ignore[arg-type]
    assert rows[0][:3] == ["occurred_at", "actor", "action"]
    assert sorted(row[2] for row in rows[1:]) == ["approval.approve", "approval.reject"]
    messages = {row[8] for row in rows[1:]}
    assert "'=HYPERLINK(\"http://evil\")" in messages
