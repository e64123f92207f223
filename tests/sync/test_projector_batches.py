"""A first sync with a domain projector writes each page in a fixed number of statements, however
many records it holds (no per-record insert, policy lookup or triage call in the sync transaction)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.approvals.models import ApprovalRequest
from apps.incidents.models import IncidentSource, StoreIncident
from apps.operations.models import EventAction, ExceptionEvent, OpsException
from apps.operations.rules import rules_ensure
from apps.organisation.roles import Role
from apps.organisation.services import role_grant
from apps.sync.engine import feed_sync
from apps.sync.models import RunStatus
from apps.webhooks import destinations
from apps.webhooks.models import WebhookEvent
from apps.webhooks.services import subscription_create
from tests.factories import make_user
from tests.sync.test_sync import demo_stores, feed

__all__ = ["demo_stores"]
pytestmark = pytest.mark.django_db


def first_sync_queries(slug: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        run = feed_sync(feed(slug, batch_size=5000))
    assert run.status == RunStatus.OK, run.error
    return run.created, len(queries)


@pytest.mark.parametrize(("slug", "rows"), [("incident-tasks", StoreIncident), ("purchase-orders", ApprovalRequest),
                                            ("customer-refunds", ApprovalRequest)])
def test_a_first_sync_with_a_projector_costs_a_fixed_number_of_queries(odoo, demo_stores, slug, rows) -> None:
    created, queries = first_sync_queries(slug)
    assert created > 5
    assert rows.objects.count() > 5
    assert queries <= 30, f"{queries} queries for {created} records"


def test_rows_written_a_page_at_a_time_still_announce_themselves(odoo, demo_stores, monkeypatch) -> None:
    """An `incident.created` event per incident Odoo opened for a store, an `exception.opened` event
    per exception a feed raised, each with its opening in the exception's history."""
    monkeypatch.setattr(destinations, "resolve", lambda host, port: ["93.184.215.14"])  # a public receiver
    admin = make_user()
    role_grant(user=admin, role=Role.OPERATIONS_ADMIN)
    subscription_create(actor=admin, name="n8n", url="https://hooks.example.com/ct",
                        events=["incident.created", "exception.opened"])
    rules_ensure()
    for slug in ("incident-tasks", "replenishment-risks"):
        assert feed_sync(feed(slug)).status == RunStatus.OK

    incidents = sorted(StoreIncident.objects.filter(source=IncidentSource.ODOO).values_list("pk", flat=True))
    exceptions = sorted(OpsException.objects.values_list("pk", flat=True))
    assert len(incidents) > 1
    assert len(exceptions) > 1
    created = WebhookEvent.objects.filter(event_type="incident.created")
    assert sorted(event.payload["incident"]["id"] for event in created) == incidents
    assert all(event.payload["incident"]["category"] for event in created)  # triaged before the event
    opened = WebhookEvent.objects.filter(event_type="exception.opened")
    assert sorted(event.payload["exception"]["id"] for event in opened) == exceptions
    assert sorted(ExceptionEvent.objects.filter(action=EventAction.OPENED).values_list("exception_id", flat=True)) \
        == exceptions
